import fc from 'fast-check';
/* eslint-disable @backstage/no-relative-monorepo-imports -- the shared
   fuzz arbitraries are test-only and in no published entry point */
import {
  arbitraryPem,
  FUTURE_CERTIFICATE_PEM,
  GARBAGE_PEM,
} from '../../../istio-common/src/__testUtils__/malformedClusterData';
/* eslint-enable @backstage/no-relative-monorepo-imports */
import { createTestCertificate } from '../testUtils/testCertificates';
import { CertificateInfo, parseCertificate } from './parseCertificate';

/**
 * What a TLS secret's `tls.crt` may hold: garbage, a chain, a certificate
 * not valid yet or expired. `parseCertificate` either reads the leaf's
 * public fields (with valid ISO times) or throws an Error that says why;
 * it never returns half-read fields or throws something else.
 */

const RUNS = 1000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function wellFormed(info: CertificateInfo): boolean {
  return (
    ISO.test(info.notBefore) &&
    ISO.test(info.notAfter) &&
    Number.isInteger(info.daysLeft) &&
    /^[0-9a-f]+$/.test(info.serial) &&
    info.sans.every(s => typeof s === 'string')
  );
}

function expectWellFormed(info: CertificateInfo) {
  expect(info.notBefore).toMatch(ISO);
  expect(info.notAfter).toMatch(ISO);
  expect(Number.isInteger(info.daysLeft)).toBe(true);
  expect(info.serial).toMatch(/^[0-9a-f]+$/);
  expect(info.sans.every(s => typeof s === 'string')).toBe(true);
}

describe('parseCertificate under malformed input', () => {
  it('reads a certificate or throws an Error saying why, for any text or bytes', () => {
    let tried = 0;
    fc.assert(
      fc.property(arbitraryPem, pem => {
        tried += 1;
        let answer: string;
        try {
          answer = wellFormed(parseCertificate(pem)) ? 'read' : 'half-read';
        } catch (e) {
          answer =
            e instanceof Error && e.message.length > 0
              ? 'refused'
              : `threw ${String(e)}`;
        }
        expect(['read', 'refused']).toContain(answer);
      }),
      { numRuns: RUNS },
    );
    expect(tried).toBe(RUNS);
  });

  it.each(GARBAGE_PEM.map(p => [JSON.stringify(p).slice(0, 40), p]))(
    'refuses garbage %s',
    (_name, pem) => {
      expect(() => parseCertificate(pem)).toThrow(Error);
    },
  );

  it('reads the leaf of a chain, and reads past text around it', async () => {
    const leaf = await createTestCertificate({ sans: ['a.fuzz.example'] });
    const ca = await createTestCertificate({ sans: ['ca.fuzz.example'] });
    const chain = `# bundle\n${leaf.certPem}\n${ca.certPem}trailing text`;
    expect(parseCertificate(chain).sans).toEqual(['a.fuzz.example']);
    expect(parseCertificate(Buffer.from(chain)).sans).toEqual([
      'a.fuzz.example',
    ]);
  });

  it('reads a certificate not valid yet, with its start in the future', () => {
    const info = parseCertificate(
      FUTURE_CERTIFICATE_PEM,
      new Date('2026-01-01T00:00:00Z'),
    );
    expectWellFormed(info);
    expect(info.notBefore).toBe('2100-01-01T00:00:00.000Z');
    expect(info.daysLeft).toBeGreaterThan(365 * 70);
  });

  it('reads an expired certificate with negative days left', async () => {
    const { certPem } = await createTestCertificate({
      sans: ['old.fuzz.example'],
      validForDays: -10,
    });
    const info = parseCertificate(certPem);
    expectWellFormed(info);
    expect(info.daysLeft).toBeLessThanOrEqual(-10);
  });
});
