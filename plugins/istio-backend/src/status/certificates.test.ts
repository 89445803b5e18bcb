import { certificateVerdict } from './certificates';

const fresh = { serial: '0A:1B', daysLeft: 80 };

describe('certificateVerdict', () => {
  it.each([
    ['no secret', { secretExists: false }, 'missing', 'critical'],
    [
      'sync failing',
      {
        secretExists: true,
        certificate: fresh,
        externalSecret: { ready: false },
      },
      'sync-failing',
      'critical',
    ],
    ['unparseable secret', { secretExists: true }, 'unknown', 'warning'],
    [
      'expired',
      { secretExists: true, certificate: { serial: 'a', daysLeft: -1 } },
      'expired',
      'critical',
    ],
    [
      'ACM renewed, secret old',
      {
        secretExists: true,
        certificate: fresh,
        acm: { serial: '0c:2d', status: 'ISSUED' },
      },
      'rotation-due',
      'warning',
    ],
    [
      'ACM renewed, secret about to expire',
      {
        secretExists: true,
        certificate: { serial: 'a', daysLeft: 3 },
        acm: { serial: 'b', status: 'ISSUED' },
      },
      'rotation-due',
      'critical',
    ],
    [
      'same serial written differently',
      {
        secretExists: true,
        certificate: fresh,
        acm: { serial: '0a1b', status: 'ISSUED' },
      },
      'ok',
      'ok',
    ],
    [
      '7 days left',
      { secretExists: true, certificate: { serial: 'a', daysLeft: 7 } },
      'expiring',
      'critical',
    ],
    [
      '30 days left',
      { secretExists: true, certificate: { serial: 'a', daysLeft: 30 } },
      'expiring',
      'warning',
    ],
    [
      '31 days left',
      { secretExists: true, certificate: { serial: 'a', daysLeft: 31 } },
      'ok',
      'ok',
    ],
    [
      'synced by a healthy ExternalSecret',
      {
        secretExists: true,
        certificate: fresh,
        externalSecret: { ready: true },
      },
      'ok',
      'ok',
    ],
  ])('%s: %s', (_, facts, verdict, severity) => {
    expect(certificateVerdict(facts)).toEqual({ verdict, severity });
  });

  it('matches a decimal ACM serial against the hex serial of the secret', () => {
    expect(
      certificateVerdict({
        secretExists: true,
        certificate: {
          serial: '4b0c3baa90f7d7f35acaf25314d3cf9e257c4441',
          daysLeft: 80,
        },
        acm: {
          serial: '428447114419738390924968421480397262473991570497',
          status: 'ISSUED',
        },
      }).verdict,
    ).toBe('ok');
  });

  it('takes configured thresholds', () => {
    expect(
      certificateVerdict(
        { secretExists: true, certificate: { serial: 'a', daysLeft: 50 } },
        { warningDays: 60, criticalDays: 14 },
      ),
    ).toEqual({ verdict: 'expiring', severity: 'warning' });
  });
});
