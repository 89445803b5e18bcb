import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  buildGateway,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
  istioMeshReadPermission,
  MeshOverview,
  meshOverviewSchema,
} from '@meshdeck/plugin-istio-common';
import {
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  externalSecretManifest,
  setExternalSecretStatus,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import request from 'supertest';
import { istioPlugin } from '../plugin';
import { realPermissions } from '../__testUtils__/realPermissions';

const location = 'url:https://example.com/catalog-info.yaml';

/**
 * The platform team may read the overview, others may not; nobody sees
 * entities labelled `meshdeck.io/secret` in the catalog.
 */
const policy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'overview-test',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy: point }) {
        point.setPolicy({
          async handle(req, user) {
            if (isPermission(req.permission, istioMeshReadPermission)) {
              return {
                result:
                  user?.info.userEntityRef === 'user:default/alice'
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
              };
            }
            if (
              isResourcePermission(req.permission, 'catalog-entity') &&
              req.permission.name === 'catalog.entity.read' &&
              user
            ) {
              return createCatalogConditionalDecision(req.permission, {
                not: catalogConditions.hasLabel({
                  label: 'meshdeck.io/secret',
                }),
              });
            }
            return { result: AuthorizeResult.ALLOW };
          },
        });
      },
    });
  },
});

function component(
  name: string,
  annotations: Record<string, string>,
  owner: string,
  labels: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      labels,
      annotations: {
        ...annotations,
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

function catalogWith(entities: Entity[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'overview-test-entities',
    register(env) {
      env.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.addEntityProvider({
            getProviderName: () => 'overview-test',
            async connect(connection) {
              await connection.applyMutation({
                type: 'full',
                entities: entities.map(entity => ({
                  entity,
                  locationKey: 'overview-test',
                })),
              });
            },
          });
        },
      });
    },
  });
}

const proxy = (version: string) => ({
  name: 'istio-proxy',
  image: `docker.io/istio/proxyv2:${version}`,
});

