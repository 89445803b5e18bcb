import { CertificateVerdict } from '@meshdeck/plugin-istio-common';

/** Days-left thresholds for certificate verdicts. */
export type CertificateThresholds = {
  warningDays: number;
  criticalDays: number;
};

/** @public */
export const DEFAULT_CERTIFICATE_THRESHOLDS: CertificateThresholds = {
  warningDays: 30,
  criticalDays: 7,
};

/** What is known about one gateway credential, from its three sources. */
export type CertificateFacts = {
  secretExists: boolean;
  /** Parsed from the secret's tls.crt. */
  certificate?: { serial: string; daysLeft: number };
  /** The external-secrets ExternalSecret that writes the secret, if any. */
  externalSecret?: { ready: boolean };
  /** The ACM certificate behind it, if known. */
  acm?: { serial?: string; status: string };
};

function normalizeSerial(serial: string): string {
  return serial.replace(/:/g, '').replace(/^0+/, '').toLowerCase();
}

/**
 * The verdict on one gateway credential, worst first: a missing secret, a
 * failing sync, an expired certificate, a renewal in ACM that has not reached
 * the secret (the manual "direct injection" set-up), then days left.
 */
export function certificateVerdict(
  facts: CertificateFacts,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
): { verdict: CertificateVerdict; severity: 'ok' | 'warning' | 'critical' } {
  if (!facts.secretExists) {
    return { verdict: 'missing', severity: 'critical' };
  }
  if (facts.externalSecret && !facts.externalSecret.ready) {
    return { verdict: 'sync-failing', severity: 'critical' };
  }
  if (!facts.certificate) {
    return { verdict: 'unknown', severity: 'warning' };
  }
  if (facts.certificate.daysLeft < 0) {
    return { verdict: 'expired', severity: 'critical' };
  }
  if (
    facts.acm?.serial &&
    normalizeSerial(facts.acm.serial) !==
      normalizeSerial(facts.certificate.serial)
  ) {
    return {
      verdict: 'rotation-due',
      severity:
        facts.certificate.daysLeft <= thresholds.criticalDays
          ? 'critical'
          : 'warning',
    };
  }
  if (facts.certificate.daysLeft <= thresholds.criticalDays) {
    return { verdict: 'expiring', severity: 'critical' };
  }
  if (facts.certificate.daysLeft <= thresholds.warningDays) {
    return { verdict: 'expiring', severity: 'warning' };
  }
  return { verdict: 'ok', severity: 'ok' };
}
