import type { CertificateVerdict, Finding } from '../../status/schema';
import { uncoveredHosts } from '../hosts';

/**
 * Rules about a gateway's TLS credential: what a client connecting to each
 * host will see, and what keeps the certificate fresh (the ExternalSecret
 * that writes the secret, the ACM certificate behind it).
 *
 * Pure: the callers (status API, host check, action pre-flight) read the
 * cluster and ACM; these functions only judge the facts.
 */

/**
 * Days-left thresholds for certificate verdicts.
 *
 * @public
 */
export type CertificateThresholds = {
  warningDays: number;
  criticalDays: number;
};

/** @public */
export const DEFAULT_CERTIFICATE_THRESHOLDS: CertificateThresholds = {
  warningDays: 30,
  criticalDays: 7,
};

/**
 * How urgent a certificate verdict is.
 *
 * @public
 */
export type CertificateSeverity = 'ok' | 'warning' | 'critical';

/**
 * Verdicts most urgent first: what clients see now (no certificate, an
 * expired one, a name mismatch), then what stops the certificate from being
 * renewed (a failing sync, an unreadable secret), then what will break later
 * (a renewal not yet in the secret, days running out).
 *
 * @public
 */
export const CERTIFICATE_VERDICT_ORDER: readonly CertificateVerdict[] = [
  'missing',
  'expired',
  'not-covered',
  'sync-failing',
  'unknown',
  'rotation-due',
  'expiring',
  'ok',
];

/**
 * The public fields of the certificate in a gateway secret. Only `daysLeft`
 * and `serial` are needed for a verdict; the rest makes the messages.
 *
 * @public
 */
export type CertificateFields = {
  serial: string;
  daysLeft: number;
  notAfter?: string;
  /**
   * Start of validity (ISO). A certificate not valid yet is refused by
   * clients just like an expired one.
   */
  notBefore?: string;
  /** DNS names (SANs). When absent, host coverage is not judged. */
  sans?: string[];
};

/**
 * What is known about one gateway credential, from its three sources.
 *
 * @public
 */
export type CertificateFacts = {
  secretExists: boolean;
  /** Parsed from the secret's tls.crt; absent when unreadable. */
  certificate?: CertificateFields;
  /** Hosts the gateway serves with this credential. */
  hosts?: string[];
  /** The external-secrets ExternalSecret that writes the secret, if any. */
  externalSecret?: {
    ready: boolean;
    name?: string;
    reason?: string;
    message?: string;
  };
  /** The ACM certificate behind it, if known. */
  acm?: { serial?: string; status: string; notAfter?: string; arn?: string };
};

/**
 * The judgement on one credential, without words.
 *
 * @public
 */
export type CertificateJudgement = {
  /** Every verdict that applies, most urgent first; `['ok']` when fine. */
  verdicts: CertificateVerdict[];
  /** The most urgent verdict (`verdicts[0]`). */
  verdict: CertificateVerdict;
  /** How urgent `verdict` is. */
  severity: CertificateSeverity;
  /** Severity of each verdict in `verdicts`. */
  severities: Partial<Record<CertificateVerdict, CertificateSeverity>>;
  /** Hosts none of the certificate's names cover. */
  uncoveredHosts: string[];
  /**
   * ACM holds an issued certificate with another serial than the secret's,
   * not expiring before it: the renewed certificate waits in ACM.
   */
  renewedCertificateWaiting: boolean;
  /**
   * The certificate's validity starts in the future (`notBefore`): clients
   * reject it until then. Its verdict is `unknown` (critical).
   */
  notYetValid?: boolean;
};

function hexSerial(serial: string): string {
  return serial.replace(/:/g, '').replace(/^0+/, '').toLowerCase();
}

/**
 * True when ACM's serial names the same certificate as the secret's. ACM
 * writes colon-separated hex; some implementations write decimal.
 *
 * @public
 */
export function serialsMatch(
  certificateSerial: string,
  acmSerial: string,
): boolean {
  const cert = hexSerial(certificateSerial);
  if (hexSerial(acmSerial) === cert) {
    return true;
  }
  return /^\d+$/.test(acmSerial) && BigInt(acmSerial).toString(16) === cert;
}

