import { conditionHealthy } from '@meshdeck/plugin-istio-common';
import {
  ambientCheckoutCluster,
  checkoutCluster,
  mixedCheckoutCluster,
  notCoveredCertificate,
  syncFailingRenewedCertificate,
  troubledCertificate,
} from '../../__fixtures__/meshStatus';
import {
  certificateLine,
  certificateProblems,
  certificateTone,
  certificateVerdicts,
  conditionsText,
  conditionTone,
  dataplaneSummary,
  daysText,
  mtlsSummary,
  renewalWaitingInAcm,
  sidecarSummary,
  usesAmbient,
  usesSidecars,
  worstTone,
} from './meshSummary';

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

  describe('data plane', () => {
    it('words an ambient entity: ztunnel, pods captured, the waypoint', () => {
      const cluster = ambientCheckoutCluster();
      expect(usesAmbient(cluster)).toBe(true);
      expect(dataplaneSummary(cluster)).toEqual({
        text: 'ambient (ztunnel) · 3/3 pods captured · waypoint shop/shop-waypoint',
        tone: 'ok',
      });
      // no sidecar is expected of ambient pods
      expect(sidecarSummary(cluster)).toMatchObject({ injected: 0, total: 0 });
      expect(usesSidecars(cluster)).toBe(false);
      expect(usesSidecars(mixedCheckoutCluster())).toBe(true);
      expect(usesSidecars(checkoutCluster())).toBe(true);
    });

    it('words a mixed entity with each mode and what is wrong', () => {
      const cluster = mixedCheckoutCluster();
      expect(dataplaneSummary(cluster)).toEqual({
        text: 'ambient (ztunnel 2/3 ready) · 1/2 pods captured · waypoint shop/shop-waypoint (not programmed); sidecar (1 pod); not in the mesh (1 pod)',
        tone: 'warning',
      });
      expect(sidecarSummary(cluster)).toMatchObject({ injected: 1, total: 1 });
    });

    it('says "sidecar" or "not in the mesh" for a single mode, and names a waypoint with its namespace', () => {
      expect(dataplaneSummary(checkoutCluster()).text).toBe(
        'sidecar (3 pods); not in the mesh (1 pod)',
      );
      expect(usesAmbient(checkoutCluster())).toBe(false);
      const sidecars = checkoutCluster();
      sidecars.workloads = [sidecars.workloads[0]];
      expect(dataplaneSummary(sidecars)).toEqual({
        text: 'sidecar',
        tone: 'ok',
      });
      const outside = checkoutCluster();
      outside.workloads[0].pods.forEach(p => {
        p.sidecar = {
          injected: false,
          native: false,
          missingReason: 'namespace-not-labelled',
        };
      });
      outside.workloads = [outside.workloads[0]];
      expect(dataplaneSummary(outside)).toEqual({
        text: 'not in the mesh',
        tone: 'warning',
      });
      const shared = ambientCheckoutCluster();
      shared.workloads[0].pods.forEach(p => {
        p.dataplane!.waypoint = {
          name: 'shared',
          namespace: 'mesh-waypoints',
          source: 'service',
        };
      });
      expect(dataplaneSummary(shared).text).toBe(
        'ambient (ztunnel) · 3/3 pods captured · waypoint mesh-waypoints/shared',
      );
    });

    it('says when ztunnel is missing or unknown, and reads older answers without data planes', () => {
      expect(
        dataplaneSummary(ambientCheckoutCluster({ ambient: { waypoints: [] } }))
          .text,
      ).toBe(
        'ambient (no ztunnel found) · 3/3 pods captured · waypoint shop/shop-waypoint',
      );
      expect(
        dataplaneSummary(
          ambientCheckoutCluster({
            ambient: { waypoints: [] },
            errors: [
              {
                source: 'kubernetes',
                kind: 'forbidden',
                message: 'ztunnel DaemonSet: daemonsets.apps is forbidden',
              },
            ],
          }),
        ),
      ).toMatchObject({
        text: expect.stringMatching(/^ambient \(ztunnel unknown\)/),
      });
      const older = ambientCheckoutCluster({ ambient: undefined });
      older.workloads[0].pods.forEach(p => delete p.dataplane);
      expect(usesAmbient(older)).toBe(true);
      expect(dataplaneSummary(older)).toEqual({
        text: 'ambient (ztunnel)',
        tone: 'ok',
      });
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

  it('words a certificate that does not cover a served host, coloured as an error', () => {
    const c = notCoveredCertificate();
    expect(certificateLine(c)).toBe(
      '80 days left · not covered: checkout.example.com',
    );
    expect(certificateTone(c)).toBe('error');
    // without a severity (older answers) the verdict still colours it
    expect(certificateTone({ ...c, severity: undefined })).toBe('error');
    // the only host: no need to name it
    expect(
      certificateProblems({
        ...c,
        hosts: ['checkout.example.com'],
        certificate: {
          ...c.certificate!,
          uncoveredHosts: ['checkout.example.com'],
        },
      }),
    ).toEqual(['not covered']);
  });

  it('shows the most urgent verdict, then the others in words', () => {
    expect(certificateLine(syncFailingRenewedCertificate())).toBe(
      '60 days left · sync failing · renewed certificate waiting in ACM',
    );
    const troubled = troubledCertificate();
    expect(certificateLine(troubled)).toBe(
      '12 days left · not covered: checkout.example.com · sync failing · renewed certificate waiting in ACM · expiring',
    );
    expect(certificateTone(troubled)).toBe('error');
    const [fine] = checkoutCluster().certificates;
    expect(
      certificateLine({
        ...fine,
        verdict: 'ok',
        verdicts: ['ok'],
        severity: 'ok',
      }),
    ).toBe('12 days left');
    expect(certificateLine(fine)).toBe('12 days left · expiring');
  });

  it('does not repeat the verdict days left already says, for a missing secret', () => {
    const [c] = checkoutCluster().certificates;
    expect(
      certificateLine({
        ...c,
        certificate: undefined,
        verdict: 'missing',
        verdicts: ['missing', 'sync-failing'],
      }),
    ).toBe('missing · sync failing');
  });

  it('reads answers from older backends: one verdict, no ACM waiting flag', () => {
    const c = syncFailingRenewedCertificate();
    const old = {
      ...c,
      verdicts: undefined,
      verdict: 'rotation-due' as const,
      acm: { ...c.acm!, renewedCertificateWaiting: undefined },
    };
    expect(certificateVerdicts(old)).toEqual(['rotation-due']);
    expect(renewalWaitingInAcm(old)).toBe(true);
    expect(certificateLine(old)).toBe('60 days left · rotation due');
    expect(
      renewalWaitingInAcm({
        ...c,
        acm: { ...c.acm!, renewedCertificateWaiting: false },
      }),
    ).toBe(false);
  });

  describe('Gateway API conditions', () => {
    const c = (type: string, status: string, reason?: string) => ({
      type,
      status,
      ...(reason && { reason }),
    });

    it('reads negative-polarity conditions as healthy when False', () => {
      expect(conditionHealthy(c('Accepted', 'True'))).toBe(true);
      expect(conditionHealthy(c('Conflicted', 'False'))).toBe(true);
      expect(conditionHealthy(c('OverlappingTLSConfig', 'False'))).toBe(true);
      expect(conditionHealthy(c('PartiallyInvalid', 'False'))).toBe(true);
      expect(conditionHealthy(c('Conflicted', 'True'))).toBe(false);
      expect(conditionHealthy(c('Programmed', 'False'))).toBe(false);
      expect(conditionHealthy(c('Programmed', 'Unknown'))).toBe(false);
    });

    it('words conditions: healthy by type, unhealthy with status and reason, healthy negative ones left out', () => {
      expect(
        conditionsText([
          c('Accepted', 'True', 'Accepted'),
          c('Conflicted', 'False', 'NoConflicts'),
          c('Programmed', 'True'),
          c('ResolvedRefs', 'True'),
        ]),
      ).toBe('Accepted, Programmed, ResolvedRefs');
      expect(
        conditionsText([
          c('Conflicted', 'True', 'HostnameConflict'),
          c('ResolvedRefs', 'False', 'InvalidCertificateRef'),
        ]),
      ).toBe(
        'Conflicted=True (HostnameConflict), ResolvedRefs=False (InvalidCertificateRef)',
      );
    });

    it('colours a condition that stops traffic as an error, a doubtful one as a warning', () => {
      expect(conditionTone(c('Conflicted', 'False'))).toBe('ok');
      expect(conditionTone(c('Conflicted', 'True'))).toBe('error');
      expect(conditionTone(c('Accepted', 'False'))).toBe('error');
      expect(conditionTone(c('Programmed', 'Unknown'))).toBe('warning');
      expect(conditionTone(c('OverlappingTLSConfig', 'True'))).toBe('warning');
      expect(worstTone(['ok', 'warning', 'error'])).toBe('error');
      expect(worstTone(['ok', 'neutral'])).toBe('neutral');
      expect(worstTone([])).toBe('ok');
    });
  });
});
