import {
  CertificateStatus,
  CertificateThresholds,
  DEFAULT_CERTIFICATE_THRESHOLDS,
  Finding,
  certificateRule,
  MeshExternalSecret,
} from '@meshdeck/plugin-istio-common';
import { TlsSecretCertificate } from '@meshdeck/plugin-istio-node';

// The rule (thresholds, serial matching, verdicts, findings) lives in the
// common rule book; these stay importable from here.
export {
  DEFAULT_CERTIFICATE_THRESHOLDS,
  serialsMatch,
} from '@meshdeck/plugin-istio-common';
export type { CertificateThresholds } from '@meshdeck/plugin-istio-common';

/**
 * One gateway credential's entry in the status, from the secret's public
 * certificate, the ExternalSecret that writes it and the ACM certificate
 * behind it, with its findings. The verdicts come from the common
 * `certificateRule`.
 */
export function certificateStatus(
  credential: {
    gateway: string;
    namespace: string;
    credentialName: string;
    hosts: string[];
  },
  tls: TlsSecretCertificate,
  externalSecret: MeshExternalSecret | undefined,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
  acm?: NonNullable<CertificateStatus['acm']>,
): { status: CertificateStatus; findings: Finding[] } {
  const cert = tls.exists ? tls.certificate : undefined;
  const ready = externalSecret?.ready;
  const es: CertificateStatus['externalSecret'] = externalSecret && {
    name: externalSecret.name,
    ready: ready?.status === 'True',
    reason: ready?.reason,
    message: ready?.message,
    refreshTime: externalSecret.refreshTime,
    refreshInterval: externalSecret.refreshInterval,
  };
  const judgement = certificateRule(
    {
      secret: {
        namespace: credential.namespace,
        name: credential.credentialName,
      },
      gateway: credential.gateway,
      hosts: credential.hosts,
      secretExists: tls.exists,
      certificate: cert,
      problem: tls.exists ? tls.problem : undefined,
      externalSecret: es,
      acm,
    },
    thresholds,
  );
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
          uncoveredHosts: judgement.uncoveredHosts,
        },
      }),
      ...(es && { externalSecret: es }),
      ...(acm && {
        acm: {
          ...acm,
          renewedCertificateWaiting: judgement.renewedCertificateWaiting,
        },
      }),
      verdict: judgement.verdict,
      verdicts: judgement.verdicts,
      severity: judgement.severity,
    },
    findings: judgement.findings,
  };
}
