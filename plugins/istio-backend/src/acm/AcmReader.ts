import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';
import {
  ACMClient,
  DescribeCertificateCommand,
  ListCertificatesCommand,
} from '@aws-sdk/client-acm';
import { certificateNameCovers } from '@meshdeck/plugin-istio-common';

/**
 * Why an ACM answer is the last good one rather than a fresh one.
 * `reason`: `unreachable` (no connection: refused, reset, timed out),
 * `throttled` (ThrottlingException and the like, HTTP 429) or
 * `unavailable` (HTTP 5xx).
 */
export type AcmStaleness = {
  /** When the answer shown was read from ACM (ISO time). */
  since: string;
  reason: 'unreachable' | 'throttled' | 'unavailable';
  /** What the AWS SDK said. */
  message?: string;
};

/** What Meshdeck shows of an ACM certificate. */
export type AcmCertificate = {
  arn: string;
  status: string;
  notAfter?: string;
  serial?: string;
  renewalStatus?: string;
  type?: string;
  inUseBy: string[];
  /** Served from the last good answer because ACM could not be asked now. */
  stale?: boolean;
  /** With `stale`: since when, and why. */
  staleness?: AcmStaleness;
};

/** A last good answer as the cache keeps it. */
type Kept<T> = { value: T; readAt: string };

/** How long a last good answer is kept for an ACM outage. */
const LAST_GOOD_TTL_MS = 24 * 60 * 60 * 1000;

const THROTTLED =
  /^(ThrottlingException|Throttling|ThrottledException|TooManyRequestsException|RequestLimitExceeded|RequestThrottled|RequestThrottledException|SlowDown)$/;
const UNAVAILABLE =
  /^(ServiceUnavailable|ServiceUnavailableException|InternalFailure|InternalServerError|InternalError)$/;
const UNREACHABLE_CODES =
  /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/;
/**
 * The same in a message: the SDK's retry wraps what is not an `Error` of
 * its realm as "AWS SDK error wrapper for TimeoutError: read ECONNRESET".
 */
const UNREACHABLE_TEXT =
  /\b(ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|TimeoutError)\b|socket hang up/;

/**
 * Whether an error of the AWS SDK means ACM cannot be asked for now — down,
 * unreachable, throttling or failing, so a last good answer may stand in —
 * and which of these; undefined for an error that is an answer (access
 * denied, no such certificate, an invalid ARN).
 */
export function acmOutage(error: unknown): AcmStaleness['reason'] | undefined {
  const e = error as
    | {
        name?: string;
        code?: string;
        message?: string;
        errors?: Array<{ code?: string }>;
        cause?: { code?: string };
        $metadata?: { httpStatusCode?: number };
        $retryable?: { throttling?: boolean };
      }
    | undefined;
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name ?? '';
  if (THROTTLED.test(name) || status === 429 || e?.$retryable?.throttling) {
    return 'throttled';
  }
  if (UNAVAILABLE.test(name) || (status !== undefined && status >= 500)) {
    return 'unavailable';
  }
  // Node's connection errors; an AggregateError when every address failed
  const codes = [
    e?.code,
    e?.cause?.code,
    ...(e?.errors ?? []).map(x => x?.code),
  ];
  if (
    codes.some(c => c && UNREACHABLE_CODES.test(c)) ||
    name === 'TimeoutError' ||
    // our deadline (see AcmReader.deadline)
    name === 'AbortError' ||
    UNREACHABLE_TEXT.test(e?.message ?? '')
  ) {
    return 'unreachable';
  }
  return undefined;
}

function errorText(error: unknown): string {
  const e = error as Error | undefined;
  const code = (error as { code?: string } | undefined)?.code;
  const text = e?.message || code || 'no message';
  return `${e?.name ?? 'Error'}: ${text}`.slice(0, 300);
}

/**
 * Reads ACM certificates: by ARN, or the one whose names cover a gateway's
 * hosts. The last good answer per ARN (and, for the covering certificate,
 * per set of hosts) is kept in the cache service for a day, so while ACM is
 * down, unreachable, throttling or failing (see {@link acmOutage}) the
 * status still shows the certificate as last read, marked `stale` with a
 * `staleness` note: since when, and why. Without a last good answer, and
 * for errors that are answers (access denied, no such certificate), the
 * error is passed on.
 */
export class AcmReader {
  constructor(
    private readonly client: ACMClient,
    private readonly cache: CacheService | undefined,
    private readonly logger: LoggerService,
    /** How long one read of ACM (all its attempts and pages) may take. */
    private readonly budgetMs = 3_750,
  ) {}

  /** Aborts a read of ACM that takes longer than its budget. */
  private deadline(): { abortSignal: AbortSignal } {
    return { abortSignal: AbortSignal.timeout(this.budgetMs) };
  }