/**
 * True when ACM holds a renewed certificate the secret does not have yet: an
 * issued certificate with a different serial that does not expire before the
 * secret's (a different but older ACM certificate is no renewal).
 *
 * @public
 */
export function acmRenewalWaiting(
  certificate: Pick<CertificateFields, 'serial' | 'notAfter'> | undefined,
  acm: CertificateFacts['acm'],
): boolean {
  if (!certificate || !acm?.serial || acm.status !== 'ISSUED') {
    return false;
  }
  if (serialsMatch(certificate.serial, acm.serial)) {
    return false;
  }
  if (acm.notAfter && certificate.notAfter) {
    const acmEnd = Date.parse(acm.notAfter);
    const certEnd = Date.parse(certificate.notAfter);
    if (!isNaN(acmEnd) && !isNaN(certEnd) && acmEnd <= certEnd) {
      return false;
    }
  }
  return true;
}

function daysSeverity(
  daysLeft: number,
  thresholds: CertificateThresholds,
): CertificateSeverity {
  if (daysLeft <= thresholds.criticalDays) {
    return 'critical';
  }
  return daysLeft <= thresholds.warningDays ? 'warning' : 'ok';
}

/**
 * Every verdict on one gateway credential, most urgent first (see
 * {@link CERTIFICATE_VERDICT_ORDER}), with the top one and its severity.
 *
 * @public
 */
export function certificateVerdicts(
  facts: CertificateFacts,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
): CertificateJudgement {
  const found = new Map<CertificateVerdict, CertificateSeverity>();
  const cert = facts.secretExists ? facts.certificate : undefined;
  const uncovered =
    cert?.sans && facts.hosts ? uncoveredHosts(cert.sans, facts.hosts) : [];
  const waiting = acmRenewalWaiting(cert, facts.acm);
  const validFrom = cert?.notBefore ? Date.parse(cert.notBefore) : NaN;
  const notYetValid = !isNaN(validFrom) && validFrom > Date.now();

  if (!facts.secretExists) {
    found.set('missing', 'critical');
  }
  if (facts.externalSecret && !facts.externalSecret.ready) {
    found.set('sync-failing', 'critical');
  }
  if (facts.secretExists && !cert) {
    found.set('unknown', 'warning');
  }
  if (notYetValid) {
    found.set('unknown', 'critical');
  }
  if (cert) {
    if (cert.daysLeft < 0) {
      found.set('expired', 'critical');
    }
    if (uncovered.length > 0) {
      found.set('not-covered', 'critical');
    }
    if (waiting) {
      found.set(
        'rotation-due',
        cert.daysLeft <= thresholds.criticalDays ? 'critical' : 'warning',
      );
    }
    const days = daysSeverity(cert.daysLeft, thresholds);
    if (cert.daysLeft >= 0 && days !== 'ok') {
      found.set('expiring', days);
    }
  }
  if (found.size === 0) {
    found.set('ok', 'ok');
  }
  const verdicts = CERTIFICATE_VERDICT_ORDER.filter(v => found.has(v));
  return {
    verdicts,
    verdict: verdicts[0],
    severity: found.get(verdicts[0])!,
    severities: Object.fromEntries(found),
    uncoveredHosts: uncovered,
    renewedCertificateWaiting: waiting,
    ...(notYetValid && { notYetValid }),
  };
}

/**
 * A credential secret, in the gateway workload's namespace.
 *
 * @public
 */
export type CertificateSecretRef = { namespace: string; name: string };

const secretObject = (secret: CertificateSecretRef) =>
  `${secret.namespace}/Secret/${secret.name}`;

/**
 * Whether a certificate covers hosts and is unexpired: what a client
 * connecting to them will see. For the host check, an action's pre-flight and
 * the status alike.
 *
 * @public
 */
export type CertificateCoverage = {
  /** Every host covered and the certificate unexpired. */
  ok: boolean;
  uncoveredHosts: string[];
  expired: boolean;
  /** IST0161 findings: `certificate-hosts-not-covered`, `certificate-expired`. */
  findings: Finding[];
  /** The same problems as one line each, e.g. for a form field or an action. */
  problems: string[];
  /** When ok, e.g. "covered by the certificate for *.example.com (11 days left)". */
  note?: string;
};

