import { X509Certificate } from 'node:crypto';

/**
 * The public fields of a TLS certificate. Nothing here is secret; the private
 * key is never read into this structure.
 *
 * @public
 */
export type CertificateInfo = {
  subject: string;
  sans: string[];
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Parses the first (leaf) certificate of a PEM bundle such as a TLS secret's
 * `tls.crt`.
 *
 * @public
 */
export function parseCertificate(
  pem: string | Buffer,
  now: Date = new Date(),
): CertificateInfo {
  const text = pem.toString();
  const leaf = text.match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/,
  );
  if (!leaf) {
    throw new Error('no PEM certificate found');
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(leaf[0]);
  } catch (e) {
    // OpenSSL's own words ("error:068000A8:asn1 encoding routines::wrong
    // tag"), in an Error of this realm with what it means first
    throw new Error(
      `the first PEM certificate is not a readable X.509 certificate (${
        (e as Error)?.message ?? e
      })`,
    );
  }
  const sans = (cert.subjectAltName ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(s => s.startsWith('DNS:'))
    .map(s => s.slice(4));
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (isNaN(notBefore.getTime()) || isNaN(notAfter.getTime())) {
    throw new Error(
      `the certificate's validity cannot be read (from ${cert.validFrom} to ${cert.validTo})`,
    );
  }
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    sans,
    issuer: cert.issuer.replace(/\n/g, ', '),
    serial: cert.serialNumber.toLowerCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}
