import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { istioPlugin } from '../plugin';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import {
  buildGateway,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
  meshOverviewSchema,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry, KubernetesObject } from '@meshdeck/plugin-istio-node';
import { ClusterGenerations } from './ClusterGenerations';
import { ClusterReads } from './ClusterReads';
import { MeshOverviewService } from './MeshOverviewService';
import { MeshReads } from './MeshReads';
import {
  FakeCluster,
  FakeMeshReads,
  fakePod,
  fakeRegistry,
  shopCluster,
  shopLabels,
} from './MeshReads.fake';

const DAY = 24 * 60 * 60_000;

function component(
  name: string,
  annotations: Record<string, string>,
  owner: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

const entities = [
  component(
    'checkout',
    { 'backstage.io/kubernetes-id': 'checkout' },
    'group:default/team-shop',
  ),
  component(
    'legacy',
    { 'backstage.io/kubernetes-namespace': 'legacy' },
    'team-legacy',
  ),
  component(
    'ingress',
    { 'backstage.io/kubernetes-namespace': 'istio-ingress' },
    'group:default/platform',
  ),
  component('docs', {}, 'group:default/writers'),
];

/** A catalog that shows `legacy` only to alice, everything to a service. */
function catalog(visible = entities) {
  return catalogServiceMock.mock({
    getEntities: jest.fn(async (_request, options) => {
      const { principal } = (options as { credentials: BackstageCredentials })
        .credentials as BackstageCredentials<any>;
      return {
        items: visible.filter(
          e =>
            e.metadata.name !== 'legacy' ||
            principal.type === 'service' ||
            principal.userEntityRef === 'user:default/alice',
        ),
      };
    }),
  });
}

const proxyPod = (name: string, namespace: string, version: string) => {
  const pod = fakePod(name, { namespace });
  pod.spec!.containers[1].image = `docker.io/istio/proxyv2:${version}`;
  return pod;
};

const bare = (
  name: string,
  namespace: string,
  labels: Record<string, string>,
): V1Pod => ({
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
  status: { phase: 'Running' },
});

/** The shop, a legacy namespace claiming its host, and an expiring admin certificate. */
function meshCluster(): FakeCluster {
  const shop = shopCluster();
  return {
    ...shop,
    namespaces: [
      ...shop.namespaces!,
      { metadata: { name: 'legacy' } },
      { metadata: { name: 'istio-ingress' } },
    ],
    pods: [
      ...shop.pods!,
      proxyPod('checkout-old-1', 'shop', '1.29.0'),
      bare('checkout-nosidecar', 'shop', shopLabels),
      bare('old-1', 'legacy', { app: 'old' }),
    ],
    objects: [
      ...shop.objects!,
      buildVirtualService(
        {
          name: 'legacy-web',
          namespace: 'legacy',
          hosts: ['checkout.shop.example'],
          gateways: ['istio-ingress/public'],
          routes: [{ destinations: [{ host: 'old' }] }],
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as KubernetesObject,
      buildGateway(
        {
          name: 'admin',
          namespace: 'istio-ingress',
          selector: { istio: 'ingressgateway' },
          hosts: ['admin.example.org'],
          tls: { mode: 'credential', credentialName: 'admin-cert' },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as KubernetesObject,
    ],
    tlsCertificates: {
      ...shop.tlsCertificates,
      'istio-ingress/admin-cert': {
        exists: true,
        certificate: {
          subject: 'CN=admin.example.org',
          sans: ['admin.example.org'],
          issuer: 'CN=Test CA',
          serial: '02',
          notBefore: new Date(Date.now() - DAY).toISOString(),
          notAfter: new Date(Date.now() + 5 * DAY).toISOString(),
          daysLeft: 5,
        },
      },
    },
  };
}

function service(
  reads: MeshReads,
  options: {
    clusters?: ClusterRegistry;
    catalog?: ReturnType<typeof catalog>;
    timeoutMs?: number;
    now?: () => number;
    generations?: ClusterGenerations;
  } = {},
) {
  return new MeshOverviewService({
    clusters:
      options.clusters ??
      fakeRegistry(...Object.keys((reads as FakeMeshReads).clusters)),
    reads,
    generations: options.generations ?? new ClusterGenerations(),
    catalog: options.catalog ?? catalog(),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    timeoutMs: options.timeoutMs ?? 10_000,
    ttlMs: 30_000,
    now: options.now,
  });
}

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');

describe('MeshOverviewService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('lists certificates, hosts, the data plane and findings of every cluster, with entities and owners', async () => {
    const reads = new FakeMeshReads({ east: meshCluster() });
    const overview = meshOverviewSchema.parse(
      await service(reads).overview(alice),
    );

    expect(overview.clusters).toEqual([
      {
        name: 'east',
        controlPlane: [
          { revision: 'default', version: '1.30.3', namespace: 'istio-system' },
        ],
        kialiUrl: 'https://kiali.example.com/kiali/console/overview',
        errors: [],
      },
    ]);

    // the expiring certificate first, with the Gateway's namespace's entity
    expect(
      overview.certificates.map(c => ({
        secret: `${c.secret.namespace}/${c.secret.name}`,
        hosts: c.hosts,
        verdict: c.verdict,
        daysLeft: c.certificate?.daysLeft,
        externalSecret: c.externalSecret?.name,
        entities: c.entities,
        owners: c.owners,
      })),
    ).toEqual([
      {
        secret: 'istio-ingress/admin-cert',
        hosts: ['admin.example.org'],
        verdict: 'expiring',
        daysLeft: 5,
        externalSecret: undefined,
        entities: ['component:default/ingress'],
        owners: ['group:default/platform'],
      },
      {
        secret: 'istio-ingress/shop-cert',
        hosts: ['checkout.shop.example'],
        verdict: 'ok',
        daysLeft: 90,
        externalSecret: 'shop-cert-sync',
        entities: ['component:default/checkout', 'component:default/legacy'],
        owners: ['group:default/team-legacy', 'group:default/team-shop'],
      },
    ]);

    // the conflict first; unrouted hosts are the Gateway's
    expect(
      overview.hosts.map(h => ({
        host: h.host,
        gateway: h.gateway,
        routes: h.routes.map(r => `${r.namespace}/${r.name}`),
        certificate: h.certificate,
        conflict: Boolean(h.conflict),
        wildcard: h.wildcard,
        entities: h.entities,
      })),
    ).toEqual([
      {
        host: 'checkout.shop.example',
        gateway: 'istio-ingress/public',
        routes: ['legacy/legacy-web', 'shop/checkout'],
        certificate: { secret: 'istio-ingress/shop-cert', verdict: 'ok' },
        conflict: true,
        wildcard: undefined,
        entities: ['component:default/checkout', 'component:default/legacy'],
      },
      {
        host: '*.shop.example',
        gateway: 'istio-ingress/public',
        routes: [],
        certificate: { secret: 'istio-ingress/shop-cert', verdict: 'ok' },
        conflict: false,
        // a wildcard listener, not a host served unrouted
        wildcard: { covers: ['checkout.shop.example'] },
        entities: ['component:default/ingress'],
      },
      {
        host: 'admin.example.org',
        gateway: 'istio-ingress/admin',
        routes: [],
        certificate: {
          secret: 'istio-ingress/admin-cert',
          verdict: 'expiring',
        },
        conflict: false,
        wildcard: undefined,
        entities: ['component:default/ingress'],
      },
    ]);

    expect(overview.namespaces).toEqual([
      {
        cluster: 'east',
        name: 'legacy',
        injection: 'none',
        podsInMesh: 0,
        podsOutsideMesh: 1,
        mtls: 'STRICT',
        entities: ['component:default/legacy'],
        owners: ['group:default/team-legacy'],
      },
      {
        cluster: 'east',
        name: 'shop',
        injection: 'sidecar',
        podsInMesh: 2,
        podsOutsideMesh: 1,
        mtls: 'STRICT',
        entities: ['component:default/checkout'],
        owners: ['group:default/team-shop'],
      },
    ]);

    expect(overview.proxyVersions).toEqual([
      {
        cluster: 'east',
        version: '1.29.0',
        revision: 'default',
        pods: 1,
        outdated: true,
        namespaces: [
          {
            namespace: 'shop',
            pods: 1,
            entities: ['component:default/checkout'],
            owners: ['group:default/team-shop'],
          },
        ],
      },
      expect.objectContaining({
        version: '1.30.3',
        pods: 1,
        outdated: false,
      }),
    ]);

    // errors first, grouped by code; pods of the legacy namespace (not in
    // the mesh) are counted above, not reported one by one; the legacy
    // route's destination Service does not exist (the Services are read
    // cluster-wide), the shop's does
    expect(
      overview.findings.map(f => [
        f.severity,
        f.code ?? f.id,
        f.object,
        f.entities,
      ]),
    ).toEqual([
      [
        'error',
        'IST0101',
        'legacy/VirtualService/legacy-web',
        ['component:default/legacy'],
      ],
      [
        'error',
        'IST0109',
        'legacy/VirtualService/legacy-web',
        ['component:default/legacy'],
      ],
      [
        'error',
        'IST0109',
        'shop/VirtualService/checkout',
        ['component:default/checkout'],
      ],
      [
        'error',
        'certificate-expiring',
        'istio-ingress/Secret/admin-cert',
        ['component:default/ingress'],
      ],
      [
        'warning',
        'IST0103',
        'shop/Pod/checkout-nosidecar',
        ['component:default/checkout'],
      ],
      ['warning', 'IST0158', 'Namespace/shop', ['component:default/checkout']],
      ['warning', 'IST0158', 'Namespace/shop', ['component:default/checkout']],
    ]);
    expect(overview.findings.find(f => f.code === 'IST0101')?.message).toBe(
      'destination Service legacy/old does not exist',
    );
    expect(JSON.stringify(overview)).not.toMatch(/tls\.key|PRIVATE KEY/);
  });

  it('names only the entities the caller may see', async () => {
    const reads = new FakeMeshReads({ east: meshCluster() });
    const catalogService = catalog();
    const overviews = service(reads, { catalog: catalogService });

    const forBob = await overviews.overview(bob);
    const legacyNs = forBob.namespaces.find(n => n.name === 'legacy')!;
    expect(legacyNs.entities).toEqual([]);
    expect(legacyNs.owners).toEqual([]);
    expect(JSON.stringify(forBob)).not.toContain('component:default/legacy');
    expect(JSON.stringify(forBob)).not.toContain('team-legacy');
    expect(catalogService.getEntities).toHaveBeenCalledWith(
      {
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
          'spec.owner',
        ],
      },
      { credentials: bob },
    );

    // the cluster is read once for both callers
    const forAlice = await overviews.overview(alice);
    expect(
      forAlice.namespaces.find(n => n.name === 'legacy')!.entities,
    ).toEqual(['component:default/legacy']);
    expect(reads.count('allPods')).toBe(1);
  });

  it('reads the catalog as the plugin itself without credentials, for scheduled tasks', async () => {
    const reads = new FakeMeshReads({ east: meshCluster() });
    const catalogService = catalog();
    const certificates = await service(reads, {
      catalog: catalogService,
    }).certificates();
    expect(certificates.map(c => [c.secret.name, c.entities])).toEqual([
      ['admin-cert', ['component:default/ingress']],
      ['shop-cert', ['component:default/checkout', 'component:default/legacy']],
    ]);
    expect(
      (catalogService.getEntities.mock.calls[0][1] as any).credentials
        .principal,
    ).toEqual(expect.objectContaining({ type: 'service' }));
  });

  it('gives a cluster that fails an error entry and one whose reads partly fail the rest', async () => {
    const partial = meshCluster();
    partial.failing = {
      'istioObjects:virtualservices.networking.istio.io': Object.assign(
        new Error('virtualservices is forbidden'),
        { code: 403 },
      ),
    };
    const reads = new FakeMeshReads({ east: partial, slow: shopCluster() });
    reads.clusters.slow.failing = { allPods: 'hang' };
    const overview = await service(reads, {
      clusters: fakeRegistry('east', 'west', 'slow'),
      timeoutMs: 200,
    }).overview(alice);

    const [east, west, slow] = overview.clusters;
    expect(east.errors).toEqual([
      expect.objectContaining({
        kind: 'forbidden',
        message: expect.stringMatching(/^VirtualServices: /),
      }),
    ]);
    // without the VirtualServices, no route is judged or named; the rest is there
    expect(
      overview.findings.filter(f => f.object.includes('VirtualService')),
    ).toEqual([]);
    expect(
      overview.namespaces.filter(n => n.cluster === 'east').map(n => n.name),
    ).toEqual(['legacy', 'shop']);
    expect(west.errors).toEqual([
      expect.objectContaining({ kind: 'unreachable' }),
    ]);
    expect(slow.errors).toEqual([expect.objectContaining({ kind: 'timeout' })]);
    expect(meshOverviewSchema.safeParse(overview).success).toBe(true);
  });

  describe('cost', () => {
    // ClusterReads lists namespaces with the Kubernetes client, which takes
    // seconds to load in a cold process (the plugin loads it at start)
    beforeAll(() => import('@kubernetes/client-node'), 30_000);

    /** A cluster of 200 namespaces with two pods each, half in the mesh. */
    function bigCluster(): FakeCluster {
      const shop = meshCluster();
      const namespaces: V1Namespace[] = [];
      const pods: V1Pod[] = [];
      for (let i = 0; i < 200; i++) {
        const name = `team-${i}`;
        namespaces.push({
          metadata: {
            name,
            labels: i % 2 ? { 'istio-injection': 'enabled' } : {},
          },
        });
        pods.push(proxyPod(`app-${i}-a`, name, '1.30.3'));
        pods.push(bare(`app-${i}-b`, name, { app: `app-${i}` }));
      }
      return {
        ...shop,
        namespaces: [...shop.namespaces!, ...namespaces],
        pods: [...shop.pods!, ...pods],
      };
    }

    it('costs one set of cluster-wide reads per TTL for 200 namespaces, whoever asks', async () => {
      const fake = new FakeMeshReads({ east: bigCluster() });
      const clusters = fakeRegistry('east');
      jest
        .spyOn(clusters, 'client')
        .mockImplementation(async name => fake.client(name));
      jest
        .spyOn(clusters, 'kubeConfig')
        .mockImplementation(async name => fake.kubeConfig(name));
      let now = 1_000_000;
      const reads = new ClusterReads({
        clusters,
        ttlMs: 30_000,
        now: () => now,
      });
      const overviews = service(reads, { clusters, now: () => now });
      const tally = () =>
        fake.calls.reduce<Record<string, number>>((t, c) => {
          t[c.read] = (t[c.read] ?? 0) + 1;
          return t;
        }, {});
      const oneSet = {
        // cluster-wide lists, one each: the Services too (the routes'
        // destinations are judged with them), not one list per namespace
        namespaces: 1,
        pods: 1,
        allServices: 1,
        controlPlanes: 1,
        // Gateways, VirtualServices, DestinationRules, PeerAuthentications,
        // Gateway API Gateways, HTTPRoutes, ReferenceGrants
        istioObjects: 7,
        // the two gateway secrets by name, and the ExternalSecrets of their
        // one namespace
        tlsCertificate: 2,
        externalSecrets: 1,
      };

      const first = await Promise.all([
        overviews.overview(alice),
        overviews.overview(bob),
      ]);
      expect(tally()).toEqual(oneSet);
      expect(fake.calls.find(c => c.read === 'pods')?.arg).toBeUndefined();
      expect(fake.count('services')).toBe(0);
      expect(first[0].namespaces).toHaveLength(202);
      expect(first[0].namespaces.find(n => n.name === 'team-1')).toMatchObject({
        injection: 'sidecar',
        podsInMesh: 1,
        podsOutsideMesh: 1,
      });

      // within the TTL: not one read
      now += 29_000;
      await overviews.overview(alice);
      await overviews.certificates();
      expect(tally()).toEqual(oneSet);

      // after the TTL: one set again
      now += 2_000;
      await overviews.overview(alice);
      expect(tally()).toEqual(
        Object.fromEntries(
          Object.entries(oneSet).map(([read, n]) => [read, 2 * n]),
        ),
      );
    });

    it('reads afresh in a new generation of the cluster', async () => {
      const fake = new FakeMeshReads({ east: meshCluster() });
      const generations = new ClusterGenerations();
      const overviews = service(fake, { generations });
      await overviews.overview(alice);
      await overviews.overview(alice);
      expect(fake.count('allPods')).toBe(1);
      await generations.bump('east');
      await overviews.overview(alice);
      expect(fake.count('allPods')).toBe(2);
    });
  });

  describe('GET /v1/overview', () => {
    const start = async (
      result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
    ) =>
      (
        await startTestBackend({
          features: [
            istioPlugin,
            mockServices.rootConfig.factory({
              data: {
                kubernetes: {
                  clusterLocatorMethods: [{ type: 'config', clusters: [] }],
                },
              },
            }),
            mockServices.permissions.factory({ result }),
            catalogServiceMock.factory({ entities }),
          ],
        })
      ).server;

    it('answers the overview, validated, to a caller with istio.mesh.read', async () => {
      const res = await request(await start(AuthorizeResult.ALLOW))
        .get('/api/istio/v1/overview')
        .set('authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        generatedAt: expect.any(String),
        clusters: [],
        certificates: [],
        hosts: [],
        namespaces: [],
        proxyVersions: [],
        findings: [],
      });
    });

    it('answers 403 without istio.mesh.read and 401 without credentials', async () => {
      const server = await start(AuthorizeResult.DENY);
      const denied = await request(server)
        .get('/api/istio/v1/overview')
        .set('authorization', mockCredentials.user.header());
      expect(denied.status).toBe(403);
      expect(denied.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: 'Not allowed to read the mesh overview',
      });
      const anonymous = await request(server)
        .get('/api/istio/v1/overview')
        .set('authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    });
  });
});
