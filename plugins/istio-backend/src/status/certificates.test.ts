import {
  certificateStatusSchema,
  MeshExternalSecret,
  parseExternalSecret,
} from '@meshdeck/plugin-istio-common';
import { certificateStatus } from './certificates';

const credential = {
  gateway: 'istio-ingress/public',
  namespace: 'istio-ingress',
  credentialName: 'gateway-cert',
  hosts: ['checkout.shop.example.com'],
};

const certificate = {
  subject: 'CN=*.shop.example.com',
  sans: ['*.shop.example.com'],
  issuer: 'CN=Amazon RSA 2048 M02',
  serial: '0a1b',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2026-12-10T00:00:00.000Z',
  daysLeft: 12,
};

function externalSecret(ready: boolean): MeshExternalSecret {
  return parseExternalSecret({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'gateway-cert-sync', namespace: 'istio-ingress' },
    spec: { refreshInterval: '1h', target: { name: 'gateway-cert' } },
    status: {
      refreshTime: '2026-11-28T03:00:00Z',
      conditions: [
        ready
          ? { type: 'Ready', status: 'True', reason: 'SecretSynced' }
          : {
              type: 'Ready',
              status: 'False',
              reason: 'SecretSyncedError',
              message: 'could not get secret data from provider',
            },
      ],
    },
  });
}

const acm = {
  arn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
  status: 'ISSUED',
  serial: '0c:2d',
  notAfter: '2027-12-01T00:00:00.000Z',
  type: 'IMPORTED',
  inUseBy: [],
};

const forceSync =
  'kubectl annotate externalsecret gateway-cert-sync -n istio-ingress force-sync=$(date +%s) --overwrite';

describe('certificateStatus', () => {
  it('is ok for a covering certificate with days to spare, synced', () => {
    const { status, findings } = certificateStatus(
      credential,
      { exists: true, certificate: { ...certificate, daysLeft: 80 } },
      externalSecret(true),
    );
    expect(certificateStatusSchema.parse(status)).toEqual(status);
    expect(status).toMatchObject({
      verdict: 'ok',
      verdicts: ['ok'],
      severity: 'ok',
      certificate: { uncoveredHosts: [] },
      externalSecret: {
        name: 'gateway-cert-sync',
        ready: true,
        reason: 'SecretSynced',
        refreshInterval: '1h',
      },
    });
    expect(status.acm).toBeUndefined();
    expect(findings).toEqual([]);
  });

  it('gives a host the certificate does not cover its own critical verdict', () => {
    const { status, findings } = certificateStatus(
      {
        ...credential,
        hosts: ['checkout.shop.example.com', 'shop.example.com'],
      },
      { exists: true, certificate: { ...certificate, daysLeft: 80 } },
      undefined,
    );
    expect(status).toMatchObject({
      verdict: 'not-covered',
      verdicts: ['not-covered'],
      severity: 'critical',
      certificate: { uncoveredHosts: ['shop.example.com'] },
    });
    expect(findings).toEqual([
      expect.objectContaining({
        id: 'certificate-hosts-not-covered',
        code: 'IST0161',
        severity: 'error',
        object: 'istio-ingress/Secret/gateway-cert',
      }),
    ]);
  });

  it('keeps everything wrong at once: not covered, sync failing, renewed in ACM, expiring', () => {
    const { status, findings } = certificateStatus(
      {
        ...credential,
        hosts: ['checkout.shop.example.com', 'pay.example.com'],
      },
      { exists: true, certificate },
      externalSecret(false),
      undefined,
      acm,
    );
    expect(certificateStatusSchema.parse(status)).toEqual(status);
    expect(status.verdict).toBe('not-covered');
    expect(status.verdicts).toEqual([
      'not-covered',
      'sync-failing',
      'rotation-due',
      'expiring',
    ]);
    expect(status.severity).toBe('critical');
    expect(status.acm).toEqual({ ...acm, renewedCertificateWaiting: true });
    expect(findings.map(f => f.id)).toEqual([
      'certificate-hosts-not-covered',
      'certificate-sync-failing',
      'certificate-rotation-due',
      'certificate-expiring',
    ]);
    expect(findings[1]).toEqual({
      id: 'certificate-sync-failing',
      severity: 'error',
      object: 'istio-ingress/Secret/gateway-cert',
      message:
        'ExternalSecret gateway-cert-sync does not sync the certificate: SecretSyncedError (could not get secret data from provider). ACM already holds the renewed certificate (serial 0c:2d, valid until 2027-12-01T00:00:00.000Z), waiting to be synced into istio-ingress/gateway-cert: the fix is the sync, not a renewal',
      fix: `${forceSync}  # after fixing the ExternalSecret's error (kubectl describe externalsecret gateway-cert-sync -n istio-ingress); the renewed certificate is already in ACM, no renewal needed`,
    });
  });

  it('keeps the plain sync-failing finding without ACM', () => {
    const { status, findings } = certificateStatus(
      credential,
      { exists: true, certificate },
      externalSecret(false),
    );
    expect(status.verdicts).toEqual(['sync-failing', 'expiring']);
    expect(findings[0]).toEqual({
      id: 'certificate-sync-failing',
      severity: 'error',
      object: 'istio-ingress/Secret/gateway-cert',
      message:
        'ExternalSecret gateway-cert-sync does not sync the certificate: SecretSyncedError (could not get secret data from provider)',
      fix: forceSync,
    });
  });

  it('marks ACM holding the same certificate as nothing waiting', () => {
    const { status } = certificateStatus(
      credential,
      { exists: true, certificate: { ...certificate, daysLeft: 80 } },
      externalSecret(true),
      undefined,
      { ...acm, serial: '0A:1B' },
    );
    expect(status.verdicts).toEqual(['ok']);
    expect(status.acm?.renewedCertificateWaiting).toBe(false);
  });

  it('reports a missing secret (IST0101) and an unreadable one', () => {
    expect(
      certificateStatus(credential, { exists: false }, undefined),
    ).toMatchObject({
      status: { verdict: 'missing', verdicts: ['missing'] },
      findings: [{ id: 'certificate-missing', code: 'IST0101' }],
    });
    const unreadable = certificateStatus(
      credential,
      { exists: true, problem: 'no PEM certificate found' },
      undefined,
    );
    expect(unreadable.status).toMatchObject({
      verdict: 'unknown',
      severity: 'warning',
    });
    expect(unreadable.status.certificate).toBeUndefined();
    expect(unreadable.findings[0].message).toBe(
      'Secret gateway-cert has no readable tls.crt (no PEM certificate found)',
    );
  });

  it('takes configured thresholds', () => {
    expect(
      certificateStatus(
        credential,
        { exists: true, certificate: { ...certificate, daysLeft: 50 } },
        undefined,
        { warningDays: 60, criticalDays: 14 },
      ).status,
    ).toMatchObject({ verdicts: ['expiring'], severity: 'warning' });
  });
});
