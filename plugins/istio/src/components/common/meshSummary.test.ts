import { checkoutCluster } from '../../__fixtures__/meshStatus';
import { daysText, mtlsSummary, sidecarSummary } from './meshSummary';

describe('meshSummary', () => {
  it('counts sidecars and names the first missing reason', () => {
    expect(sidecarSummary(checkoutCluster())).toEqual({
      injected: 3,
      total: 4,
      ready: 4,
      injection: 'sidecar injection',
      problem: '1 pod has no sidecar: created before injection was enabled',
    });
  });

  it('does not count ambient pods as missing a sidecar', () => {
    const cluster = checkoutCluster();
    for (const w of cluster.workloads) {
      for (const p of w.pods) {
        p.sidecar = {
          injected: false,
          native: false,
          missingReason: 'ambient',
        };
      }
    }
    cluster.namespaces[0].injection = 'ambient';
    expect(sidecarSummary(cluster)).toMatchObject({
      injected: 0,
      total: 0,
      injection: 'ambient mode',
      problem: undefined,
    });
  });

  it('says when workloads differ in mTLS mode', () => {
    const cluster = checkoutCluster();
    expect(mtlsSummary(cluster)).toBe('STRICT');
    cluster.workloads[1].mtls = { mode: 'PERMISSIVE', source: 'mesh' };
    expect(mtlsSummary(cluster)).toBe(
      'STRICT (1 of 2 workloads), PERMISSIVE (1 of 2 workloads)',
    );
    cluster.workloads.forEach(w => (w.mtls = { mode: 'UNSET', source: '' }));
    expect(mtlsSummary(cluster)).toBe('PERMISSIVE (default)');
  });

  it('words days left and expiry', () => {
    const [c] = checkoutCluster().certificates;
    expect(daysText(c)).toBe('12 days left');
    expect(
      daysText({ ...c, certificate: { ...c.certificate!, daysLeft: -3 } }),
    ).toBe('expired 3 days ago');
    expect(daysText({ ...c, certificate: undefined, verdict: 'missing' })).toBe(
      'missing',
    );
  });
});