  static create(options: {
    region?: string;
    endpoint?: string;
    /** From `@backstage/integration-aws-node`; else the default chain. */
    credentials?: AwsCredentialIdentityProvider;
    cache?: CacheService;
    logger: LoggerService;
    /**
     * How long a status may wait for ACM in all (`istio.requestTimeout`,
     * default 5 s): a read of ACM gets three quarters of it, each attempt a
     * quarter, so an ACM that accepts a request and never answers ends as
     * `unreachable` (and the last good answer stands in) before the
     * status's own timeout.
     */
    timeoutMs?: number;
  }): AcmReader {
    const timeoutMs = options.timeoutMs ?? 5000;
    const attemptMs = Math.max(250, Math.floor(timeoutMs / 4));
    return new AcmReader(
      new ACMClient({
        ...(options.region && { region: options.region }),
        ...(options.endpoint && { endpoint: options.endpoint }),
        ...(options.credentials && { credentials: options.credentials }),
        requestHandler: {
          connectionTimeout: attemptMs,
          requestTimeout: attemptMs,
        },
      }),
      options.cache,
      options.logger,
      Math.floor((timeoutMs * 3) / 4),
    );
  }

  async describe(arn: string): Promise<AcmCertificate> {
    const key = `acm:last-good:${arn}`;
    try {
      const { Certificate: c } = await this.client.send(
        new DescribeCertificateCommand({ CertificateArn: arn }),
        this.deadline(),
      );
      const answer: AcmCertificate = {
        arn,
        status: c?.Status ?? 'UNKNOWN',
        notAfter: c?.NotAfter?.toISOString(),
        serial: c?.Serial,
        renewalStatus: c?.RenewalSummary?.RenewalStatus,
        type: c?.Type,
        inUseBy: c?.InUseBy ?? [],
      };
      await this.keep(key, answer);
      return answer;
    } catch (e) {
      const reason = acmOutage(e);
      const last = reason && (await this.lastGood<AcmCertificate>(key));
      if (!reason || !last) {
        throw e;
      }
      this.logger.warn(
        `ACM DescribeCertificate ${arn} failed (${reason}: ${errorText(
          e,
        )}); using the last good answer, read ${last.readAt}`,
      );
      return {
        ...last.value,
        stale: true,
        staleness: { since: last.readAt, reason, message: errorText(e) },
      };
    }
  }

  /** The ARN of an issued certificate whose names cover every host, if any. */
  async findCovering(hosts: string[]): Promise<string | undefined> {
    const key = `acm:last-good-covering:${[...new Set(hosts)]
      .sort()
      .join(',')}`;
    let arn: string | undefined;
    try {
      arn = await this.listCovering(hosts);
    } catch (e) {
      const reason = acmOutage(e);
      const last = reason && (await this.lastGood<{ arn: string | null }>(key));
      if (!reason || !last) {
        throw e;
      }
      // the certificate found last time; describing it tells how stale
      return last.value.arn ?? undefined;
    }
    await this.keep(key, { arn: arn ?? null });
    return arn;
  }

  private async listCovering(hosts: string[]): Promise<string | undefined> {
    let next: string | undefined;
    // one budget for every page
    const deadline = this.deadline();
    do {
      const page = await this.client.send(
        new ListCertificatesCommand({
          NextToken: next,
          CertificateStatuses: ['ISSUED'],
          Includes: {
            keyTypes: [
              'RSA_2048',
              'RSA_3072',
              'RSA_4096',
              'EC_prime256v1',
              'EC_secp384r1',
            ],
          },
        }),
        deadline,
      );
      for (const summary of page.CertificateSummaryList ?? []) {
        const names = [
          summary.DomainName ?? '',
          ...(summary.SubjectAlternativeNameSummaries ?? []),
        ];
        if (hosts.every(h => names.some(n => certificateNameCovers(n, h)))) {
          return summary.CertificateArn;
        }
      }
      next = page.NextToken;
    } while (next);
    return undefined;
  }

  /** Keeps a fresh answer as the last good one. */
  private async keep(key: string, value: JsonValue | AcmCertificate) {
    const kept = { value, readAt: new Date().toISOString() };
    try {
      await this.cache?.set(key, kept as JsonValue, { ttl: LAST_GOOD_TTL_MS });
    } catch (e) {
      // the fresh answer stands without its copy
      this.logger.warn(`Could not keep the ACM answer: ${errorText(e)}`);
    }
  }

  private async lastGood<T>(key: string): Promise<Kept<T> | undefined> {
    try {
      const kept = (await this.cache?.get(key)) as Kept<T> | undefined;
      return kept && typeof kept.readAt === 'string' ? kept : undefined;
    } catch {
      return undefined;
    }
  }
}
