import type { V1Pod } from '@kubernetes/client-node';
import {
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import { KubernetesObject } from '@meshdeck/plugin-istio-node';
import {
  FakeCluster,
  FakeMeshReads,
  fakePod,
  shopCluster,
} from '../service/MeshReads.fake';
import {
  backend,
  httpsListener,
  listenerOk,
  parent,
  rawGateway,
  rawRoute,
} from '../status/gatewayApiTraffic.testObjects';
import { clusterOverview } from './clusterOverview';

const overviewOf = (cluster: FakeCluster) => {
  const reads = new FakeMeshReads({ east: cluster });
  return {
    reads,
    overview: clusterOverview({
      reads: reads.cluster('east', '0'),
      name: 'east',
      mesh: {},
    }),
  };
};

const ids = (findings: Array<{ finding: { id: string; object: string } }>) =>
  findings.map(f => `${f.finding.id} ${f.finding.object}`);

/** The shop plus routes whose destinations exist, and some that do not. */
function routedCluster(): FakeCluster {
  const shop = shopCluster();
  return {
    ...shop,
    namespaces: [
      ...shop.namespaces!,
      { metadata: { name: 'store' } },
      { metadata: { name: 'edge' } },
    ],
    services: [
      ...shop.services!,
      {
        metadata: { name: 'front', namespace: 'store' },
        spec: { selector: { app: 'front' }, ports: [{ port: 80 }] },
      },
    ],
    objects: [
      ...shop.objects!,
      buildVirtualService(
        {
          name: 'gone',
          namespace: 'shop',
          hosts: ['gone.shop.example'],
          gateways: ['istio-ingress/public'],
          routes: [
            {
              destinations: [
                { host: 'checkout' },
                { host: 'payments' },
                // a namespace that does not exist: an external name, not judged
                { host: 'api.nowhere.svc.cluster.local' },
              ],
            },
          ],
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as KubernetesObject,
      rawGateway(
        'edge',
        'public',
        [httpsListener('https', '*.store.example', ['store-cert'])],
        { listeners: { https: { conditions: listenerOk, attachedRoutes: 2 } } },
      ),
      rawRoute('store', 'front', {
        hostnames: ['front.store.example'],
        parentRefs: [parent('edge', 'public', 'https')],
        rules: [{ backendRefs: [backend('front', 80)] }],
      }),
      rawRoute('store', 'orders', {
        hostnames: ['orders.store.example'],
        parentRefs: [parent('edge', 'public', 'https')],
        rules: [{ backendRefs: [backend('orders', 80)] }],
      }),
    ],
    deployments: [
      {
        metadata: { name: 'public-istio', namespace: 'edge' },
        spec: { replicas: 1 },
        status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
      },
    ],
  };
}

describe('clusterOverview', () => {
  it('gives the event loop turns between its passes over every pod', async () => {
    // turns other work gets while the overview is assembled: without them
    // a status request waits for all of it (0.75 s at 10,000 pods)
    let turns = 0;
    let done = false;
    const turn = () => {
      if (!done) {
        turns++;
        setImmediate(turn);
      }
    };
    setImmediate(turn);
    const { overview } = overviewOf(shopCluster());
    await overview;
    done = true;
    expect(turns).toBeGreaterThanOrEqual(5);
  });

  describe('destinations', () => {
    it('judges every route’s destinations with the cluster’s Services, Istio and Gateway API alike', async () => {
      const { reads, overview } = overviewOf(routedCluster());
      const { findings, errors } = await overview;
      expect(errors).toEqual([]);
      const missing = findings.filter(
        f => f.finding.id === 'destination-not-found',
      );
      expect(
        missing.map(f => [f.finding.code, f.finding.object, f.finding.message]),
      ).toEqual([
        [
          'IST0101',
          'shop/VirtualService/gone',
          'destination Service shop/payments does not exist',
        ],
        [
          'IST0101',
          'store/HTTPRoute/orders',
          expect.stringContaining('store/orders'),
        ],
      ]);
      // owned like the route: by its namespace and labels
      expect(missing[1].keys).toEqual([
        { namespace: 'store', labels: expect.any(Object) },
      ]);
      // one list of every Service, never one per namespace
      expect(reads.count('allServices')).toBe(1);
      expect(reads.count('services')).toBe(0);
    });

    it('judges no destination when the Services cannot be read, and says so', async () => {
      const cluster = routedCluster();
      cluster.failing = {
        allServices: Object.assign(new Error('services is forbidden'), {
          code: 403,
        }),
      };
      const { findings, errors } = await overviewOf(cluster).overview;
      expect(errors).toEqual([
        expect.objectContaining({
          kind: 'forbidden',
          message: expect.stringMatching(/^Services: /),
        }),
      ]);
      expect(
        findings.filter(f =>
          ['destination-not-found', 'destination-port-not-exposed'].includes(
            f.finding.id,
          ),
        ),
      ).toEqual([]);
      // the rest is still judged
      expect(ids(findings)).toContain(
        'certificate-missing edge/Secret/store-cert',
      );
    });
  });

  describe('Gateway API Gateways’ Deployments', () => {
    it('reports every Gateway of class istio whose Deployment is missing or not ready, and reads none for other classes', async () => {
      const cluster = routedCluster();
      cluster.objects = [
        ...cluster.objects!,
        rawGateway('edge', 'internal', [
          httpsListener('https', 'internal.example', ['internal-cert']),
        ]),
        rawGateway('edge', 'scaled', [
          httpsListener('https', 'scaled.example', ['scaled-cert']),
        ]),
        rawGateway(
          'edge',
          'other',
          [httpsListener('https', 'other.example', ['other-cert'])],
          { className: 'nginx' },
        ),
      ];
      cluster.deployments = [
        ...cluster.deployments!,
        {
          metadata: { name: 'scaled-istio', namespace: 'edge' },
          spec: { replicas: 2 },
          status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 },
        },
      ];
      const { reads, overview } = overviewOf(cluster);
      const { findings } = await overview;
      expect(
        findings
          .filter(f => f.finding.id.startsWith('gateway-deployment'))
          .map(f => [f.finding.severity, f.finding.id, f.finding.object]),
      ).toEqual([
        ['error', 'gateway-deployment-missing', 'edge/Gateway/internal'],
        ['warning', 'gateway-deployment-not-ready', 'edge/Gateway/scaled'],
      ]);
      expect(
        reads.calls
          .filter(c => c.read === 'deployment')
          .map(c => c.arg)
          .sort(),
      ).toEqual(['edge', 'edge', 'edge']); // public, internal, scaled
    });

    it('judges no Deployment it could not read', async () => {
      const cluster = routedCluster();
      cluster.failing = { deployment: new Error('deployments is forbidden') };
      const { findings, errors } = await overviewOf(cluster).overview;
      expect(errors.map(e => e.message)).toEqual([
        expect.stringMatching(/^Deployment edge\/public-istio: /),
      ]);
      expect(
        findings.filter(f => f.finding.id.startsWith('gateway-deployment')),
      ).toEqual([]);
    });
  });

  describe('ambient mode', () => {
    const ambientPod = (
      name: string,
      namespace: string,
      captured: boolean,
    ): V1Pod => {
      const p = fakePod(name, {
        namespace,
        labels: { app: 'ledger' },
        ...(captured && {
          annotations: { 'ambient.istio.io/redirection': 'enabled' },
        }),
      });
      p.spec!.containers = p.spec!.containers.filter(
        c => c.name !== 'istio-proxy',
      );
      p.status!.containerStatuses = p.status!.containerStatuses!.filter(
        c => c.name !== 'istio-proxy',
      );
      return p;
    };

    /** The shop (sidecars) and a ledger namespace in ambient mode. */
    function ambientCluster(): FakeCluster {
      const shop = shopCluster();
      return {
        ...shop,
        namespaces: [
          ...shop.namespaces!,
          {
            metadata: {
              name: 'ledger',
              labels: {
                'istio.io/dataplane-mode': 'ambient',
                'istio.io/use-waypoint': 'waypoint',
              },
            },
          },
        ],
        pods: [
          ...shop.pods!,
          ambientPod('ledger-1', 'ledger', true),
          ambientPod('ledger-2', 'ledger', false),
        ],
        services: [
          ...shop.services!,
          {
            metadata: { name: 'ledger', namespace: 'ledger' },
            spec: { selector: { app: 'ledger' }, ports: [{ port: 8080 }] },
          },
        ],
        daemonSets: [
          {
            metadata: { name: 'ztunnel', namespace: 'istio-system' },
            status: { desiredNumberScheduled: 3, numberReady: 2 },
          },
        ],
        objects: [
          ...shop.objects!,
          {
            apiVersion: 'security.istio.io/v1',
            kind: 'AuthorizationPolicy',
            metadata: { name: 'allow-get', namespace: 'ledger' },
            spec: {
              selector: { matchLabels: { app: 'ledger' } },
              rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
            },
          },
          // a policy of a namespace outside ambient mode is not judged here
          {
            apiVersion: 'security.istio.io/v1',
            kind: 'AuthorizationPolicy',
            metadata: { name: 'to-missing-gateway', namespace: 'shop' },
            spec: {
              targetRefs: [
                {
                  group: 'gateway.networking.k8s.io',
                  kind: 'Gateway',
                  name: 'nope',
                },
              ],
            },
          },
        ],
      };
    }

    it('reports ztunnel, capture, the waypoint and L7 policies for the pods in ambient mode', async () => {
      const { reads, overview } = overviewOf(ambientCluster());
      const { findings, errors } = await overview;
      expect(errors).toEqual([]);
      expect(
        findings
          .filter(
            f =>
              f.finding.object.startsWith('ledger/') ||
              f.finding.id.startsWith('ztunnel'),
          )
          .map(f => `${f.finding.id} ${f.finding.object}`)
          .sort(),
      ).toEqual([
        'ambient-pod-not-captured ledger/Pod/ledger-2',
        'l7-policy-without-waypoint ledger/AuthorizationPolicy/allow-get',
        'waypoint-not-found ledger/Gateway/waypoint',
        'ztunnel-not-ready istio-system/DaemonSet/ztunnel',
      ]);
      expect(
        findings.some(f => f.finding.object.includes('to-missing-gateway')),
      ).toBe(false);
      // the pod's finding is owned like the pod
      expect(
        findings.find(f => f.finding.object === 'ledger/Pod/ledger-2')!.keys,
      ).toEqual([{ namespace: 'ledger', labels: { app: 'ledger' } }]);
      expect(reads.count('ztunnels')).toBe(1);
    });

    it('reads neither ztunnel nor the AuthorizationPolicies without anything in ambient mode', async () => {
      const { reads, overview } = overviewOf(shopCluster());
      const { findings } = await overview;
      expect(reads.count('ztunnels')).toBe(0);
      expect(
        reads.count('istioObjects:authorizationpolicies.security.istio.io'),
      ).toBe(0);
      expect(findings.some(f => f.finding.id.includes('ztunnel'))).toBe(false);
    });

    it('judges no waypoint when the Gateway API Gateways cannot be read', async () => {
      const cluster = ambientCluster();
      cluster.failing = {
        'istioObjects:gateways.gateway.networking.k8s.io': new Error('boom'),
      };
      const { findings, errors } = await overviewOf(cluster).overview;
      expect(errors.map(e => e.message)).toEqual([
        expect.stringMatching(/^Gateway API Gateways: /),
      ]);
      expect(ids(findings)).not.toContain(
        'waypoint-not-found ledger/Gateway/waypoint',
      );
      expect(ids(findings)).toContain(
        'ambient-pod-not-captured ledger/Pod/ledger-2',
      );
    });
  });
});
