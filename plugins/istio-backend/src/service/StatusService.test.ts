import { mockServices } from '@backstage/backend-test-utils';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { memoryCache } from '../__testUtils__/memoryCache';
import type { V1Pod } from '@kubernetes/client-node';
import {
  FakeCluster,
  FakeMeshReads,
  fakeRegistry as registry,
  fakePod as pod,
  shopCluster,
  shopLabels as labels,
} from './MeshReads.fake';
import { StatusService } from './StatusService';
import {
  backend,
  condition,
  httpsListener,
  listenerOk,
  parent,
  rawGateway,
  rawRoute,
  rawServiceGrant,
} from '../status/gatewayApiTraffic.testObjects';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
};

describe('StatusService', () => {
  const service = (
    reads: FakeMeshReads,
    options: { clusters?: ClusterRegistry; timeoutMs?: number } = {},
  ) =>
    new StatusService({
      clusters: options.clusters ?? registry(...Object.keys(reads.clusters)),
      timeoutMs: options.timeoutMs ?? 10_000,
      logger: mockServices.logger.mock(),
      cache: memoryCache(),
      reads,
    });

  describe('assembly', () => {
    it('assembles workloads, mTLS, traffic, certificates and links of a healthy cluster', async () => {
      const reads = new FakeMeshReads({ east: shopCluster() });
      const status = await service(reads).statusFor(entity);

      expect(status).toMatchObject({
        entityRef: 'component:default/checkout',
        verdict: 'healthy',
      });
      const [east] = status.clusters;
      expect(east.errors).toEqual([]);
      expect(east.findings).toEqual([]);
      expect(east.controlPlane).toEqual([
        { revision: 'default', version: '1.30.3', namespace: 'istio-system' },
      ]);
      expect(east.namespaces).toEqual([
        expect.objectContaining({ name: 'shop', injection: 'sidecar' }),
      ]);
      expect(east.workloads).toEqual([
        expect.objectContaining({
          kind: 'Deployment',
          name: 'checkout',
          namespace: 'shop',
          mtls: {
            mode: 'STRICT',
            source: 'istio-system/PeerAuthentication/default',
          },
        }),
      ]);
      expect(east.workloads[0].pods[0].sidecar).toMatchObject({
        injected: true,
        version: '1.30.3',
      });
      expect(east.traffic).toEqual({
        gateways: [
          {
            ref: 'istio-ingress/public',
            hosts: ['*.shop.example'],
            servers: [
              {
                port: 443,
                protocol: 'HTTPS',
                hosts: ['*.shop.example'],
                tlsMode: 'SIMPLE',
                credentialName: 'shop-cert',
              },
            ],
          },
        ],
        virtualServices: [
          {
            ref: 'shop/checkout',
            hosts: ['checkout.shop.example'],
            gateways: ['istio-ingress/public'],
            routes: [
              { destinations: [{ host: 'checkout.shop.svc.cluster.local' }] },
            ],
          },
        ],
        destinationRules: [],
        authorizationPolicies: [],
      });
      // what the Gateway does not say stays out of the answer
      expect(JSON.stringify(east.traffic)).not.toContain('httpsRedirect');
      expect(east.topology).toEqual({
        nodes: [
          { id: 'vs:shop/checkout', kind: 'virtualService', label: 'checkout' },
          {
            id: 'host:checkout.shop.example',
            kind: 'host',
            label: 'checkout.shop.example',
          },
          {
            id: 'gateway:istio-ingress/public',
            kind: 'gateway',
            label: 'istio-ingress/public',
          },
          {
            id: 'service:checkout.shop.svc.cluster.local',
            kind: 'service',
            label: 'checkout',
          },
          {
            id: 'workload:shop/checkout',
            kind: 'workload',
            label: 'checkout',
            podCount: 1,
          },
        ],
        edges: [
          {
            from: 'host:checkout.shop.example',
            to: 'gateway:istio-ingress/public',
          },
          { from: 'gateway:istio-ingress/public', to: 'vs:shop/checkout' },
          {
            from: 'vs:shop/checkout',
            to: 'service:checkout.shop.svc.cluster.local',
          },
          {
            from: 'service:checkout.shop.svc.cluster.local',
            to: 'workload:shop/checkout',
          },
        ],
      });
      expect(east.certificates).toEqual([
        expect.objectContaining({
          hosts: ['checkout.shop.example'],
          secret: { namespace: 'istio-ingress', name: 'shop-cert' },
          externalSecret: expect.objectContaining({
            name: 'shop-cert-sync',
            ready: true,
          }),
          verdict: 'ok',
        }),
      ]);
      expect(east.links).toEqual({
        kialiGraph: expect.stringContaining('namespaces=shop'),
        kialiWorkloads: {
          'shop/checkout':
            'https://kiali.example.com/kiali/console/namespaces/shop/workloads/checkout',
        },
        kialiServices: {
          'shop/checkout':
            'https://kiali.example.com/kiali/console/namespaces/shop/services/checkout',
        },
        kialiConfig: {
          'Gateway:istio-ingress/public': expect.stringContaining(
            '/console/namespaces/istio-ingress/istio/networking.istio.io/v1/Gateway/public',
          ),
          'VirtualService:shop/checkout': expect.stringContaining(
            '/console/namespaces/shop/istio/networking.istio.io/v1/VirtualService/checkout',
          ),
        },
        jaeger: {
          shop: 'https://jaeger.example.com/search?service=checkout.shop&lookback=1h&limit=20',
        },
      });
      // the Deployment is known from the names: no ReplicaSet read
      expect(reads.count('replicaSets')).toBe(0);
    });

    it('reads the ReplicaSet when the names do not tell its Deployment', async () => {
      const cluster = shopCluster();
      cluster.pods = [
        pod('legacy-x1', {
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: 'legacy-rs',
              uid: '2',
              controller: true,
            },
          ],
        }),
      ];
      cluster.replicaSets = [
        {
          metadata: {
            name: 'legacy-rs',
            namespace: 'shop',
            labels,
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: 'legacy',
                uid: '3',
                controller: true,
              },
            ],
          },
        },
      ];
      const reads = new FakeMeshReads({ east: cluster });
      const status = await service(reads).statusFor(entity);
      expect(status.clusters[0].workloads.map(w => [w.kind, w.name])).toEqual([
        ['Deployment', 'legacy'],
      ]);
      expect(reads.count('replicaSets')).toBe(1);
    });

    it('turns a failing read into an error entry next to everything else', async () => {
      const cluster = shopCluster();
      cluster.failing = {
        controlPlanes: Object.assign(new Error('deployments is forbidden'), {
          code: 403,
        }),
        'tlsCertificate:istio-ingress': new Error('secrets is forbidden'),
      };
      const status = await service(
        new FakeMeshReads({ east: cluster }),
      ).statusFor(entity);
      const [east] = status.clusters;
      expect(east.errors.map(e => e.message)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^istiod Deployments: /),
          expect.stringMatching(/^TLS secret istio-ingress\/shop-cert: /),
        ]),
      );
      expect(east.errors).toHaveLength(2);
      expect(east.controlPlane).toEqual([]);
      expect(east.certificates).toEqual([]); // unreadable: no verdict
      expect(east.workloads.map(w => w.name)).toEqual(['checkout']);
      expect(east.traffic.gateways).toHaveLength(1);
      expect(status.verdict).toBe('warning');
    });

    it('gives a cluster whose pods cannot be read, or that does not answer in time, an error entry only', async () => {
      const slow = shopCluster();
      slow.failing = { pods: 'hang' };
      const reads = new FakeMeshReads({ east: shopCluster(), slow });
      const started = Date.now();
      const status = await service(reads, {
        clusters: registry('east', 'dead', 'slow'),
        timeoutMs: 300,
      }).statusFor(entity);
      expect(Date.now() - started).toBeLessThan(2000);
      const [east, dead, late] = status.clusters;
      expect(east.errors).toEqual([]);
      expect(east.workloads).toHaveLength(1);
      expect(dead).toMatchObject({
        name: 'dead',
        workloads: [],
        errors: [{ source: 'kubernetes', kind: 'unreachable' }],
      });
      expect(late.errors).toEqual([
        {
          source: 'kubernetes',
          kind: 'timeout',
          message: "cluster 'slow' did not answer within 300 ms",
        },
      ]);
      expect(status.verdict).toBe('warning');
    });

    it('keeps an answer with a timed-out or unreachable cluster for seconds only, others for the TTL', async () => {
      const ttls: Array<number | undefined> = [];
      const cache = memoryCache();
      const recording = {
        ...cache,
        set: async (key: string, value: any, options?: { ttl?: any }) => {
          ttls.push(options?.ttl);
          return cache.set(key, value);
        },
      };
      const slow = shopCluster();
      slow.failing = { pods: 'hang' };
      const statuses = (reads: FakeMeshReads, names: string[]) =>
        new StatusService({
          clusters: registry(...names),
          timeoutMs: 200,
          logger: mockServices.logger.mock(),
          cache: recording,
          cacheTtlMs: 600_000,
          reads,
        });
      await statuses(new FakeMeshReads({ east: shopCluster() }), [
        'east',
      ]).statusFor(entity);
      await statuses(new FakeMeshReads({ east: shopCluster(), slow }), [
        'east',
        'slow',
      ]).statusFor(entity);
      await statuses(new FakeMeshReads({ east: shopCluster() }), [
        'east',
        'dead',
      ]).statusFor(entity);
      expect(ttls).toEqual([600_000, 5_000, 5_000]);
    });

    it('only reads the cluster the entity names', async () => {
      const reads = new FakeMeshReads({
        east: shopCluster(),
        west: shopCluster(),
      });
      const status = await service(reads).statusFor({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            'backstage.io/kubernetes-cluster': 'west',
          },
        },
      });
      expect(status.clusters.map(c => c.name)).toEqual(['west']);
      expect(reads.count('pods', 'east')).toBe(0);
    });

    it('reports an unknown verdict for an entity without Kubernetes annotations', async () => {
      const reads = new FakeMeshReads({ east: shopCluster() });
      const status = await service(reads).statusFor({
        ...entity,
        metadata: { name: 'docs', namespace: 'default' },
      });
      expect(status).toMatchObject({ verdict: 'unknown', clusters: [] });
      expect(reads.calls).toEqual([]);
    });
  });

  describe('ambient mode', () => {
    /** The shop in ambient mode: no sidecars, a namespace waypoint, ztunnel. */
    function ambientCluster(): FakeCluster {
      const cluster = shopCluster();
      cluster.namespaces = [
        {
          metadata: {
            name: 'shop',
            labels: {
              'istio.io/dataplane-mode': 'ambient',
              'istio.io/use-waypoint': 'shop-waypoint',
            },
          },
        },
      ];
      const ambientPod = (name: string, captured: boolean): V1Pod => {
        const p = pod(name, {
          labels: { ...labels, 'pod-template-hash': '7d9f8' },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: 'checkout-7d9f8',
              uid: '1',
              controller: true,
            },
          ],
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
      cluster.pods = [
        ambientPod('checkout-7d9f8-aaaaa', true),
        ambientPod('checkout-7d9f8-bbbbb', true),
        ambientPod('checkout-7d9f8-ccccc', false),
      ];
      cluster.daemonSets = [
        {
          metadata: { name: 'ztunnel', namespace: 'istio-system' },
          status: { desiredNumberScheduled: 3, numberReady: 3 },
        },
      ];
      cluster.objects = [
        ...(cluster.objects ?? []),
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: 'shop-waypoint', namespace: 'shop' },
          spec: {
            gatewayClassName: 'istio-waypoint',
            listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
          },
          status: {
            conditions: [
              { type: 'Programmed', status: 'True', reason: 'Programmed' },
            ],
          },
        },
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          metadata: { name: 'allow-get', namespace: 'shop' },
          spec: {
            selector: { matchLabels: { app: 'checkout' } },
            rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
          },
        },
      ];
      return cluster;
    }

    it('reports each pod’s data plane, ztunnel, the waypoint and the ambient findings', async () => {
      const reads = new FakeMeshReads({ east: ambientCluster() });
      const status = await service(reads).statusFor(entity);
      const [east] = status.clusters;
      expect(east.errors).toEqual([]);
      expect(east.namespaces).toEqual([
        expect.objectContaining({ name: 'shop', injection: 'ambient' }),
      ]);
      const waypoint = {
        name: 'shop-waypoint',
        namespace: 'shop',
        source: 'namespace',
        programmed: true,
      };
      expect(east.workloads[0].pods.map(p => [p.name, p.dataplane])).toEqual([
        ['checkout-7d9f8-aaaaa', { mode: 'ambient', captured: true, waypoint }],
        ['checkout-7d9f8-bbbbb', { mode: 'ambient', captured: true, waypoint }],
        [
          'checkout-7d9f8-ccccc',
          { mode: 'ambient', captured: false, waypoint },
        ],
      ]);
      expect(east.ambient).toEqual({
        ztunnel: {
          namespace: 'istio-system',
          name: 'ztunnel',
          desired: 3,
          ready: 3,
        },
        waypoints: [
          { name: 'shop-waypoint', namespace: 'shop', programmed: true },
        ],
      });
      expect(east.findings.map(f => [f.id, f.object])).toEqual([
        ['ambient-pod-not-captured', 'shop/Pod/checkout-7d9f8-ccccc'],
        ['l7-policy-without-waypoint', 'shop/AuthorizationPolicy/allow-get'],
      ]);
      expect(east.findings[1].message).toContain(
        'their waypoint shop/shop-waypoint enforces only policies that target it with targetRefs',
      );
      // no sidecar is expected of ambient pods
      expect(east.findings.map(f => f.id)).not.toContain('sidecar-missing');
      expect(status.verdict).toBe('critical');
      expect(reads.count('ztunnels')).toBe(1);
    });

    it('names a waypoint that is not programmed, and ztunnel that is not ready', async () => {
      const cluster = ambientCluster();
      cluster.daemonSets![0].status = {
        desiredNumberScheduled: 3,
        numberReady: 2,
      };
      const gateway = cluster.objects!.find(
        o => o.metadata.name === 'shop-waypoint',
      )!;
      gateway.status = {
        conditions: [
          {
            type: 'Programmed',
            status: 'False',
            reason: 'NoResources',
            message: 'Deployment shop-waypoint has no ready replicas',
          },
        ],
      };
      const status = await service(
        new FakeMeshReads({ east: cluster }),
      ).statusFor(entity);
      const [east] = status.clusters;
      expect(east.ambient?.waypoints).toEqual([
        {
          name: 'shop-waypoint',
          namespace: 'shop',
          programmed: false,
          reason:
            'Programmed=False: NoResources: Deployment shop-waypoint has no ready replicas',
        },
      ]);
      expect(east.findings.map(f => f.id)).toEqual([
        'ztunnel-not-ready',
        'ambient-pod-not-captured',
        'waypoint-not-programmed',
        'l7-policy-without-waypoint',
      ]);
      expect(east.workloads[0].pods[0].dataplane?.waypoint?.programmed).toBe(
        false,
      );
    });

    it('turns a failed ztunnel or Gateway read into an error entry and does not judge it', async () => {
      const cluster = ambientCluster();
      cluster.failing = {
        ztunnels: Object.assign(new Error('daemonsets.apps is forbidden'), {
          code: 403,
        }),
        'istioObjects:gateways.gateway.networking.k8s.io': new Error(
          'gateways.gateway.networking.k8s.io is forbidden',
        ),
      };
      const status = await service(
        new FakeMeshReads({ east: cluster }),
      ).statusFor(entity);
      const [east] = status.clusters;
      expect(east.errors.map(e => e.message)).toEqual([
        expect.stringMatching(/^ztunnel DaemonSet: /),
        expect.stringMatching(/^Gateway API Gateways: /),
      ]);
      expect(east.errors[0].kind).toBe('forbidden');
      expect(east.ambient).toEqual({ waypoints: [] });
      expect(east.workloads[0].pods[0].dataplane).toEqual({
        mode: 'ambient',
        captured: true,
        waypoint: {
          name: 'shop-waypoint',
          namespace: 'shop',
          source: 'namespace',
        },
      });
      const ids = east.findings.map(f => f.id);
      expect(ids).not.toContain('ztunnel-not-found');
      expect(ids).not.toContain('waypoint-not-found');
    });

    it('leaves a sidecar-only entity as it was: no ambient reads, no ambient entry', async () => {
      const reads = new FakeMeshReads({ east: shopCluster() });
      const status = await service(reads).statusFor(entity);
      const [east] = status.clusters;
      expect(east.ambient).toBeUndefined();
      expect(east.findings).toEqual([]);
      expect(east.workloads[0].pods[0].dataplane).toEqual({ mode: 'sidecar' });
      expect(reads.count('ztunnels')).toBe(0);
      // the five Istio kinds and the HTTPRoutes (none reach it): no
      // Gateway API Gateways, no Deployments
      expect(
        reads.calls.filter(c => c.read === 'istioObjects').map(c => c.arg),
      ).toEqual([
        'peerauthentications.security.istio.io',
        'virtualservices.networking.istio.io',
        'gateways.networking.istio.io',
        'destinationrules.networking.istio.io',
        'authorizationpolicies.security.istio.io',
        'httproutes.gateway.networking.k8s.io',
      ]);
      expect(reads.count('deployment')).toBe(0);
    });

    it('flags a pod with a sidecar and the ambient label', async () => {
      const cluster = shopCluster();
      cluster.pods = [
        pod('checkout-x', {
          labels: { ...labels, 'istio.io/dataplane-mode': 'ambient' },
        }),
      ];
      const status = await service(
        new FakeMeshReads({ east: cluster }),
      ).statusFor(entity);
      const [east] = status.clusters;
      expect(east.findings.map(f => [f.id, f.object])).toEqual([
        ['sidecar-and-ambient', 'shop/Pod/checkout-x'],
      ]);
      expect(east.ambient).toEqual({ waypoints: [] });
    });
  });

  describe('Gateway API', () => {
    const DAY = 24 * 60 * 60_000;
    /**
     * The shop exposed through a Gateway API Gateway of class istio (HTTPS
     * listener, certificate synced by an ExternalSecret) with a 90/10
     * HTTPRoute to its two Services, instead of Istio's own objects.
     */
    function gatewayApiCluster(): FakeCluster {
      const cluster = shopCluster();
      cluster.services = [
        ...cluster.services!,
        {
          metadata: { name: 'checkout-canary', namespace: 'shop' },
          spec: {
            selector: { app: 'checkout' },
            ports: [{ port: 8080 }],
          },
        },
      ];
      cluster.objects = [
        ...cluster.objects!.filter(
          o => !['Gateway', 'VirtualService'].includes(o.kind),
        ),
        rawGateway(
          'istio-ingress',
          'public',
          [httpsListener('https', '*.shop.example', ['shop-cert'])],
          {
            listeners: { https: { conditions: listenerOk, attachedRoutes: 1 } },
          },
        ),
        rawRoute('shop', 'checkout', {
          hostnames: ['checkout.shop.example'],
          parentRefs: [parent('istio-ingress', 'public', 'https')],
          rules: [
            {
              backendRefs: [
                backend('checkout', 8080, 90),
                backend('checkout-canary', 8080, 10),
              ],
            },
          ],
        }),
      ];
      cluster.deployments = [
        {
          metadata: { name: 'public-istio', namespace: 'istio-ingress' },
          spec: { replicas: 2 },
          status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 },
        },
      ];
      cluster.tlsCertificates!['istio-ingress/shop-cert'] = {
        exists: true,
        certificate: {
          subject: 'CN=*.shop.example',
          sans: ['*.shop.example'],
          issuer: 'CN=Test CA',
          serial: '01',
          notBefore: new Date(Date.now() - DAY).toISOString(),
          notAfter: new Date(Date.now() + 90 * DAY).toISOString(),
          daysLeft: 90,
        },
      };
      return cluster;
    }

    it('shows the HTTPRoute, its Gateway with the Deployment, the topology, the listener certificate, findings and Kiali links', async () => {
      const reads = new FakeMeshReads({ east: gatewayApiCluster() });
      const status = await service(reads).statusFor(entity);
      const [east] = status.clusters;
      expect(east.errors).toEqual([]);
      expect(east.traffic.gateways).toEqual([]);
      expect(east.traffic.virtualServices).toEqual([]);
      expect(east.traffic.httpRoutes).toEqual([
        {
          ref: 'shop/checkout',
          hostnames: ['checkout.shop.example'],
          parents: [
            {
              gateway: 'istio-ingress/public',
              sectionName: 'https',
              listeners: ['https'],
              conditions: [
                expect.objectContaining({ type: 'Accepted', status: 'True' }),
                expect.objectContaining({
                  type: 'ResolvedRefs',
                  status: 'True',
                }),
              ],
            },
          ],
          rules: [
            {
              matches: ['PathPrefix /'],
              backends: [
                {
                  service: 'checkout.shop.svc.cluster.local',
                  port: 8080,
                  weight: 90,
                },
                {
                  service: 'checkout-canary.shop.svc.cluster.local',
                  port: 8080,
                  weight: 10,
                },
              ],
            },
          ],
        },
      ]);
      expect(east.traffic.k8sGateways).toEqual([
        expect.objectContaining({
          ref: 'istio-ingress/public',
          className: 'istio',
          deployment: {
            namespace: 'istio-ingress',
            name: 'public-istio',
            exists: true,
            ready: false,
            desired: 2,
            readyReplicas: 1,
            availableReplicas: 1,
          },
        }),
      ]);
      expect(east.topology.edges).toEqual(
        expect.arrayContaining([
          {
            from: 'host:checkout.shop.example',
            to: 'k8sgateway:istio-ingress/public',
          },
          {
            from: 'k8sgateway:istio-ingress/public',
            to: 'listener:istio-ingress/public#https',
          },
          {
            from: 'listener:istio-ingress/public#https',
            to: 'httproute:shop/checkout',
          },
          {
            from: 'httproute:shop/checkout',
            to: 'service:checkout.shop.svc.cluster.local',
            weight: 90,
          },
          {
            from: 'httproute:shop/checkout',
            to: 'service:checkout-canary.shop.svc.cluster.local',
            weight: 10,
          },
          {
            from: 'service:checkout.shop.svc.cluster.local',
            to: 'workload:shop/checkout',
          },
        ]),
      );
      expect(east.certificates).toEqual([
        expect.objectContaining({
          hosts: ['checkout.shop.example'],
          gateway: 'istio-ingress/public',
          secret: { namespace: 'istio-ingress', name: 'shop-cert' },
          externalSecret: expect.objectContaining({
            name: 'shop-cert-sync',
            ready: true,
          }),
          verdict: 'ok',
        }),
      ]);
      expect(east.findings.map(f => [f.id, f.severity, f.object])).toEqual([
        [
          'gateway-deployment-not-ready',
          'warning',
          'istio-ingress/Gateway/public',
        ],
      ]);
      expect(status.verdict).toBe('warning');
      expect(east.links.kialiConfig).toEqual({
        'K8sGateway:istio-ingress/public':
          'https://kiali.example.com/kiali/console/namespaces/istio-ingress/istio/gateway.networking.k8s.io/v1/Gateway/public',
        'HTTPRoute:shop/checkout':
          'https://kiali.example.com/kiali/console/namespaces/shop/istio/gateway.networking.k8s.io/v1/HTTPRoute/checkout',
      });
      // one get of the Deployment; no grants to read (nothing crosses namespaces)
      expect(reads.count('deployment')).toBe(1);
      expect(
        reads.count('istioObjects:referencegrants.gateway.networking.k8s.io'),
      ).toBe(0);
      expect(
        reads.count('istioObjects:gateways.gateway.networking.k8s.io'),
      ).toBe(1);
    });

    it('reports the objects’ False conditions, a missing Deployment, and the rule book’s findings', async () => {
      const cluster = gatewayApiCluster();
      cluster.deployments = [];
      const gateway = cluster.objects!.find(
        o => o.kind === 'Gateway' && o.metadata.name === 'public',
      )!;
      gateway.status.conditions = [
        condition('Accepted', 'True', 'Accepted'),
        condition(
          'Programmed',
          'False',
          'NoResources',
          'Deployment public-istio not found',
        ),
      ];
      const route = cluster.objects!.find(o => o.kind === 'HTTPRoute')!;
      route.spec.rules[0].backendRefs[1].port = 9090;
      route.status.parents[0].conditions = [
        condition('Accepted', 'True', 'Accepted'),
        condition(
          'ResolvedRefs',
          'False',
          'BackendNotFound',
          'port 9090 not found on checkout-canary',
        ),
      ];
      const [east] = (
        await service(new FakeMeshReads({ east: cluster })).statusFor(entity)
      ).clusters;
      expect(east.findings.map(f => [f.id, f.severity, f.message])).toEqual([
        [
          'destination-port-not-exposed',
          'error',
          'Service shop/checkout-canary does not expose port 9090 (it exposes 8080)',
        ],
        [
          'gateway-api-condition-false',
          'error',
          'Gateway istio-ingress/public: Programmed=False (NoResources): Deployment public-istio not found',
        ],
        [
          'gateway-api-condition-false',
          'error',
          "HTTPRoute shop/checkout on Gateway istio-ingress/public (listener 'https'): ResolvedRefs=False (BackendNotFound): port 9090 not found on checkout-canary",
        ],
        [
          'gateway-deployment-missing',
          'error',
          'Gateway istio-ingress/public (class istio) has no Deployment istio-ingress/public-istio: istiod has not deployed it, so nothing serves its listeners',
        ],
      ]);
      expect(east.traffic.k8sGateways?.[0].deployment).toMatchObject({
        exists: false,
        ready: false,
      });
    });

    it('reads the ReferenceGrants only for a cross-namespace backend, and judges it with them', async () => {
      const cluster = gatewayApiCluster();
      const route = cluster.objects!.find(o => o.kind === 'HTTPRoute')!;
      route.metadata.namespace = 'web';
      route.status.parents[0].parentRef.namespace = 'istio-ingress';
      route.spec.rules[0].backendRefs = [
        backend('checkout', 8080, undefined, 'shop'),
      ];
      const reads = new FakeMeshReads({ east: cluster });
      const [east] = (await service(reads).statusFor(entity)).clusters;
      expect(east.traffic.httpRoutes?.map(r => r.ref)).toEqual([
        'web/checkout',
      ]);
      expect(east.findings.map(f => [f.id, f.object])).toEqual([
        ['backend-ref-not-permitted', 'web/HTTPRoute/checkout'],
        ['gateway-deployment-not-ready', 'istio-ingress/Gateway/public'],
      ]);
      expect(
        reads.count('istioObjects:referencegrants.gateway.networking.k8s.io'),
      ).toBe(1);

      cluster.objects!.push(rawServiceGrant('shop', 'web'));
      const [granted] = (
        await service(new FakeMeshReads({ east: cluster })).statusFor(entity)
      ).clusters;
      expect(granted.findings.map(f => f.id)).toEqual([
        'gateway-deployment-not-ready',
      ]);
    });

    it('turns failed Gateway API reads into error entries and does not judge what they would tell', async () => {
      const cluster = gatewayApiCluster();
      cluster.failing = {
        'istioObjects:gateways.gateway.networking.k8s.io': Object.assign(
          new Error('gateways.gateway.networking.k8s.io is forbidden'),
          { code: 403 },
        ),
        'deployment:istio-ingress': new Error('deployments is forbidden'),
      };
      const [east] = (
        await service(new FakeMeshReads({ east: cluster })).statusFor(entity)
      ).clusters;
      expect(east.errors.map(e => e.message)).toEqual([
        expect.stringMatching(/^Gateway API Gateways: /),
      ]);
      // the route is still shown; nothing about Gateways is judged
      expect(east.traffic.httpRoutes?.map(r => r.ref)).toEqual([
        'shop/checkout',
      ]);
      expect(east.traffic.k8sGateways).toBeUndefined();
      expect(east.findings).toEqual([]);
      expect(east.certificates).toEqual([]);

      cluster.failing = {
        'istioObjects:httproutes.gateway.networking.k8s.io': new Error(
          'httproutes.gateway.networking.k8s.io is forbidden',
        ),
      };
      const [noRoutes] = (
        await service(new FakeMeshReads({ east: cluster })).statusFor(entity)
      ).clusters;
      expect(noRoutes.errors.map(e => e.message)).toEqual([
        expect.stringMatching(/^HTTPRoutes: /),
      ]);
      expect(noRoutes.traffic.httpRoutes).toBeUndefined();
      expect(noRoutes.workloads).toHaveLength(1);

      cluster.failing = {
        'deployment:istio-ingress': new Error('deployments is forbidden'),
      };
      const [noDeployment] = (
        await service(new FakeMeshReads({ east: cluster })).statusFor(entity)
      ).clusters;
      expect(noDeployment.errors.map(e => e.message)).toEqual([
        expect.stringMatching(/^Deployment istio-ingress\/public-istio: /),
      ]);
      expect(noDeployment.traffic.k8sGateways?.[0]).not.toHaveProperty(
        'deployment',
      );
      expect(noDeployment.findings).toEqual([]);
    });

    it('reads the Gateways once for an ambient entity with HTTPRoutes', async () => {
      const cluster = gatewayApiCluster();
      cluster.namespaces = [
        {
          metadata: {
            name: 'shop',
            labels: { 'istio.io/dataplane-mode': 'ambient' },
          },
        },
      ];
      const reads = new FakeMeshReads({ east: cluster });
      const [east] = (await service(reads).statusFor(entity)).clusters;
      expect(east.traffic.k8sGateways).toHaveLength(1);
      expect(east.ambient).toBeDefined();
      expect(
        reads.count('istioObjects:gateways.gateway.networking.k8s.io'),
      ).toBe(1);
    });
  });

  describe('caching', () => {
    it('coalesces 50 simultaneous requests into one set of cluster reads, then answers from the cache', async () => {
      const reads = new FakeMeshReads({ east: shopCluster() });
      const statuses = service(reads);

      const answers = await Promise.all(
        Array.from({ length: 50 }, () => statuses.statusFor(entity)),
      );
      expect(reads.count('pods')).toBe(1);
      expect(new Set(answers.map(a => a.generatedAt)).size).toBe(1);
      expect(answers[0].cache).toBeUndefined();

      const again = await statuses.statusFor(entity);
      expect(reads.count('pods')).toBe(1);
      expect(again.cache).toEqual({
        hit: true,
        ageSeconds: expect.any(Number),
      });
      expect(again.generatedAt).toBe(answers[0].generatedAt);
    });

    it('reads again when the entity maps elsewhere (the key includes its target)', async () => {
      const reads = new FakeMeshReads({ east: shopCluster() });
      const statuses = service(reads);
      await statuses.statusFor(entity);
      await statuses.statusFor({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            'backstage.io/kubernetes-namespace': 'shop',
          },
        },
      });
      expect(reads.count('pods')).toBe(2);
    });
  });
});
