import {
  CertificateFacts,
  acmRenewalWaiting,
  certificateCoverage,
  certificateRule,
  certificateVerdicts,
  serialsMatch,
} from './certificates';

const secret = { namespace: 'istio-ingress', name: 'gateway-cert' };
const fresh = {
  serial: '0a:1b',
  daysLeft: 80,
  notAfter: '2027-03-01T00:00:00.000Z',
  sans: ['*.shop.example.com'],
};
const hosts = ['checkout.shop.example.com'];
const renewedInAcm = {
  serial: '0c:2d',
  status: 'ISSUED',
  notAfter: '2027-12-01T00:00:00.000Z',
  arn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
};
const forceSync =
  'kubectl annotate externalsecret gateway-cert -n istio-ingress force-sync=$(date +%s) --overwrite';

describe('certificateVerdicts', () => {
  it.each<[string, CertificateFacts, string[], string]>([
    ['no secret', { secretExists: false, hosts }, ['missing'], 'critical'],
    [
      'sync failing',
      {
        secretExists: true,
        hosts,
        certificate: fresh,
        externalSecret: { ready: false },
      },
      ['sync-failing'],
      'critical',
    ],
    [
      'unparseable secret',
      { secretExists: true, hosts },
      ['unknown'],
      'warning',
    ],
    [
      'expired',
      {
        secretExists: true,
        hosts,
        certificate: { ...fresh, daysLeft: -1 },
      },
      ['expired'],
      'critical',
    ],
    [
      'a served host the certificate does not cover',
      {
        secretExists: true,
        hosts: ['checkout.shop.example.com', 'shop.example.com'],
        certificate: fresh,
      },
      ['not-covered'],
      'critical',
    ],
    [
      'ACM renewed, secret old',
      {
        secretExists: true,
        hosts,
        certificate: fresh,
        acm: { serial: '0c:2d', status: 'ISSUED' },
      },
      ['rotation-due'],
      'warning',
    ],
    [
      'ACM renewed, secret about to expire',
      {
        secretExists: true,
        hosts,
        certificate: { ...fresh, daysLeft: 3 },
        acm: { serial: 'b', status: 'ISSUED' },
      },
      ['rotation-due', 'expiring'],
      'critical',
    ],
    [
      'same serial written differently',
      {
        secretExists: true,
        hosts,
        certificate: fresh,
        acm: { serial: '0A1B', status: 'ISSUED' },
      },
      ['ok'],
      'ok',
    ],
    [
      '7 days left',
      { secretExists: true, hosts, certificate: { ...fresh, daysLeft: 7 } },
      ['expiring'],
      'critical',
    ],
    [
      '0 days left',
      { secretExists: true, hosts, certificate: { ...fresh, daysLeft: 0 } },
      ['expiring'],
      'critical',
    ],
    [
      '30 days left',
      { secretExists: true, hosts, certificate: { ...fresh, daysLeft: 30 } },
      ['expiring'],
      'warning',
    ],
    [
      '31 days left',
      { secretExists: true, hosts, certificate: { ...fresh, daysLeft: 31 } },
      ['ok'],
      'ok',
    ],
    [
      'synced by a healthy ExternalSecret',
      {
        secretExists: true,
        hosts,
        certificate: fresh,
        externalSecret: { ready: true },
      },
      ['ok'],
      'ok',
    ],
    [
      'no SANs known: coverage not judged',
      {
        secretExists: true,
        hosts,
        certificate: { serial: 'a', daysLeft: 80 },
      },
      ['ok'],
      'ok',
    ],
    [
      'missing secret, failing sync',
      {
        secretExists: false,
        hosts,
        externalSecret: { ready: false },
      },
      ['missing', 'sync-failing'],
      'critical',
    ],
    [
      'unreadable secret, failing sync',
      { secretExists: true, hosts, externalSecret: { ready: false } },
      ['sync-failing', 'unknown'],
      'critical',
    ],
    [
      'expired, not covered, renewed in ACM, sync failing',
      {
        secretExists: true,
        hosts: ['shop.example.com'],
        certificate: { ...fresh, daysLeft: -2 },
        externalSecret: { ready: false },
        acm: renewedInAcm,
      },
      ['expired', 'not-covered', 'sync-failing', 'rotation-due'],
      'critical',
    ],
  ])('%s', (_, facts, verdicts, severity) => {
    const judgement = certificateVerdicts(facts);
    expect(judgement.verdicts).toEqual(verdicts);
    expect(judgement.verdict).toBe(verdicts[0]);
    expect(judgement.severity).toBe(severity);
  });

  it('keeps every verdict, most urgent first: not covered + expiring + sync failing + ACM renewed', () => {
    const judgement = certificateVerdicts({
      secretExists: true,
      hosts: ['checkout.shop.example.com', 'pay.example.com'],
      certificate: { ...fresh, daysLeft: 12 },
      externalSecret: { ready: false },
      acm: renewedInAcm,
    });
    expect(judgement).toEqual({
      verdicts: ['not-covered', 'sync-failing', 'rotation-due', 'expiring'],
      verdict: 'not-covered',
      severity: 'critical',
      severities: {
        'not-covered': 'critical',
        'sync-failing': 'critical',
        'rotation-due': 'warning',
        expiring: 'warning',
      },
      uncoveredHosts: ['pay.example.com'],
      renewedCertificateWaiting: true,
    });
  });

  it('matches a decimal ACM serial against the hex serial of the secret', () => {
    expect(
      certificateVerdicts({
        secretExists: true,
        certificate: {
          serial: '4b0c3baa90f7d7f35acaf25314d3cf9e257c4441',
          daysLeft: 80,
        },
        acm: {
          serial: '428447114419738390924968421480397262473991570497',
          status: 'ISSUED',
        },
      }).verdicts,
    ).toEqual(['ok']);
  });

  it('takes configured thresholds', () => {
    expect(
      certificateVerdicts(
        { secretExists: true, certificate: { serial: 'a', daysLeft: 50 } },
        { warningDays: 60, criticalDays: 14 },
      ),
    ).toMatchObject({ verdicts: ['expiring'], severity: 'warning' });
  });
});

