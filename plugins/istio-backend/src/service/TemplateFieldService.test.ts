import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  buildGateway,
  buildHttpRoute,
  buildK8sGateway,
  DEFAULT_ISTIO_API_VERSIONS,
  Manifest,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  CustomResourceType,
  istioClustersServiceRef,
  MeshClusterClient,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';
import request from 'supertest';
import { istioPlugin } from '../plugin';
import { TemplateFieldService } from './TemplateFieldService';

const created = (m: Manifest, at: string): Manifest =>
  ({
    ...m,
    metadata: { ...m.metadata, creationTimestamp: at },
  } as Manifest);

/** A platform Gateway API Gateway with one HTTPS listener. */
function k8sGateway(
  name: string,
  allowedRoutes: any,
  options: { hostname?: string; certificate?: string } = {},
) {
  return buildK8sGateway({
    name,
    namespace: 'istio-ingress',
    listeners: [
      {
        name: 'https',
        hostname: options.hostname ?? '*.shop.example.com',
        port: 443,
        protocol: 'HTTPS',
        certificateRefs: [{ name: options.certificate ?? 'wildcard-cert' }],
        allowedRoutes,
      },
    ],
  });
}

const httpRoute = (namespace: string, name: string, hostname: string) =>
  buildHttpRoute({
    name,
    namespace,
    hostnames: [hostname],
    parentRefs: [{ name: 'public', namespace: 'istio-ingress' }],
    rules: [{ backendRefs: [{ name, port: 8080 }] }],
  });

/** What the fake cluster holds. */
type FakeCluster = {
  servesIstio?: boolean;
  servesGatewayApi?: boolean;
  objects?: Manifest[];
  /** Existing namespaces and their labels. */
  namespaces?: Record<string, Record<string, string>>;
};

const WILDCARD = {
  exists: true as const,
  certificate: {
    subject: 'CN=*.shop.example.com',
    sans: ['*.shop.example.com'],
    issuer: 'CN=test',
    serial: '01',
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    daysLeft: 30,
  },
};

/** A MeshClusterClient over fixed objects (what the service reads). */
function fakeClient(cluster: FakeCluster): MeshClusterClient {
  const served = (type: CustomResourceType) =>
    type.group === 'gateway.networking.k8s.io'
      ? cluster.servesGatewayApi ?? true
      : cluster.servesIstio ?? true;
  const namespaces = cluster.namespaces ?? {
    'team-a': { team: 'a' },
    'team-b': { team: 'b' },
    'istio-ingress': {},
    'kube-system': {},
  };
  const client = {
    serves: async (type: CustomResourceType) => served(type),
    versionOf: async () => 'v1',
    list: async (type: CustomResourceType, namespace?: string) => {
      if (!served(type)) {
        throw new Error(`${type.plural}.${type.group} is not served`);
      }
      return (cluster.objects ?? []).filter(
        o =>
          o.kind === type.kind &&
          o.apiVersion.startsWith(`${type.group}/`) &&
          (!namespace || o.metadata.namespace === namespace),
      );
    },
    listNamespaces: async () => Object.keys(namespaces),
    getNamespace: async (name: string) =>
      namespaces[name]
        ? { metadata: { name, labels: namespaces[name] } }
        : undefined,
    listServices: async () => [],
    controlPlanes: async () => [],
    readTlsCertificate: async (namespace: string, name: string) =>
      namespace === 'istio-ingress' && name === 'wildcard-cert'
        ? WILDCARD
        : { exists: false as const },
  };
  return client as unknown as MeshClusterClient;
}

const clusterConfig = {
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'eks-prod',
            url: 'https://prod.example.com',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'token',
          },
        ],
      },
    ],
  },
};

/** The configured cluster registry, its clients answering from `cluster`. */
function fakeRegistry(cluster: FakeCluster): ClusterRegistry {
  const registry = ClusterRegistry.fromConfig(new ConfigReader(clusterConfig));
  jest.spyOn(registry, 'client').mockImplementation(async name => {
    registry.get(name);
    return fakeClient(cluster);
  });
  return registry;
}

const policy = new WritePolicy(['team-*'], ['istio-ingress/*']);

function service(cluster: FakeCluster, routeApi?: 'istio' | 'gateway-api') {
  return new TemplateFieldService(fakeRegistry(cluster), policy, {
    routeApi,
  });
}

