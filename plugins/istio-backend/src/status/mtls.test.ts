import { KubernetesObject } from '@meshdeck/plugin-istio-node';
import { effectiveMtls } from './mtls';

function pa(
  namespace: string,
  name: string,
  mode: string,
  matchLabels?: Record<string, string>,
): KubernetesObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace },
    spec: { ...(matchLabels && { selector: { matchLabels } }), mtls: { mode } },
  };
}

const base = { namespace: 'shop', workloadLabels: { app: 'checkout' } };

describe('effectiveMtls', () => {
  it('defaults to PERMISSIVE without policies', () => {
    expect(
      effectiveMtls({ ...base, namespacePolicies: [], rootPolicies: [] }),
    ).toEqual({
      mode: 'PERMISSIVE',
      source: 'Istio default (no PeerAuthentication)',
    });
  });

  it('takes the mesh-wide policy', () => {
    expect(
      effectiveMtls({
        ...base,
        namespacePolicies: [],
        rootPolicies: [pa('istio-system', 'default', 'STRICT')],
      }),
    ).toEqual({
      mode: 'STRICT',
      source: 'istio-system/PeerAuthentication/default',
    });
  });

  it('prefers the namespace policy over the mesh', () => {
    expect(
      effectiveMtls({
        ...base,
        namespacePolicies: [pa('shop', 'default', 'PERMISSIVE')],
        rootPolicies: [pa('istio-system', 'default', 'STRICT')],
      }).source,
    ).toBe('shop/PeerAuthentication/default');
  });

  it('prefers a workload policy that selects the workload', () => {
    expect(
      effectiveMtls({
        ...base,
        namespacePolicies: [
          pa('shop', 'default', 'STRICT'),
          pa('shop', 'legacy', 'DISABLE', { app: 'checkout' }),
          pa('shop', 'other', 'PERMISSIVE', { app: 'cart' }),
        ],
        rootPolicies: [],
      }),
    ).toEqual({ mode: 'DISABLE', source: 'shop/PeerAuthentication/legacy' });
  });

  it('lets an UNSET workload policy inherit from the namespace', () => {
    expect(
      effectiveMtls({
        ...base,
        namespacePolicies: [
          pa('shop', 'unset', 'UNSET', { app: 'checkout' }),
          pa('shop', 'default', 'STRICT'),
        ],
        rootPolicies: [],
      }).mode,
    ).toBe('STRICT');
  });
});
