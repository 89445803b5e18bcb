import { createTestCertificate } from '../testUtils/testCertificates';
import { parseCertificate } from './parseCertificate';

describe('parseCertificate', () => {
  it('reads the public fields of the leaf certificate', async () => {
    const { certPem } = await createTestCertificate({
      sans: ['*.example.com', 'example.com'],
      commonName: 'example.com',
      validForDays: 30,
      serialNumber: '0a1b2c',
    });
    const info = parseCertificate(`${certPem}\n${certPem}`);
    expect(info).toMatchObject({
      subject: 'CN=example.com',
      issuer: 'CN=example.com',
      sans: ['*.example.com', 'example.com'],
      serial: '0a1b2c',
    });
    expect(info.daysLeft).toBeGreaterThanOrEqual(29);
    expect(info.daysLeft).toBeLessThanOrEqual(30);
    expect(new Date(info.notAfter).getTime()).toBeGreaterThan(Date.now());
  });

  it('counts negative days for an expired certificate', async () => {
    const { certPem } = await createTestCertificate({
      sans: ['old.example.com'],
      validForDays: -3,
    });
    expect(parseCertificate(certPem).daysLeft).toBeLessThanOrEqual(-3);
  });

  it('refuses input without a PEM certificate', () => {
    expect(() => parseCertificate('not a certificate')).toThrow(
      'no PEM certificate found',
    );
  });
});