describe('serialsMatch and acmRenewalWaiting', () => {
  it('compares serials in hex with or without colons, and decimal', () => {
    expect(serialsMatch('0a:1b', '0A1B')).toBe(true);
    expect(serialsMatch('00a1b', 'a1b')).toBe(true);
    expect(serialsMatch('a1b', '2587')).toBe(true);
    expect(serialsMatch('a1b', 'a1c')).toBe(false);
  });

  it('calls only an issued ACM certificate that does not expire earlier a renewal', () => {
    expect(acmRenewalWaiting(fresh, renewedInAcm)).toBe(true);
    expect(acmRenewalWaiting(fresh, { ...renewedInAcm, serial: '0a1b' })).toBe(
      false,
    );
    expect(
      acmRenewalWaiting(fresh, {
        ...renewedInAcm,
        status: 'PENDING_VALIDATION',
      }),
    ).toBe(false);
    expect(
      acmRenewalWaiting(fresh, {
        ...renewedInAcm,
        notAfter: '2026-01-01T00:00:00.000Z',
      }),
    ).toBe(false);
    expect(acmRenewalWaiting(undefined, renewedInAcm)).toBe(false);
    expect(acmRenewalWaiting(fresh, undefined)).toBe(false);
  });
});

describe('certificateCoverage', () => {
  it('says a covering, valid certificate is fine', () => {
    expect(
      certificateCoverage(
        { sans: ['*.shop.example.com'], daysLeft: 11, notAfter: 'x' },
        'pay.shop.example.com',
        secret,
      ),
    ).toEqual({
      ok: true,
      uncoveredHosts: [],
      expired: false,
      findings: [],
      problems: [],
      note: 'covered by the certificate for *.shop.example.com (11 days left)',
    });
  });

  it('names the hosts not covered, as an IST0161 finding and a problem', () => {
    const coverage = certificateCoverage(
      { sans: ['*.shop.example.com'], daysLeft: 40, notAfter: 'x' },
      ['pay.shop.example.com', 'shop.example.com', 'a.b.shop.example.com'],
      secret,
    );
    expect(coverage.ok).toBe(false);
    expect(coverage.note).toBeUndefined();
    expect(coverage.uncoveredHosts).toEqual([
      'shop.example.com',
      'a.b.shop.example.com',
    ]);
    expect(coverage.findings).toEqual([
      {
        id: 'certificate-hosts-not-covered',
        severity: 'error',
        code: 'IST0161',
        object: 'istio-ingress/Secret/gateway-cert',
        message:
          'The certificate (*.shop.example.com) does not cover shop.example.com, a.b.shop.example.com: clients get a TLS name-mismatch error',
        fix: 'Issue a certificate that covers shop.example.com, a.b.shop.example.com and store it in istio-ingress/gateway-cert',
      },
    ]);
    expect(coverage.problems).toEqual([
      'the certificate in istio-ingress/gateway-cert (names: *.shop.example.com) does not cover shop.example.com, a.b.shop.example.com (IST0161)',
    ]);
  });

  it('says an expired certificate is unusable even for covered hosts', () => {
    const coverage = certificateCoverage(
      {
        sans: ['shop.example.com'],
        daysLeft: -1,
        notAfter: '2026-01-01T00:00:00.000Z',
      },
      'shop.example.com',
      secret,
    );
    expect(coverage).toMatchObject({
      ok: false,
      expired: true,
      uncoveredHosts: [],
      problems: [
        'the certificate in istio-ingress/gateway-cert expired on 2026-01-01T00:00:00.000Z (IST0161)',
      ],
    });
    expect(coverage.findings).toEqual([
      expect.objectContaining({ id: 'certificate-expired', code: 'IST0161' }),
    ]);
  });

  it('says "none" for a certificate without DNS names', () => {
    expect(
      certificateCoverage(
        { sans: [], daysLeft: 10, notAfter: 'x' },
        'a.example.com',
        secret,
      ).problems,
    ).toEqual([
      'the certificate in istio-ingress/gateway-cert (names: none) does not cover a.example.com (IST0161)',
    ]);
  });
});

