import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A self-signed certificate and its key, made for a test.
 *
 * @public
 */
export type TestCertificate = { certPem: string; keyPem: string };

/**
 * Makes a self-signed certificate for the given DNS names.
 *
 * @public
 */
export async function createTestCertificate(options: {
  sans: string[];
  commonName?: string;
  /** Days from now; negative for an already expired certificate. */
  validForDays?: number;
  serialNumber?: string;
}): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const now = Date.now();
  const validForDays = options.validForDays ?? 90;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: options.serialNumber,
      name: `CN=${options.commonName ?? options.sans[0]}`,
      notBefore: new Date(Math.min(now, now + validForDays * DAY_MS) - DAY_MS),
      notAfter: new Date(now + validForDays * DAY_MS),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.SubjectAlternativeNameExtension(
          options.sans.map(value => ({ type: 'dns' as const, value })),
        ),
      ],
    },
    webcrypto as unknown as Crypto,
  );
  const pkcs8 = Buffer.from(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
  ).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem'), keyPem };
}

/**
 * A `kubernetes.io/tls` Secret holding a test certificate.
 *
 * @public
 */
export function tlsSecretManifest(
  namespace: string,
  name: string,
  certificate: TestCertificate,
  extraData: Record<string, string> = {},
) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name, namespace },
    data: {
      'tls.crt': b64(certificate.certPem),
      'tls.key': b64(certificate.keyPem),
      ...Object.fromEntries(
        Object.entries(extraData).map(([k, v]) => [k, b64(v)]),
      ),
    },
  };
}
