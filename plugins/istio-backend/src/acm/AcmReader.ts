import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ACMClient,
  DescribeCertificateCommand,
  ListCertificatesCommand,
} from '@aws-sdk/client-acm';
import { certificateNameCovers } from '@meshdeck/plugin-istio-common';

/** What Meshdeck shows of an ACM certificate. */
export type AcmCertificate = {
  arn: string;
  status: string;
  notAfter?: string;
  serial?: string;
  renewalStatus?: string;
  type?: string;
  inUseBy: string[];
  /** Served from the last good answer because ACM throttled or failed. */
  stale?: boolean;
};

/**
 * Reads ACM certificates: by ARN, or the one whose names cover a gateway's
 * hosts. The last good answer per ARN is kept in the cache service, so a
 * throttled ACM still gives an (marked stale) answer.
 */
export class AcmReader {
  constructor(
    private readonly client: ACMClient,
    private readonly cache: CacheService | undefined,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    region?: string;
    endpoint?: string;
    /** From `@backstage/integration-aws-node`; else the default chain. */
    credentials?: AwsCredentialIdentityProvider;
    cache?: CacheService;
    logger: LoggerService;
  }): AcmReader {
    return new AcmReader(
      new ACMClient({
        ...(options.region && { region: options.region }),
        ...(options.endpoint && { endpoint: options.endpoint }),
        ...(options.credentials && { credentials: options.credentials }),
      }),
      options.cache,
      options.logger,
    );
  }

  async describe(arn: string): Promise<AcmCertificate> {
    const key = `acm:${arn}`;
    try {
      const { Certificate: c } = await this.client.send(
        new DescribeCertificateCommand({ CertificateArn: arn }),
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
      await this.cache?.set(key, answer, { ttl: 24 * 60 * 60 * 1000 });
      return answer;
    } catch (e) {
      const last = await this.cache?.get<AcmCertificate>(key);
      if (last) {
        this.logger.warn(
          `ACM DescribeCertificate ${arn} failed (${
            (e as Error).name
          }); using the last good answer`,
        );
        return { ...last, stale: true };
      }
      throw e;
    }
  }

  /** The ARN of an issued certificate whose names cover every host, if any. */
  async findCovering(hosts: string[]): Promise<string | undefined> {
    let next: string | undefined;
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
}