/**
 * Whether `certificate` (from the secret `secret`) covers `hosts` and is
 * unexpired. Takes only the public fields a caller has from a parsed
 * `tls.crt`.
 *
 * @public
 */
export function certificateCoverage(
  certificate: { sans: string[]; daysLeft: number; notAfter: string },
  hosts: string | string[],
  secret: CertificateSecretRef,
): CertificateCoverage {
  const list = typeof hosts === 'string' ? [hosts] : hosts;
  const uncovered = uncoveredHosts(certificate.sans, list);
  const expired = certificate.daysLeft < 0;
  const names = certificate.sans.join(', ') || 'none';
  const where = `${secret.namespace}/${secret.name}`;
  const findings: Finding[] = [];
  const problems: string[] = [];
  if (expired) {
    findings.push({
      id: 'certificate-expired',
      severity: 'error',
      code: 'IST0161',
      object: secretObject(secret),
      message: `The certificate for ${list.join(', ')} expired on ${
        certificate.notAfter
      }`,
      fix: `Update secret ${where} with a renewed certificate`,
    });
    problems.push(
      `the certificate in ${where} expired on ${certificate.notAfter} (IST0161)`,
    );
  }
  if (uncovered.length > 0) {
    findings.push({
      id: 'certificate-hosts-not-covered',
      severity: 'error',
      code: 'IST0161',
      object: secretObject(secret),
      message: `The certificate (${names}) does not cover ${uncovered.join(
        ', ',
      )}: clients get a TLS name-mismatch error`,
      fix: `Issue a certificate that covers ${uncovered.join(
        ', ',
      )} and store it in ${where}`,
    });
    problems.push(
      `the certificate in ${where} (names: ${names}) does not cover ${uncovered.join(
        ', ',
      )} (IST0161)`,
    );
  }
  const ok = problems.length === 0;
  return {
    ok,
    uncoveredHosts: uncovered,
    expired,
    findings,
    problems,
    ...(ok && {
      note: `covered by the certificate for ${names} (${certificate.daysLeft} ${
        certificate.daysLeft === 1 ? 'day' : 'days'
      } left)`,
    }),
  };
}

/**
 * One gateway credential: its facts plus what the messages name.
 *
 * @public
 */
export type CertificateRuleInput = CertificateFacts & {
  /** The credential secret, in the gateway workload's namespace. */
  secret: CertificateSecretRef;
  /** `namespace/name` of the gateway that references it. */
  gateway?: string;
  /** Why tls.crt could not be read, when it could not. */
  problem?: string;
};

/**
 * The judgement on one gateway credential with its findings: one per
 * problem, most urgent first, keeping the ids downstream relies on
 * (`certificate-missing`, `certificate-expired`,
 * `certificate-hosts-not-covered`, `certificate-sync-failing`,
 * `certificate-unknown`, `certificate-rotation-due`, `certificate-expiring`).
 *
 * When the ExternalSecret fails while ACM already holds the renewed
 * certificate, the sync-failing finding says so: the fix is the sync, not a
 * renewal.
 *
 * @public
 */
