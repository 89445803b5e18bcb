import {
  CertificateStatus,
  CertificateVerdict,
  Finding,
  uncoveredHosts,
} from '@meshdeck/plugin-istio-common';
import {
  KubernetesObject,
  TlsSecretCertificate,
} from '@meshdeck/plugin-istio-node';

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

function hexSerial(serial: string): string {
  return serial.replace(/:/g, '').replace(/^0+/, '').toLowerCase();
}

/**
 * True when ACM's serial names the same certificate as the secret's. ACM
 * writes colon-separated hex; some implementations write decimal.
 */
export function serialsMatch(certificateSerial: string, acmSerial: string) {
  const cert = hexSerial(certificateSerial);
  if (hexSerial(acmSerial) === cert) {
    return true;
  }
  return /^\d+$/.test(acmSerial) && BigInt(acmSerial).toString(16) === cert;
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
    !serialsMatch(facts.certificate.serial, facts.acm.serial)
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

/**
 * One gateway credential's entry in the status, from the secret's public
 * certificate and the ExternalSecret that writes it, with its findings.
 */
export function certificateStatus(
  credential: {
    gateway: string;
    namespace: string;
    credentialName: string;
    hosts: string[];
  },
  tls: TlsSecretCertificate,
  externalSecret: KubernetesObject | undefined,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
  acm?: NonNullable<CertificateStatus['acm']>,
): { status: CertificateStatus; findings: Finding[] } {
  const object = `${credential.namespace}/Secret/${credential.credentialName}`;
  const cert = tls.exists ? tls.certificate : undefined;
  const uncovered = cert ? uncoveredHosts(cert.sans, credential.hosts) : [];
  const ready = externalSecret?.status?.conditions?.find(
    (c: any) => c.type === 'Ready',
  );
  const es: CertificateStatus['externalSecret'] = externalSecret && {
    name: externalSecret.metadata.name,
    ready: ready?.status === 'True',
    reason: ready?.reason,
    message: ready?.message,
    refreshTime: externalSecret.status?.refreshTime,
    refreshInterval: externalSecret.spec?.refreshInterval,
  };
  const { verdict, severity } = certificateVerdict(
    {
      secretExists: tls.exists,
      certificate: cert,
      externalSecret: es,
      acm,
    },
    thresholds,
  );
  const findings: Finding[] = [];
  const forceSync = es
    ? `kubectl annotate externalsecret ${es.name} -n ${credential.namespace} force-sync=$(date +%s) --overwrite`
    : undefined;
  const messages: Record<CertificateVerdict, string> = {
    ok: '',
    unknown: `Secret ${credential.credentialName} has no readable tls.crt${
      tls.exists && tls.problem ? ` (${tls.problem})` : ''
    }`,
    missing: `Gateway ${credential.gateway} references credential ${credential.credentialName}, which does not exist in ${credential.namespace}`,
    'sync-failing': `ExternalSecret ${
      es?.name
    } does not sync the certificate: ${es?.reason ?? 'not ready'}${
      es?.message ? ` (${es.message})` : ''
    }`,
    expired: `The certificate for ${credential.hosts.join(', ')} expired on ${
      cert?.notAfter
    }`,
    'rotation-due': `ACM renewed the certificate (serial ${acm?.serial}) but the secret still holds serial ${cert?.serial}`,
    expiring: `The certificate for ${credential.hosts.join(', ')} expires in ${
      cert?.daysLeft
    } days (${cert?.notAfter})`,
  };
  if (verdict !== 'ok') {
    findings.push({
      id: `certificate-${verdict}`,
      severity: severity === 'critical' ? 'error' : 'warning',
      ...(verdict === 'missing' && { code: 'IST0101' }),
      object,
      message: messages[verdict],
      fix:
        forceSync ??
        (verdict === 'missing'
          ? `kubectl create secret tls ${credential.credentialName} -n ${credential.namespace} --cert=tls.crt --key=tls.key`
          : `Update secret ${credential.namespace}/${credential.credentialName} with a renewed certificate`),
    });
  }
  if (uncovered.length > 0) {
    findings.push({
      id: 'certificate-hosts-not-covered',
      severity: 'error',
      code: 'IST0161',
      object,
      message: `The certificate (${cert?.sans.join(
        ', ',
      )}) does not cover ${uncovered.join(', ')}`,
      fix: `Issue a certificate that covers ${uncovered.join(
        ', ',
      )} and store it in ${credential.namespace}/${credential.credentialName}`,
    });
  }
  return {
    status: {
      hosts: credential.hosts,
      gateway: credential.gateway,
      secret: {
        namespace: credential.namespace,
        name: credential.credentialName,
      },
      ...(cert && {
        certificate: {
          subject: cert.subject,
          sans: cert.sans,
          issuer: cert.issuer,
          serial: cert.serial,
          notBefore: cert.notBefore,
          notAfter: cert.notAfter,
          daysLeft: cert.daysLeft,
          uncoveredHosts: uncovered,
        },
      }),
      ...(es && { externalSecret: es }),
      ...(acm && { acm }),
      verdict,
      severity,
    },
    findings,
  };
}
