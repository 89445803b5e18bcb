import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  serviceWithPod,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import {
  buildGateway,
  buildK8sGateway,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import { MeshClusterClient, istioResources } from '@meshdeck/plugin-istio-node';
import request from 'supertest';
import yaml from 'yaml';
import {
  startScaffolder,
  taskLog,
  waitForTask,
} from '../__testUtils__/scaffolderServer';
import { meshTemplates } from '../__testUtils__/meshTemplates';

/** A Service of one version of an app (the Gateway API's canary backends). */
function versionService(namespace: string, app: string, version: string) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${app}-${version}`, namespace },
    spec: {
      selector: { app, version },
      ports: [{ name: 'http', port: 8080 }],
    },
  };
}

/**
 * The template with `istio-ingress` (where its dedicated Gateway goes)
 * replaced by the test's ingress namespace.
 */
function withIngress(template: object, ingress: string) {
  return JSON.parse(
    JSON.stringify(template).replace(/istio-ingress/g, ingress),
  );
}

/**
 * Each template of `templates/` through the scaffolder's dry-run API against
 * the test cluster (every step runs its checks and a server-side dry run,
 * and nothing is written) with each route API, and the canary template run
 * for real twice with each: VirtualService weights over subsets, HTTPRoute
 * weights over one Service per version.
 */
describeWithCluster('templates/ on the test cluster', cluster => {
  const domain = 'templates.example';
  const byName: Record<string, any> = Object.fromEntries(
    meshTemplates().map(t => [t.template.metadata.name, t.template]),
  );

  async function setUp(suffix: string) {
    const { kubeConfig, clusterName } = cluster();
    const ingress = await cluster().extraNamespace(`${suffix}-ingress`, true);
    const team = await cluster().extraNamespace(`${suffix}-team`, true);
    await createObjects(
      kubeConfig,
      tlsSecretManifest(
        ingress,
        'istio-gateway-cert',
        await createTestCertificate({ sans: [`*.${domain}`] }),
      ),
      buildGateway(
        {
          name: 'public-gateway',
          namespace: ingress,
          selector: { istio: 'ingressgateway' },
          hosts: [`*.${domain}`],
          tls: { mode: 'credential', credentialName: 'istio-gateway-cert' },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as any,
      // the Gateway API's shared gateway: every namespace may attach (the
      // testbed's API server is too old for the kubernetes.io/metadata.name
      // label a Selector would use)
      buildK8sGateway({
        name: 'public-gateway-api',
        namespace: ingress,
        listeners: [
          {
            name: 'https',
            hostname: `*.${domain}`,
            port: 443,
            protocol: 'HTTPS',
            certificateRefs: [{ name: 'istio-gateway-cert' }],
            allowedRoutes: { from: 'All' },
          },
        ],
      }) as any,
      ...serviceWithPod(team, 'checkout', 8080),
      versionService(team, 'checkout', 'v1'),
      versionService(team, 'checkout', 'v2'),
    );
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': 'checkout',
          'backstage.io/kubernetes-namespace': team,
          'backstage.io/kubernetes-cluster': clusterName,
        },
      },
      spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
    };
    const server = await startScaffolder(
      cluster,
      ingress,
      [team, ingress],
      [
        entity,
        // as the catalog serves them: in the default namespace
        ...Object.values(byName).map(t => ({
          ...t,
          metadata: { ...t.metadata, namespace: 'default' },
        })),
      ],
    );
    return { server, ingress, team, clusterName };
  }

  async function dryRun(server: any, template: object, values: object) {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('authorization', mockCredentials.user.header())
      .send({ template, values, directoryContents: [] });
    if (res.status !== 200) {
      throw new Error(`dry run failed: ${JSON.stringify(res.body.error)}`);
    }
    const log = ((res.body.log ?? []) as Array<{ body: { message?: string } }>)
      .map(e => e.body.message ?? '')
      .join('\n');
    return { status: res.status, body: res.body, log };
  }

  it('dry-runs all four templates without writing anything', async () => {
    const { server, ingress, team, clusterName } = await setUp('dry');
    const gateway = `${ingress}/public-gateway`;

    const onboard = await dryRun(server, byName['mesh-onboard-component'], {
      entity: 'component:default/checkout',
      cluster: clusterName,
      injection: 'sidecar',
      mtls: 'STRICT',
      routeApi: 'istio',
      gateway,
      host: `checkout.${domain}`,
      port: 8080,
      destinationRule: true,
      delivery: 'apply',
    });
    expect({ status: onboard.status, body: onboard.body }).toMatchObject({
      status: 200,
    });
    expect(onboard.log).toContain(`[dry run] Namespace/${team}: configured`);
    expect(onboard.log).toContain(
      `[dry run] ${team}/PeerAuthentication/default: created`,
    );
    expect(onboard.log).toContain(
      `[dry run] ${team}/DestinationRule/checkout: created`,
    );
    expect(onboard.log).toContain(
      `[dry run] ${team}/VirtualService/checkout: created`,
    );
    expect(onboard.log).toContain(
      'Skipping step pullRequest because its if condition was false',
    );
    expect(onboard.body.output.links).toEqual(
      expect.arrayContaining([
        { title: 'Public URL', url: `https://checkout.${domain}` },
        expect.objectContaining({ entityRef: 'component:default/checkout' }),
      ]),
    );

    const expose = await dryRun(server, byName['mesh-expose-https'], {
      cluster: clusterName,
      namespace: team,
      service: 'checkout',
      port: 8080,
      routeApi: 'istio',
      gatewayKind: 'shared',
      gateway,
      host: `shop.${domain}`,
      delivery: 'apply',
    });
    expect(expose.status).toBe(200);
    expect(expose.log).toContain(
      `[dry run] ${team}/VirtualService/checkout: created`,
    );
    expect(expose.log).toContain(
      'Skipping step gateway because its if condition was false',
    );

    const canary = await dryRun(server, byName['mesh-canary-release'], {
      cluster: clusterName,
      namespace: team,
      service: 'checkout',
      port: 8080,
      stable: 'v1',
      canary: 'v2',
      canaryWeight: 10,
      routeApi: 'istio',
      gateway,
      host: `canary.${domain}`,
      delivery: 'apply',
    });
    expect(canary.status).toBe(200);
    expect(canary.log).toContain(
      `[dry run] ${team}/DestinationRule/checkout: created`,
    );
    expect(canary.log).toContain(
      `[dry run] ${team}/VirtualService/checkout: created`,
    );

    const callers = await dryRun(server, byName['mesh-allow-callers'], {
      cluster: clusterName,
      namespace: team,
      app: 'checkout',
      serviceAccounts: [`${team}/frontend`],
      methods: ['GET'],
      defaultDeny: true,
      delivery: 'apply',
    });
    expect(callers.status).toBe(200);
    expect(callers.log).toContain(
      `[dry run] ${team}/AuthorizationPolicy/checkout-callers: created`,
    );

    // a dry run writes nothing
    const client = await MeshClusterClient.create(
      await cluster().registry.kubeConfig(clusterName),
    );
    expect(await client.list(istioResources.virtualService, team)).toEqual([]);
    expect(await client.list(istioResources.authorizationPolicy, team)).toEqual(
      [],
    );
    expect(
      (await client.getNamespace(team))?.metadata?.labels?.['istio-injection'],
    ).toBeUndefined();
  });

  it('renders the manifests for a pull request when GitOps delivery is chosen', async () => {
    const { server, ingress, team, clusterName } = await setUp('pr');
    // without the pull-request step, which needs GitHub credentials even in
    // a dry run: what it would publish is the rendered workspace
    const template = structuredClone(byName['mesh-canary-release']);
    template.spec.steps = template.spec.steps.filter(
      (s: any) => s.action !== 'publish:github:pull-request',
    );
    template.spec.output = {};
    const res = await dryRun(server, template, {
      cluster: clusterName,
      namespace: team,
      service: 'checkout',
      port: 8080,
      stable: 'v1',
      canary: 'v2',
      canaryWeight: 25,
      routeApi: 'istio',
      gateway: `${ingress}/public-gateway`,
      host: `canary.${domain}`,
      delivery: 'pull-request',
      repoUrl: 'github.com?owner=example&repo=mesh-config',
      targetPath: 'clusters/prod/mesh',
    });
    const files = (res.body.directoryContents ?? []).map((f: any) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^clusters\/prod\/mesh\/.*virtualservice.*\.yaml$/i,
        ),
        expect.stringMatching(
          /^clusters\/prod\/mesh\/.*destinationrule.*\.yaml$/i,
        ),
      ]),
    );
    const vs = res.body.directoryContents.find((f: any) =>
      /virtualservice/i.test(f.path),
    );
    const text = Buffer.from(vs.base64Content, 'base64').toString();
    expect(text).toContain('weight: 75');
    expect(text).toContain('weight: 25');
    expect(text).toContain(`canary.${domain}`);
  });

  it('dry-runs the route templates with the Gateway API: HTTPRoutes instead of VirtualServices', async () => {
    const { server, ingress, team, clusterName } = await setUp('gwapi');
    const gateway = `${ingress}/public-gateway-api`;

    const onboard = await dryRun(server, byName['mesh-onboard-component'], {
      entity: 'component:default/checkout',
      cluster: clusterName,
      injection: 'sidecar',
      mtls: 'STRICT',
      routeApi: 'gateway-api',
      gateway,
      host: `checkout.${domain}`,
      port: 8080,
      destinationRule: false,
      delivery: 'apply',
    });
    expect(onboard.log).toContain(`[dry run] Namespace/${team}: configured`);
    expect(onboard.log).toContain(
      `[dry run] ${team}/HTTPRoute/checkout: created`,
    );
    expect(onboard.log).toContain(
      'Skipping step route because its if condition was false',
    );
    expect(onboard.log).not.toContain('VirtualService/');

    const expose = await dryRun(server, byName['mesh-expose-https'], {
      cluster: clusterName,
      namespace: team,
      service: 'checkout',
      port: 8080,
      routeApi: 'gateway-api',
      gatewayKind: 'shared',
      gateway,
      host: `shop.${domain}`,
      delivery: 'apply',
    });
    expect(expose.log).toContain(
      `[dry run] ${team}/HTTPRoute/checkout: created`,
    );
    for (const step of ['gateway', 'k8sGateway', 'route']) {
      expect(expose.log).toContain(
        `Skipping step ${step} because its if condition was false`,
      );
    }

    const canary = await dryRun(server, byName['mesh-canary-release'], {
      cluster: clusterName,
      namespace: team,
      service: 'checkout',
      port: 8080,
      stable: 'v1',
      canary: 'v2',
      canaryWeight: 10,
      routeApi: 'gateway-api',
      gateway,
      host: `canary.${domain}`,
      delivery: 'apply',
    });
    expect(canary.log).toContain(
      `[dry run] ${team}/HTTPRoute/checkout: created`,
    );
    for (const step of ['subsets', 'split']) {
      expect(canary.log).toContain(
        `Skipping step ${step} because its if condition was false`,
      );
    }

    // the HTTPRoute's checks ran on the Services the template named: a
    // version without its Service is reported (a warning in a dry run, a
    // refusal when applied)
    const missing = await dryRun(server, byName['mesh-canary-release'], {
      cluster: clusterName,
      namespace: team,
      service: 'checkout',
      port: 8080,
      stable: 'v1',
      canary: 'v3',
      canaryWeight: 10,
      routeApi: 'gateway-api',
      gateway,
      host: `canary.${domain}`,
      delivery: 'apply',
    });
    expect(missing.log).toContain(
      `backend Service ${team}/checkout-v3 does not exist (IST0101)`,
    );
    expect(missing.log).not.toContain(`${team}/checkout-v1 does not exist`);

    // a dry run writes nothing
    const client = await MeshClusterClient.create(
      await cluster().registry.kubeConfig(clusterName),
    );
    expect(await client.list(istioResources.httpRoute, team)).toEqual([]);
  });

  it.each([
    ['istio', 'Gateway', 'VirtualService'],
    ['gateway-api', 'Gateway', 'HTTPRoute'],
  ])(
    'dry-runs the expose template with a dedicated Gateway (%s)',
    async (routeApi, gatewayKind, routeKind) => {
      const { server, ingress, team, clusterName } = await setUp(
        `ded-${routeApi === 'istio' ? 'i' : 'g'}`,
      );
      // its own host and certificate: a host of the shared gateway's
      // wildcard on a second Gateway of the same workload is refused (IST0145)
      const host = 'checkout.dedicated.example';
      await createObjects(
        cluster().kubeConfig,
        tlsSecretManifest(
          ingress,
          'checkout-cert',
          await createTestCertificate({ sans: [host] }),
        ),
      );
      const res = await dryRun(
        server,
        withIngress(byName['mesh-expose-https'], ingress),
        {
          cluster: clusterName,
          namespace: team,
          service: 'checkout',
          port: 8080,
          routeApi,
          gatewayKind: 'dedicated',
          gatewayName: 'checkout-gateway',
          credentialName: 'checkout-cert',
          host,
          delivery: 'apply',
        },
      );
      expect(res.log).toContain(
        `[dry run] ${ingress}/${gatewayKind}/checkout-gateway: created`,
      );
      expect(res.log).toContain(
        `[dry run] ${team}/${routeKind}/checkout: created`,
      );
    },
  );

  it('renders the HTTPRoute for a pull request with the Gateway API', async () => {
    const { server, ingress, team, clusterName } = await setUp('prgw');
    const template = structuredClone(byName['mesh-canary-release']);
    template.spec.steps = template.spec.steps.filter(
      (s: any) => s.action !== 'publish:github:pull-request',
    );
    template.spec.output = {};
    const res = await dryRun(server, template, {
      cluster: clusterName,
      namespace: team,
      service: 'checkout',
      port: 8080,
      stable: 'v1',
      canary: 'v2',
      canaryWeight: 25,
      routeApi: 'gateway-api',
      gateway: `${ingress}/public-gateway-api`,
      host: `canary.${domain}`,
      delivery: 'pull-request',
      repoUrl: 'github.com?owner=example&repo=mesh-config',
      targetPath: 'clusters/prod/mesh',
    });
    const files = (res.body.directoryContents ?? []).map((f: any) => f.path);
    expect(files).toEqual([
      expect.stringMatching(/^clusters\/prod\/mesh\/.*httproute.*\.yaml$/i),
    ]);
    const text = Buffer.from(
      res.body.directoryContents[0].base64Content,
      'base64',
    ).toString();
    const route = yaml.parse(text);
    expect(route.spec.parentRefs).toEqual([
      expect.objectContaining({
        namespace: ingress,
        name: 'public-gateway-api',
      }),
    ]);
    expect(route.spec.rules[0].backendRefs).toEqual([
      expect.objectContaining({ name: 'checkout-v1', port: 8080, weight: 75 }),
      expect.objectContaining({ name: 'checkout-v2', port: 8080, weight: 25 }),
    ]);
  });

  it.each([
    [
      'istio',
      'VirtualService',
      (route: any) =>
        route.spec.http[0].route.map((r: any) => [
          r.destination.subset,
          r.weight,
        ]),
      [
        ['v1', 90],
        ['v2', 10],
      ],
      [
        ['v1', 50],
        ['v2', 50],
      ],
    ],
    [
      'gateway-api',
      'HTTPRoute',
      (route: any) =>
        route.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
      [
        ['checkout-v1', 90],
        ['checkout-v2', 10],
      ],
      [
        ['checkout-v1', 50],
        ['checkout-v2', 50],
      ],
    ],
  ])(
    'shifts canary weights with a second run of the same template (%s)',
    async (routeApi, kind, weightsOf, first, second) => {
      const { server, ingress, team, clusterName } = await setUp(
        `shift-${routeApi === 'istio' ? 'i' : 'g'}`,
      );
      const run = async (canaryWeight: number) => {
        const created = await request(server)
          .post('/api/scaffolder/v2/tasks')
          .set('authorization', mockCredentials.user.header())
          .send({
            templateRef: 'template:default/mesh-canary-release',
            values: {
              cluster: clusterName,
              namespace: team,
              service: 'checkout',
              port: 8080,
              stable: 'v1',
              canary: 'v2',
              canaryWeight,
              routeApi,
              gateway: `${ingress}/${
                routeApi === 'istio' ? 'public-gateway' : 'public-gateway-api'
              }`,
              host: `shift.${domain}`,
              delivery: 'apply',
            },
          });
        expect(created.status).toBe(201);
        const task = await waitForTask(server, created.body.id);
        const log = await taskLog(server, created.body.id);
        expect({ status: task.status, log }).toMatchObject({
          status: 'completed',
        });
        return log;
      };
      const weights = async () => {
        const client = await MeshClusterClient.create(
          await cluster().registry.kubeConfig(clusterName),
        );
        const route = await client.get(
          routeApi === 'istio'
            ? istioResources.virtualService
            : istioResources.httpRoute,
          team,
          'checkout',
        );
        return weightsOf(route);
      };

      expect(await run(10)).toContain(`${team}/${kind}/checkout: created`);
      expect(await weights()).toEqual(first);
      expect(await run(50)).toContain(`${team}/${kind}/checkout: configured`);
      expect(await weights()).toEqual(second);
    },
  );
});