export function certificateRule(
  input: CertificateRuleInput,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
): CertificateJudgement & { findings: Finding[] } {
  const judgement = certificateVerdicts(input, thresholds);
  const { secret, externalSecret: es, acm } = input;
  const cert = input.secretExists ? input.certificate : undefined;
  const hosts = input.hosts ?? [];
  const object = secretObject(secret);
  const where = `${secret.namespace}/${secret.name}`;
  const level = (v: CertificateVerdict) =>
    judgement.severities[v] === 'critical' ? 'error' : 'warning';
  const forceSync = es?.name
    ? `kubectl annotate externalsecret ${es.name} -n ${secret.namespace} force-sync=$(date +%s) --overwrite`
    : undefined;
  const renewFix =
    forceSync ?? `Update secret ${where} with a renewed certificate`;
  const waitingInAcm = judgement.renewedCertificateWaiting
    ? `ACM already holds the renewed certificate (serial ${acm?.serial}${
        acm?.notAfter ? `, valid until ${acm.notAfter}` : ''
      })`
    : undefined;
  const coverage =
    cert?.sans && cert.notAfter !== undefined
      ? certificateCoverage(
          { sans: cert.sans, daysLeft: cert.daysLeft, notAfter: cert.notAfter },
          hosts,
          secret,
        )
      : undefined;
  const covering = (id: string) => coverage?.findings.find(f => f.id === id);

  const findings = judgement.verdicts.flatMap((verdict): Finding[] => {
    switch (verdict) {
      case 'ok':
        return [];
      case 'missing':
        return [
          {
            id: 'certificate-missing',
            severity: 'error',
            code: 'IST0101',
            object,
            message: `${
              input.gateway ? `Gateway ${input.gateway}` : 'A gateway'
            } references credential ${secret.name}, which does not exist in ${
              secret.namespace
            }`,
            fix:
              forceSync ??
              `kubectl create secret tls ${secret.name} -n ${secret.namespace} --cert=tls.crt --key=tls.key`,
          },
        ];
      case 'sync-failing': {
        const why = `ExternalSecret ${
          es?.name
        } does not sync the certificate: ${es?.reason ?? 'not ready'}${
          es?.message ? ` (${es.message})` : ''
        }`;
        return [
          {
            id: 'certificate-sync-failing',
            severity: 'error',
            object,
            message: waitingInAcm
              ? `${why}. ${waitingInAcm}, waiting to be synced into ${where}: the fix is the sync, not a renewal`
              : why,
            fix:
              waitingInAcm && forceSync
                ? `${forceSync}  # after fixing the ExternalSecret's error (kubectl describe externalsecret ${es?.name} -n ${secret.namespace}); the renewed certificate is already in ACM, no renewal needed`
                : forceSync,
          },
        ];
      }
      case 'unknown':
        if (judgement.notYetValid) {
          return [
            {
              id: 'certificate-not-yet-valid',
              severity: 'error',
              code: 'IST0161',
              object,
              message: `The certificate for ${
                hosts.join(', ') || secret.name
              } is not valid before ${
                cert?.notBefore
              }: clients reject it until then`,
              fix: `${renewFix}  # with a certificate valid now (check the issuer's clock)`,
            },
          ];
        }
        return [
          {
            id: 'certificate-unknown',
            severity: 'warning',
            object,
            message: `Secret ${secret.name} has no readable tls.crt${
              input.problem ? ` (${input.problem})` : ''
            }`,
            fix: renewFix,
          },
        ];
      case 'expired': {
        const base = covering('certificate-expired') ?? {
          id: 'certificate-expired',
          severity: 'error' as const,
          code: 'IST0161',
          object,
          message: `The certificate for ${hosts.join(', ')} expired on ${
            cert?.notAfter
          }`,
        };
        return [{ ...base, fix: renewFix }];
      }
      case 'not-covered':
        return coverage
          ? [covering('certificate-hosts-not-covered')!]
          : [
              {
                id: 'certificate-hosts-not-covered',
                severity: 'error',
                code: 'IST0161',
                object,
                message: `The certificate (${
                  cert?.sans?.join(', ') || 'none'
                }) does not cover ${judgement.uncoveredHosts.join(
                  ', ',
                )}: clients get a TLS name-mismatch error`,
                fix: `Issue a certificate that covers ${judgement.uncoveredHosts.join(
                  ', ',
                )} and store it in ${where}`,
              },
            ];
      case 'rotation-due':
        return [
          {
            id: 'certificate-rotation-due',
            severity: level(verdict),
            object,
            message: `ACM renewed the certificate (serial ${acm?.serial}${
              acm?.notAfter ? `, valid until ${acm.notAfter}` : ''
            }) but the secret still holds serial ${cert?.serial}${
              es && !es.ready
                ? `: ExternalSecret ${es.name} fails to sync it`
                : ''
            }`,
            fix:
              forceSync ??
              `Update secret ${where} with the renewed certificate from ACM${
                acm?.arn
                  ? ` (aws acm get-certificate --certificate-arn ${acm.arn})`
                  : ''
              }`,
          },
        ];
      case 'expiring':
        return [
          {
            id: 'certificate-expiring',
            severity: level(verdict),
            object,
            message: `The certificate for ${hosts.join(', ')} expires in ${
              cert?.daysLeft
            } ${cert?.daysLeft === 1 ? 'day' : 'days'} (${cert?.notAfter})`,
            fix: renewFix,
          },
        ];
      default:
        return [];
    }
  });
  return { ...judgement, findings };
}
