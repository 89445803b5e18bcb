import {
  MeshPeerAuthentication,
  parsePeerAuthentication,
} from '@meshdeck/plugin-istio-common';
import { effectiveMtls } from './mtls';

function pa(
  namespace: string,
  name: string,
  mode: string,
  matchLabels?: Record<string, string>,
  creationTimestamp?: string,
): MeshPeerAuthentication {
  return parsePeerAuthentication({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace, creationTimestamp },
    spec: { ...(matchLabels && { selector: { matchLabels } }), mtls: { mode } },
  });
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

  it('takes the oldest of two namespace policies', () => {
    expect(
      effectiveMtls({
        ...base,
        namespacePolicies: [
          pa('shop', 'newer', 'DISABLE', undefined, '2025-03-01T00:00:00Z'),
          pa('shop', 'older', 'STRICT', undefined, '2025-01-01T00:00:00Z'),
        ],
        rootPolicies: [],
      }),
    ).toEqual({ mode: 'STRICT', source: 'shop/PeerAuthentication/older' });
  });

  it('treats an empty selector as neither a workload nor a namespace policy', () => {
    expect(
      effectiveMtls({
        ...base,
        namespacePolicies: [pa('shop', 'empty', 'DISABLE', {})],
        rootPolicies: [pa('istio-system', 'default', 'STRICT')],
      }).source,
    ).toBe('istio-system/PeerAuthentication/default');
  });
});