describe('TemplateFieldService', () => {
  describe('routeApi', () => {
    it('starts with the configured API and says what the cluster serves', async () => {
      expect(await service({}).routeApi('eks-prod')).toEqual({
        default: 'istio',
        configured: 'istio',
        served: { istio: true, gatewayApi: true },
      });
      expect(await service({}, 'gateway-api').routeApi('eks-prod')).toEqual({
        default: 'gateway-api',
        configured: 'gateway-api',
        served: { istio: true, gatewayApi: true },
      });
    });

    it('starts with the other API when the cluster serves only that one', async () => {
      expect(
        await service({ servesIstio: false }, 'istio').routeApi('eks-prod'),
      ).toEqual({
        default: 'gateway-api',
        configured: 'istio',
        served: { istio: false, gatewayApi: true },
      });
      expect(
        await service({ servesGatewayApi: false }, 'gateway-api').routeApi(
          'eks-prod',
        ),
      ).toMatchObject({ default: 'istio', configured: 'gateway-api' });
      // serving neither, the configured one stays
      expect(
        await service(
          { servesIstio: false, servesGatewayApi: false },
          'gateway-api',
        ).routeApi('eks-prod'),
      ).toMatchObject({
        default: 'gateway-api',
        served: { istio: false, gatewayApi: false },
      });
    });
  });

  describe('gateways', () => {
    const objects = [
      buildGateway(
        {
          name: 'public-gateway',
          namespace: 'istio-ingress',
          selector: { istio: 'ingressgateway' },
          hosts: ['*.shop.example.com'],
          tls: { mode: 'credential', credentialName: 'wildcard-cert' },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ),
      k8sGateway('public', { from: 'All' }),
      k8sGateway('team-only', {
        from: 'Selector',
        selector: { team: 'a' },
      }),
      // not allowed by istio.scaffolder.allowedGateways
      {
        ...k8sGateway('public', { from: 'All' }),
        metadata: { name: 'x', namespace: 'kube-system' },
      },
      // a waypoint takes no HTTPRoutes
      buildK8sGateway({
        name: 'waypoint',
        namespace: 'istio-ingress',
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' as any }],
      } as any),
    ];

    it('lists the allowed Istio Gateways by default', async () => {
      expect(await service({ objects }).gateways('eks-prod')).toEqual([
        {
          ref: 'istio-ingress/public-gateway',
          api: 'istio',
          hosts: ['*.shop.example.com'],
          credentialName: 'wildcard-cert',
        },
      ]);
    });

    it('lists the allowed Gateway API Gateways with the listeners that take HTTPRoutes', async () => {
      expect(
        await service({ objects }).gateways('eks-prod', 'gateway-api'),
      ).toEqual([
        {
          ref: 'istio-ingress/public',
          api: 'gateway-api',
          hosts: ['*.shop.example.com'],
          listeners: [
            {
              name: 'https',
              port: 443,
              protocol: 'HTTPS',
              hostname: '*.shop.example.com',
              allowedRoutesFrom: 'All',
              certificateRefs: ['istio-ingress/wildcard-cert'],
            },
          ],
        },
        expect.objectContaining({
          ref: 'istio-ingress/team-only',
          listeners: [
            expect.objectContaining({ allowedRoutesFrom: 'Selector' }),
          ],
        }),
      ]);
    });

    it('lists none of a kind the cluster does not serve', async () => {
      expect(
        await service({ objects, servesGatewayApi: false }).gateways(
          'eks-prod',
          'gateway-api',
        ),
      ).toEqual([]);
      expect(
        await service({ objects, servesIstio: false }).gateways('eks-prod'),
      ).toEqual([]);
    });
  });

  describe('checkHost with the Gateway API', () => {
    const objects = [
      created(k8sGateway('public', { from: 'All' }), '2025-01-01T00:00:00Z'),
      k8sGateway('same', { from: 'Same' }),
      k8sGateway('team-a-only', {
        from: 'Selector',
        selector: { team: 'a' },
      }),
      k8sGateway(
        'exact',
        { from: 'All' },
        { hostname: 'pay.shop.example.com' },
      ),
      k8sGateway('no-cert', { from: 'All' }, { certificate: 'missing-cert' }),
      created(
        httpRoute('team-b', 'blog', 'blog.shop.example.com'),
        '2025-01-02T00:00:00Z',
      ),
      created(
        httpRoute('team-a', 'shop', 'shop.shop.example.com'),
        '2025-01-02T00:00:00Z',
      ),
    ];
    const check = (
      host: string,
      gateway = 'istio-ingress/public',
      namespace = 'team-a',
      name?: string,
    ) =>
      service({ objects }).checkHost({
        cluster: 'eks-prod',
        gateway,
        host,
        namespace,
        name,
        api: 'gateway-api',
      });

    it('says ok with the listener and the certificate that covers the host', async () => {
      expect(
        await check('pay.shop.example.com', undefined, 'team-a', 'pay'),
      ).toEqual({
        host: 'pay.shop.example.com',
        gateway: 'istio-ingress/public',
        api: 'gateway-api',
        ok: true,
        problems: [],
        notes: [
          "on listener 'https' (HTTPS 443), covered by the certificate for *.shop.example.com (30 days left)",
        ],
        findings: [],
      });
    });

    it("refuses a listener that does not take routes from the route's namespace", async () => {
      const same = await check('pay.shop.example.com', 'istio-ingress/same');
      expect(same.ok).toBe(false);
      expect(same.problems).toEqual([
        expect.stringContaining(
          "Gateway istio-ingress/same does not take HTTPRoutes from namespace 'team-a' (listener 'https': it takes routes only from its own namespace 'istio-ingress'",
        ),
      ]);
      // a Selector: by the namespace's labels
      expect(
        (await check('pay.shop.example.com', 'istio-ingress/team-a-only')).ok,
      ).toBe(true);
      const teamB = await check(
        'pay.shop.example.com',
        'istio-ingress/team-a-only',
        'team-b',
      );
      expect(teamB.problems).toEqual([
        expect.stringContaining(
          "it takes routes only from namespaces labelled team=a (allowedRoutes.namespaces.from: Selector), and 'team-b' is not",
        ),
      ]);
    });

    it('refuses a hostname no listener serves', async () => {
      const res = await check('pay.other.example', 'istio-ingress/exact');
      expect(res.problems).toEqual([
        'none of the hostnames pay.other.example intersects a listener of Gateway istio-ingress/exact (https: pay.shop.example.com): the route would not be attached (Accepted=False, NoMatchingListenerHostname)',
      ]);
    });

    it("refuses a hostname another namespace's route has on the listener, not one of its own namespace", async () => {
      const taken = await check('blog.shop.example.com');
      expect(taken.problems).toEqual([
        "hostname blog.shop.example.com on listener 'https' of Gateway istio-ingress/public is already attached by HTTPRoute team-b/blog of namespace 'team-b'; the Gateway API gives it to team-b/blog (the older route wins), so requests both routes match would not reach this one; Meshdeck does not let two namespaces share a hostname on a listener",
      ]);
      // routes of one namespace share hostnames to split paths
      expect((await check('shop.shop.example.com')).ok).toBe(true);
      // a wildcard overlapping another team's hostname
      expect((await check('*.shop.example.com')).problems).toEqual([
        expect.stringContaining(
          "is already attached by HTTPRoute team-b/blog of namespace 'team-b'; the Gateway API gives it to team-b/blog (the more specific hostname wins)",
        ),
      ]);
    });

    it('refuses a host the certificate does not cover or a certificate that is missing', async () => {
      // the Gateway API's wildcard matches two labels, the certificate's one
      expect((await check('a.b.shop.example.com')).problems).toEqual([
        'The certificate (*.shop.example.com) does not cover a.b.shop.example.com: clients get a TLS name-mismatch error (IST0161)',
      ]);
      expect(
        (await check('pay.shop.example.com', 'istio-ingress/no-cert')).problems,
      ).toEqual([
        "the certificate Secret istio-ingress/missing-cert of listener 'https' of Gateway istio-ingress/no-cert does not exist (IST0101)",
      ]);
    });

    it('refuses a gateway that does not exist, is not allowed, or a host the Gateway API does not take', async () => {
      expect(
        (await check('pay.shop.example.com', 'istio-ingress/nope')).problems,
      ).toEqual(['Gateway istio-ingress/nope does not exist (IST0101)']);
      expect(
        (await check('pay.shop.example.com', 'kube-system/x')).problems,
      ).toEqual([
        'gateway kube-system/x is not in istio.scaffolder.allowedGateways',
      ]);
      expect((await check('Pay.shop.example.com')).problems).toEqual([
        'host "Pay.shop.example.com" must be lower case (the Gateway API requires it)',
      ]);
    });

    it('says when the cluster does not serve the Gateway API, and needs the namespace', async () => {
      const res = await service({
        objects,
        servesGatewayApi: false,
      }).checkHost({
        cluster: 'eks-prod',
        gateway: 'istio-ingress/public',
        host: 'pay.shop.example.com',
        namespace: 'team-a',
        api: 'gateway-api',
      });
      expect(res.problems).toEqual([
        "the cluster does not serve the Gateway API (gateway.networking.k8s.io Gateway and HTTPRoute); choose Istio's Gateway and VirtualService",
      ]);
      await expect(
        service({ objects }).checkHost({
          cluster: 'eks-prod',
          gateway: 'istio-ingress/public',
          host: 'pay.shop.example.com',
          api: 'gateway-api',
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
    });
  });
});

describe('template-fields routes', () => {
  const objects = [
    k8sGateway('public', { from: 'All' }),
    buildGateway(
      {
        name: 'public-gateway',
        namespace: 'istio-ingress',
        selector: { istio: 'ingressgateway' },
        hosts: ['*.shop.example.com'],
        tls: { mode: 'credential', credentialName: 'wildcard-cert' },
        httpsRedirect: false,
      },
      DEFAULT_ISTIO_API_VERSIONS,
    ),
  ];

  async function start(scaffolder: object = {}) {
    const { server } = await startTestBackend({
      features: [
        istioPlugin,
        mockServices.rootConfig.factory({
          data: {
            ...clusterConfig,
            istio: {
              scaffolder: {
                allowedNamespaces: ['team-*'],
                allowedGateways: ['istio-ingress/*'],
                ...scaffolder,
              },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [] }),
        createServiceFactory({
          service: istioClustersServiceRef,
          deps: { config: coreServices.rootConfig },
          factory: () => fakeRegistry({ objects }),
        }),
      ],
    });
    return (path: string) =>
      request(server)
        .get(`/api/istio/v1/template-fields/${path}`)
        .set('authorization', mockCredentials.user.header());
  }

  it('GET route-api answers the configured default (istio.scaffolder.routeApi) and what the cluster serves', async () => {
    const get = await start({ routeApi: 'gateway-api' });
    const res = await get('route-api?cluster=eks-prod');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      default: 'gateway-api',
      configured: 'gateway-api',
      served: { istio: true, gatewayApi: true },
    });
    // istio when unset
    const unset = await (await start())('route-api?cluster=eks-prod');
    expect(unset.body.default).toBe('istio');
  });

  it('GET route-api names a missing or unknown cluster', async () => {
    const get = await start();
    const missing = await get('route-api');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('cluster is required');
    expect((await get('route-api?cluster=nope')).status).toBe(404);
  });

  it('refuses a routeApi that is neither istio nor gateway-api at start-up', async () => {
    await expect(start({ routeApi: 'linkerd' })).rejects.toThrow(
      'istio.scaffolder.routeApi must be "istio" or "gateway-api", got "linkerd"',
    );
  });

  it('GET gateways lists Istio Gateways, or Gateway API Gateways with api=gateway-api', async () => {
    const get = await start();
    const istio = await get('gateways?cluster=eks-prod');
    expect(istio.body.gateways.map((g: any) => [g.ref, g.api])).toEqual([
      ['istio-ingress/public-gateway', 'istio'],
    ]);
    const gatewayApi = await get('gateways?cluster=eks-prod&api=gateway-api');
    expect(gatewayApi.body.gateways.map((g: any) => [g.ref, g.api])).toEqual([
      ['istio-ingress/public', 'gateway-api'],
    ]);
    const bad = await get('gateways?cluster=eks-prod&api=linkerd');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('api must be "istio" or "gateway-api"');
  });

  it('GET host-check checks with the Gateway API rules with api=gateway-api, which needs the namespace', async () => {
    const get = await start();
    const ok = await get(
      'host-check?cluster=eks-prod&gateway=istio-ingress/public&host=pay.shop.example.com&namespace=team-a&api=gateway-api',
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, api: 'gateway-api' });
    const noNamespace = await get(
      'host-check?cluster=eks-prod&gateway=istio-ingress/public&host=pay.shop.example.com&api=gateway-api',
    );
    expect(noNamespace.status).toBe(400);
    expect(noNamespace.body.error.message).toMatch(
      /^namespace is required with api=gateway-api/,
    );
    // an Istio Gateway of that name does not exist
    const istio = await get(
      'host-check?cluster=eks-prod&gateway=istio-ingress/public&host=pay.shop.example.com&namespace=team-a',
    );
    expect(istio.body).toMatchObject({
      ok: false,
      api: 'istio',
      problems: ['Gateway istio-ingress/public does not exist (IST0101)'],
    });
  });
});