describe('certificateRule', () => {
  const base = {
    secret,
    gateway: 'istio-ingress/public',
    hosts,
    secretExists: true,
  };

  it('has no findings for a good certificate', () => {
    expect(certificateRule({ ...base, certificate: fresh })).toMatchObject({
      verdicts: ['ok'],
      verdict: 'ok',
      severity: 'ok',
      findings: [],
    });
  });

  it('keeps every problem as its own finding, most urgent first, and says the renewed certificate waits in ACM', () => {
    const result = certificateRule({
      ...base,
      hosts: ['checkout.shop.example.com', 'pay.example.com'],
      certificate: { ...fresh, daysLeft: 12, notAfter: '2026-12-10T00:00:00Z' },
      externalSecret: {
        ready: false,
        name: 'gateway-cert',
        reason: 'SecretSyncedError',
        message: 'could not get secret data from provider',
      },
      acm: renewedInAcm,
    });
    expect(result.verdicts).toEqual([
      'not-covered',
      'sync-failing',
      'rotation-due',
      'expiring',
    ]);
    expect(result.findings.map(f => [f.id, f.severity, f.code])).toEqual([
      ['certificate-hosts-not-covered', 'error', 'IST0161'],
      ['certificate-sync-failing', 'error', undefined],
      ['certificate-rotation-due', 'warning', undefined],
      ['certificate-expiring', 'warning', undefined],
    ]);
    const [, sync, rotation, expiring] = result.findings;
    expect(sync.message).toBe(
      'ExternalSecret gateway-cert does not sync the certificate: SecretSyncedError (could not get secret data from provider). ACM already holds the renewed certificate (serial 0c:2d, valid until 2027-12-01T00:00:00.000Z), waiting to be synced into istio-ingress/gateway-cert: the fix is the sync, not a renewal',
    );
    expect(sync.fix).toBe(
      `${forceSync}  # after fixing the ExternalSecret's error (kubectl describe externalsecret gateway-cert -n istio-ingress); the renewed certificate is already in ACM, no renewal needed`,
    );
    expect(rotation.message).toBe(
      'ACM renewed the certificate (serial 0c:2d, valid until 2027-12-01T00:00:00.000Z) but the secret still holds serial 0a:1b: ExternalSecret gateway-cert fails to sync it',
    );
    expect(expiring.message).toBe(
      'The certificate for checkout.shop.example.com, pay.example.com expires in 12 days (2026-12-10T00:00:00Z)',
    );
    expect(expiring.fix).toBe(forceSync);
  });

  it('keeps the plain sync-failing message when ACM has nothing newer', () => {
    const [sync] = certificateRule({
      ...base,
      certificate: fresh,
      externalSecret: {
        ready: false,
        name: 'gateway-cert',
        reason: 'SecretSyncedError',
      },
      acm: { ...renewedInAcm, serial: '0a:1b' },
    }).findings;
    expect(sync).toEqual({
      id: 'certificate-sync-failing',
      severity: 'error',
      object: 'istio-ingress/Secret/gateway-cert',
      message:
        'ExternalSecret gateway-cert does not sync the certificate: SecretSyncedError',
      fix: forceSync,
    });
  });

  it('words a missing secret as IST0101 with a create command', () => {
    expect(certificateRule({ ...base, secretExists: false }).findings).toEqual([
      {
        id: 'certificate-missing',
        severity: 'error',
        code: 'IST0101',
        object: 'istio-ingress/Secret/gateway-cert',
        message:
          'Gateway istio-ingress/public references credential gateway-cert, which does not exist in istio-ingress',
        fix: 'kubectl create secret tls gateway-cert -n istio-ingress --cert=tls.crt --key=tls.key',
      },
    ]);
  });

  it('says why tls.crt is unreadable', () => {
    expect(
      certificateRule({ ...base, problem: 'no PEM certificate found' })
        .findings,
    ).toEqual([
      expect.objectContaining({
        id: 'certificate-unknown',
        severity: 'warning',
        message:
          'Secret gateway-cert has no readable tls.crt (no PEM certificate found)',
      }),
    ]);
  });

  it('words an expired certificate as the coverage rule does, with the renewal fix', () => {
    const [expired] = certificateRule({
      ...base,
      certificate: {
        ...fresh,
        daysLeft: -3,
        notAfter: '2026-11-25T00:00:00.000Z',
      },
    }).findings;
    expect(expired).toEqual({
      id: 'certificate-expired',
      severity: 'error',
      code: 'IST0161',
      object: 'istio-ingress/Secret/gateway-cert',
      message:
        'The certificate for checkout.shop.example.com expired on 2026-11-25T00:00:00.000Z',
      fix: 'Update secret istio-ingress/gateway-cert with a renewed certificate',
    });
  });

  it('points a hand-managed secret at the renewed certificate in ACM', () => {
    const result = certificateRule({
      ...base,
      certificate: fresh,
      acm: renewedInAcm,
    });
    expect(result.verdicts).toEqual(['rotation-due']);
    expect(result.renewedCertificateWaiting).toBe(true);
    expect(result.findings[0].fix).toBe(
      'Update secret istio-ingress/gateway-cert with the renewed certificate from ACM (aws acm get-certificate --certificate-arn arn:aws:acm:eu-west-1:123456789012:certificate/abc)',
    );
  });

  it('makes a rotation due within the critical days an error', () => {
    const result = certificateRule({
      ...base,
      certificate: { ...fresh, daysLeft: 5 },
      acm: renewedInAcm,
    });
    expect(result.findings.map(f => [f.id, f.severity])).toEqual([
      ['certificate-rotation-due', 'error'],
      ['certificate-expiring', 'error'],
    ]);
  });
});
