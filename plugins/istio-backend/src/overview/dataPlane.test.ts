import type { V1Pod } from '@kubernetes/client-node';
import { parsePeerAuthentication } from '@meshdeck/plugin-istio-common';
import {
  compareVersions,
  namespaceEntries,
  podLabelSets,
  proxyVersionEntries,
} from './dataPlane';

function pod(
  namespace: string,
  name: string,
  options: {
    proxy?: string;
    revision?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    phase?: string;
  } = {},
): V1Pod {
  return {
    metadata: {
      name,
      namespace,
      labels: options.labels ?? { app: name },
      annotations: {
        ...(options.revision && {
          'sidecar.istio.io/status': JSON.stringify({
            containers: ['istio-proxy'],
            revision: options.revision,
          }),
        }),
        ...options.annotations,
      },
    },
    spec: {
      containers: [
        { name: 'app', image: `example/${name}:1` },
        ...(options.proxy
          ? [
              {
                name: 'istio-proxy',
                image: `docker.io/istio/proxyv2:${options.proxy}`,
              },
            ]
          : []),
      ],
    },
    status: { phase: options.phase ?? 'Running' },
  };
}

const ns = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
});

const policy = (namespace: string, mode: string, selector?: object) =>
  parsePeerAuthentication({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'p', namespace },
    spec: {
      mtls: { mode },
      ...(selector && { selector: { matchLabels: selector } }),
    },
  });

describe('namespaceEntries', () => {
  it('counts pods in and outside the mesh per namespace with its injection and mTLS mode', () => {
    const entries = namespaceEntries({
      namespaces: [
        ns('shop', { 'istio-injection': 'enabled' }),
        ns('pay', { 'istio.io/rev': 'canary' }),
        ns('amb', { 'istio.io/dataplane-mode': 'ambient' }),
        ns('legacy'),
        ns('empty'),
        ns('istio-system'),
      ],
      pods: [
        pod('shop', 'a', { proxy: '1.30.3' }),
        pod('shop', 'b'),
        pod('shop', 'done', { phase: 'Succeeded' }),
        pod('pay', 'p', { proxy: '1.30.3' }),
        pod('amb', 'captured', {
          annotations: { 'ambient.istio.io/redirection': 'enabled' },
        }),
        pod('amb', 'not-yet'),
        pod('legacy', 'l'),
      ],
      peerAuthentications: [
        policy('istio-system', 'STRICT'),
        policy('legacy', 'PERMISSIVE'),
        // a workload's policy is not the namespace's
        policy('shop', 'DISABLE', { app: 'b' }),
      ],
    });
    expect(entries).toEqual([
      {
        name: 'amb',
        injection: 'ambient',
        podsInMesh: 1,
        podsOutsideMesh: 1,
        mtls: 'STRICT',
      },
      {
        name: 'legacy',
        injection: 'none',
        podsInMesh: 0,
        podsOutsideMesh: 1,
        mtls: 'PERMISSIVE',
      },
      {
        name: 'pay',
        injection: 'revision',
        revision: 'canary',
        podsInMesh: 1,
        podsOutsideMesh: 0,
        mtls: 'STRICT',
      },
      {
        name: 'shop',
        injection: 'sidecar',
        podsInMesh: 1,
        podsOutsideMesh: 1,
        mtls: 'STRICT',
      },
    ]);
  });

  it('says UNSET when the PeerAuthentications could not be read, and PERMISSIVE without any', () => {
    const read = (peerAuthentications?: any[]) =>
      namespaceEntries({
        namespaces: [ns('shop')],
        pods: [pod('shop', 'a')],
        peerAuthentications,
      })[0].mtls;
    expect(read(undefined)).toBe('UNSET');
    expect(read([])).toBe('PERMISSIVE');
  });
});

describe('proxyVersionEntries', () => {
  it('groups proxies by version and revision, oldest first, and tells which an installed control plane outdates', () => {
    const entries = proxyVersionEntries(
      [
        pod('shop', 'a', {
          proxy: '1.29.2',
          revision: 'default',
          labels: { app: 'a', 'pod-template-hash': '1' },
        }),
        pod('shop', 'a2', {
          proxy: '1.29.2',
          revision: 'default',
          labels: { app: 'a', 'pod-template-hash': '2' },
        }),
        pod('pay', 'p', { proxy: '1.29.2', revision: 'default' }),
        pod('shop', 'b', { proxy: '1.30.3', revision: 'default' }),
        pod('canary', 'c', { proxy: '1.29.2', revision: 'canary' }),
        pod('shop', 'none'),
        pod('shop', 'gone', { proxy: '1.28.0', phase: 'Failed' }),
      ],
      [
        { revision: 'default', version: '1.30.3', namespace: 'istio-system' },
        { revision: 'canary', version: '1.29.2', namespace: 'istio-system' },
      ],
    );
    expect(entries).toEqual([
      {
        version: '1.29.2',
        revision: 'canary',
        pods: 1,
        outdated: false,
        namespaces: [
          {
            namespace: 'canary',
            pods: 1,
            keys: [{ namespace: 'canary', labels: { app: 'c' } }],
          },
        ],
      },
      {
        version: '1.29.2',
        revision: 'default',
        pods: 3,
        outdated: true,
        namespaces: [
          {
            namespace: 'pay',
            pods: 1,
            keys: [{ namespace: 'pay', labels: { app: 'p' } }],
          },
          {
            namespace: 'shop',
            pods: 2,
            // one label set for the Deployment's pods
            keys: [{ namespace: 'shop', labels: { app: 'a' } }],
          },
        ],
      },
      {
        version: '1.30.3',
        revision: 'default',
        pods: 1,
        outdated: false,
        namespaces: [
          {
            namespace: 'shop',
            pods: 1,
            keys: [{ namespace: 'shop', labels: { app: 'b' } }],
          },
        ],
      },
    ]);
  });
});

describe('podLabelSets', () => {
  it('keeps the distinct label sets of each namespace’s running pods', () => {
    expect(
      podLabelSets([
        pod('shop', 'a', { labels: { app: 'a', 'pod-template-hash': '1' } }),
        pod('shop', 'b', { labels: { app: 'a', 'pod-template-hash': '2' } }),
        pod('shop', 'c', { labels: { app: 'c' } }),
        pod('done', 'd', { phase: 'Succeeded' }),
      ]),
    ).toEqual({ shop: [{ app: 'a' }, { app: 'c' }] });
  });
});

describe('compareVersions', () => {
  it('orders versions by their numbers, pre-releases before the release, tags without numbers last', () => {
    expect(
      ['latest', '1.30.0', '1.9.0', '1.30.0-rc.1', '1.29.2'].sort(
        compareVersions,
      ),
    ).toEqual(['1.9.0', '1.29.2', '1.30.0-rc.1', '1.30.0', 'latest']);
  });
});