describeWithCluster('GET /v1/overview against the test cluster', cluster => {
  it('names certificates, hosts, the data plane and findings with the entities the caller may see, and refuses callers without istio.mesh.read', async () => {
    const { kubeConfig, namespace: shop } = cluster();
    const legacy = await cluster().extraNamespace('legacy', true);
    const ingress = await cluster().extraNamespace('ingress', true);
    const cp = await cluster().extraNamespace('cp', true);
    // a namespace in ambient mode, enrolled to a waypoint it does not have
    const amb = await cluster().extraNamespace('amb', true);
    const { AppsV1Api, CoreV1Api } = await import('@kubernetes/client-node');
    const core = kubeConfig.makeApiClient(CoreV1Api);
    // unique names: other test files share the cluster
    const shopId = `${shop}-web`;
    const hostA = `a.${shop}.example`;
    const hostB = `b.${shop}.example`;
    const secretName = 'overview-cert';

    await core.patchNamespace({
      name: shop,
      body: [
        {
          op: 'add',
          path: '/metadata/labels/istio-injection',
          value: 'enabled',
        },
      ],
    });
    await core.patchNamespace({
      name: amb,
      body: [
        {
          op: 'add',
          path: '/metadata/labels/istio.io~1dataplane-mode',
          value: 'ambient',
        },
        {
          op: 'add',
          path: '/metadata/labels/istio.io~1use-waypoint',
          value: 'waypoint',
        },
      ],
    });
    await kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: cp,
      body: {
        metadata: { name: 'istiod', labels: { app: 'istiod' } },
        spec: {
          selector: { matchLabels: { app: 'istiod' } },
          template: {
            metadata: { labels: { app: 'istiod' } },
            spec: {
              containers: [
                { name: 'discovery', image: 'docker.io/istio/pilot:1.30.3' },
              ],
            },
          },
        },
      },
    });
    const labels = { app: 'web', 'backstage.io/kubernetes-id': shopId };
    const pod = (
      namespace: string,
      name: string,
      containers: any[],
      l: Record<string, string> = labels,
    ) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: l },
      spec: {
        containers: [{ name: 'app', image: 'example/web:1' }, ...containers],
      },
    });
    const certificate = await createTestCertificate({
      sans: [hostA, hostB],
      validForDays: 5,
    });
    await createObjects(
      kubeConfig,
      pod(shop, 'web-1', [proxy('1.30.3')]),
      pod(shop, 'web-old', [proxy('1.29.0')]),
      pod(shop, 'web-bare', []),
      pod(legacy, 'old-1', [], { app: 'old' }),
      pod(amb, 'ledger-1', [], { app: 'ledger' }),
      // the shop's route goes to a Service that exists, the legacy one's
      // (`old`) to one that does not
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: shop },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
      },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: shop },
        spec: { mtls: { mode: 'STRICT' } },
      },
      tlsSecretManifest(ingress, secretName, certificate),
      externalSecretManifest(ingress, 'overview-cert-sync', secretName),
      buildGateway(
        {
          name: 'public',
          namespace: ingress,
          selector: { istio: `${shop}-gateway` },
          hosts: [hostA, hostB],
          tls: { mode: 'credential', credentialName: secretName },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ),
      buildVirtualService(
        {
          name: 'web',
          namespace: shop,
          hosts: [hostA, hostB],
          gateways: [`${ingress}/public`],
          routes: [{ destinations: [{ host: 'web' }] }],
          kubernetesId: shopId,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ),
      buildVirtualService(
        {
          name: 'old-web',
          namespace: legacy,
          hosts: [hostA],
          gateways: [`${ingress}/public`],
          routes: [{ destinations: [{ host: 'old' }] }],
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ),
    );
    // what the kubelet would write; istio-cni has not captured the pod
    const ledgerPod = await core.readNamespacedPodStatus({
      name: 'ledger-1',
      namespace: amb,
    });
    ledgerPod.status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          restartCount: 0,
          image: 'example/web:1',
          imageID: '',
          state: { running: {} },
        },
      ],
    };
    await core.replaceNamespacedPodStatus({
      name: 'ledger-1',
      namespace: amb,
      body: ledgerPod,
    });
    await setExternalSecretStatus(kubeConfig, ingress, 'overview-cert-sync', {
      status: 'True',
      reason: 'SecretSynced',
    });

    const { server } = await startTestBackend({
      features: [
        istioPlugin,
        catalogPlugin,
        catalogWith([
          component(
            `${shop}-web`,
            { 'backstage.io/kubernetes-id': shopId },
            'group:default/team-shop',
          ),
          component(
            `${shop}-legacy`,
            { 'backstage.io/kubernetes-namespace': legacy },
            'group:default/team-legacy',
          ),
          component(
            `${shop}-ledger`,
            { 'backstage.io/kubernetes-namespace': amb },
            'group:default/team-ledger',
          ),
          component(
            `${shop}-hidden`,
            { 'backstage.io/kubernetes-namespace': legacy },
            'group:default/team-hidden',
            { 'meshdeck.io/secret': 'true' },
          ),
        ]),
        ...realPermissions(policy),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            kubernetes: kubernetesAppConfig([
              kubeconfigToClusterConfig(kubeConfig, 'testbed'),
              {
                name: 'dead',
                url: 'https://127.0.0.1:1',
                authProvider: 'serviceAccount',
                serviceAccountToken: 't',
                skipTLSVerify: true,
              },
            ]),
            istio: {
              requestTimeout: '10s',
              clusters: [
                {
                  name: 'testbed',
                  kiali: { baseUrl: 'https://kiali.example.com/kiali' },
                },
              ],
            },
          },
        }),
      ],
    });
    const get = (user?: string) =>
      request(server)
        .get('/api/istio/v1/overview')
        .set(
          'Authorization',
          user
            ? mockCredentials.user.header(user)
            : mockCredentials.none.header(),
        );

    // the catalog ingests the entities in the background
    const shopRef = `component:default/${shop}-web`;
    const legacyRef = `component:default/${shop}-legacy`;
    let res = await get('user:default/alice');
    for (
      const deadline = Date.now() + 30_000;
      Date.now() < deadline &&
      !(res.body as MeshOverview).namespaces?.some(
        n => n.name === legacy && n.entities.includes(legacyRef),
      );
      res = await get('user:default/alice')
    ) {
      await new Promise(r => setTimeout(r, 500));
    }
    expect(res.status).toBe(200);
    const overview = meshOverviewSchema.parse(res.body);
    const mine = <T extends { cluster: string }>(list: T[]) =>
      list.filter(x => x.cluster === 'testbed');

    // the dead cluster is an error entry next to everything else
    expect(
      overview.clusters.map(c => [c.name, c.errors.map(e => e.kind)]),
    ).toEqual([
      ['testbed', []],
      ['dead', ['unreachable']],
    ]);
    expect(overview.clusters[0]).toMatchObject({
      kialiUrl: 'https://kiali.example.com/kiali/console/overview',
      controlPlane: expect.arrayContaining([
        { revision: 'default', version: '1.30.3', namespace: cp },
      ]),
    });

    const cert = overview.certificates.find(
      c => c.secret.namespace === ingress && c.secret.name === secretName,
    )!;
    expect(cert).toMatchObject({
      cluster: 'testbed',
      gateway: `${ingress}/public`,
      hosts: [hostA, hostB],
      verdict: 'expiring',
      externalSecret: { name: 'overview-cert-sync', ready: true },
      entities: [legacyRef, shopRef],
      owners: ['group:default/team-legacy', 'group:default/team-shop'],
    });
    expect(cert.certificate!.daysLeft).toBeLessThanOrEqual(5);

    const hosts = mine(overview.hosts).filter(h =>
      h.gateway.startsWith(`${ingress}/`),
    );
    expect(
      hosts.map(h => ({
        host: h.host,
        routes: h.routes.map(r => `${r.kind} ${r.namespace}/${r.name}`),
        certificate: h.certificate,
        conflict: h.conflict,
        entities: h.entities,
      })),
    ).toEqual([
      {
        host: hostA,
        routes: [
          `VirtualService ${shop}/web`,
          `VirtualService ${legacy}/old-web`,
        ],
        certificate: {
          secret: `${ingress}/${secretName}`,
          verdict: 'expiring',
        },
        conflict: `host ${hostA} on Gateway ${ingress}/public is already claimed by VirtualService ${legacy}/old-web in namespace '${legacy}'`,
        entities: [legacyRef, shopRef],
      },
      {
        host: hostB,
        routes: [`VirtualService ${shop}/web`],
        certificate: {
          secret: `${ingress}/${secretName}`,
          verdict: 'expiring',
        },
        conflict: undefined,
        entities: [shopRef],
      },
    ]);
    // conflicts first
    expect(overview.hosts.findIndex(h => !h.conflict)).toBeGreaterThan(
      overview.hosts.findIndex(h => h.host === hostA),
    );

    expect(
      mine(overview.namespaces).filter(n => [shop, legacy].includes(n.name)),
    ).toEqual(
      [
        {
          cluster: 'testbed',
          name: shop,
          injection: 'sidecar',
          podsInMesh: 2,
          podsOutsideMesh: 1,
          mtls: 'STRICT',
          entities: [shopRef],
          owners: ['group:default/team-shop'],
        },
        {
          cluster: 'testbed',
          name: legacy,
          injection: 'none',
          podsInMesh: 0,
          podsOutsideMesh: 1,
          mtls: expect.any(String),
          // not the hidden entity of the same namespace
          entities: [legacyRef],
          owners: ['group:default/team-legacy'],
        },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );

    const old = overview.proxyVersions.find(
      v => v.cluster === 'testbed' && v.version === '1.29.0',
    )!;
    expect(old.outdated).toBe(true);
    expect(old.namespaces.find(n => n.namespace === shop)).toEqual({
      namespace: shop,
      pods: 1,
      entities: [shopRef],
      owners: ['group:default/team-shop'],
    });

    const findings = mine(overview.findings).filter(
      f =>
        f.object.startsWith(`${shop}/`) ||
        f.object.startsWith(`${legacy}/`) ||
        f.object.startsWith(`${ingress}/`) ||
        f.object === `Namespace/${shop}`,
    );
    // the legacy route's destination Service does not exist; the shop's does
    expect(
      findings.map(
        f => `${f.severity} ${f.code ?? f.id} ${f.object} ${f.entities}`,
      ),
    ).toEqual([
      `error IST0101 ${legacy}/VirtualService/old-web ${legacyRef}`,
      `error IST0109 ${legacy}/VirtualService/old-web ${legacyRef}`,
      `error IST0109 ${shop}/VirtualService/web ${shopRef}`,
      `error certificate-expiring ${ingress}/Secret/${secretName} ${legacyRef},${shopRef}`,
      `warning IST0103 ${shop}/Pod/web-bare ${shopRef}`,
      `warning IST0158 Namespace/${shop} ${shopRef}`,
      `warning IST0158 Namespace/${shop} ${shopRef}`,
    ]);

    expect(findings.find(f => f.code === 'IST0101')!.message).toBe(
      `destination Service ${legacy}/old does not exist`,
    );

    // the ambient namespace: in the data plane, and its findings (the
    // waypoint it names does not exist; istio-cni has not captured its pod)
    const ledgerRef = `component:default/${shop}-ledger`;
    expect(mine(overview.namespaces).find(n => n.name === amb)).toEqual({
      cluster: 'testbed',
      name: amb,
      injection: 'ambient',
      podsInMesh: 0,
      podsOutsideMesh: 1,
      mtls: expect.any(String),
      entities: [ledgerRef],
      owners: ['group:default/team-ledger'],
    });
    expect(
      mine(overview.findings)
        .filter(f => f.object.startsWith(`${amb}/`))
        .map(f => `${f.severity} ${f.id} ${f.object} ${f.entities}`),
    ).toEqual([
      `error waypoint-not-found ${amb}/Gateway/waypoint ${ledgerRef}`,
      `warning ambient-pod-not-captured ${amb}/Pod/ledger-1 ${ledgerRef}`,
    ]);

    // never secret data, never the hidden entity
    expect(res.text).not.toContain('PRIVATE KEY');
    expect(res.text).not.toContain(
      Buffer.from(certificate.keyPem).toString('base64').slice(0, 40),
    );
    expect(res.text).not.toContain('team-hidden');
    expect(res.text).not.toContain(`${shop}-hidden`);

    // without istio.mesh.read: 403; without credentials: 401
    const denied = await get('user:default/bob');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'Not allowed to read the mesh overview',
    );
    expect((await get()).status).toBe(401);
  }, 120_000);
});
