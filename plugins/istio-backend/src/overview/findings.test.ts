import { WorkloadStatus } from '@meshdeck/plugin-istio-common';
import { compareFindings, findingOwnerKeys, workloadsInMesh } from './findings';

const workload = (namespace: string, injected: boolean): WorkloadStatus => ({
  kind: 'Deployment',
  name: `${namespace}-app`,
  namespace,
  pods: [
    {
      name: `${namespace}-app-1`,
      phase: 'Running',
      ready: true,
      restarts: 0,
      sidecar: { injected, native: false },
    },
  ],
});

describe('workloadsInMesh', () => {
  it('keeps the workloads of namespaces in the mesh or with a proxy', () => {
    const kept = workloadsInMesh(
      [
        workload('shop', false),
        workload('mixed', true),
        workload('kube-system', false),
      ],
      new Map([
        ['shop', { name: 'shop', injection: 'sidecar' as const, labels: {} }],
        ['mixed', { name: 'mixed', injection: 'none' as const, labels: {} }],
        [
          'kube-system',
          { name: 'kube-system', injection: 'none' as const, labels: {} },
        ],
      ]),
    );
    expect(kept.map(w => w.namespace)).toEqual(['shop', 'mixed']);
  });
});

describe('findingOwnerKeys', () => {
  const keys = findingOwnerKeys([
    {
      object: 'shop/Pod/a',
      keys: [{ namespace: 'shop', labels: { app: 'a' } }],
    },
    {
      object: 'istio-ingress/Secret/cert',
      keys: [{ namespace: 'shop', labels: { app: 'a' } }],
    },
    {
      object: 'istio-ingress/Secret/cert',
      keys: [{ namespace: 'cart', labels: { app: 'c' } }],
    },
  ]);

  it('gives the keys of known objects, joined', () => {
    expect(keys('shop/Pod/a')).toEqual([
      { namespace: 'shop', labels: { app: 'a' } },
    ]);
    expect(keys('istio-ingress/Secret/cert')).toHaveLength(2);
  });

  it('falls back to the namespace of the object', () => {
    expect(keys('Namespace/legacy')).toEqual([{ namespace: 'legacy' }]);
    expect(keys('pay/VirtualService/x')).toEqual([{ namespace: 'pay' }]);
    expect(keys('mesh')).toEqual([]);
  });
});

describe('compareFindings', () => {
  it('puts errors first and groups by code, IST/KIA codes before Meshdeck’s own', () => {
    const f = (
      severity: 'info' | 'warning' | 'error',
      id: string,
      code?: string,
      object = 'ns/Pod/a',
    ) => ({ cluster: 'east', severity, id, code, object, message: id });
    const sorted = [
      f('warning', 'sidecar-missing', 'IST0103', 'ns/Pod/b'),
      f('info', 'sidecar-opted-out'),
      f('error', 'host-claimed', 'IST0109'),
      f('warning', 'namespace-not-injected', 'IST0102'),
      f('warning', 'sidecar-missing', 'IST0103', 'ns/Pod/a'),
      f('error', 'certificate-expired', 'IST0161'),
      f('error', 'certificate-expiring'),
    ].sort(compareFindings);
    expect(
      sorted.map(x => `${x.severity} ${x.code ?? x.id} ${x.object}`),
    ).toEqual([
      'error IST0109 ns/Pod/a',
      'error IST0161 ns/Pod/a',
      'error certificate-expiring ns/Pod/a',
      'warning IST0102 ns/Pod/a',
      'warning IST0103 ns/Pod/a',
      'warning IST0103 ns/Pod/b',
      'info sidecar-opted-out ns/Pod/a',
    ]);
  });
});
