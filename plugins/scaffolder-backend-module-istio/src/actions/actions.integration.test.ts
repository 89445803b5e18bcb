import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { istioResources, MeshClusterClient } from '@meshdeck/plugin-istio-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { WritePolicy } from '@meshdeck/plugin-istio-node';
import { createAuthorizationPolicyAction } from './authorizationPolicyCreate';
import { createDestinationRuleAction } from './destinationRuleCreate';
import { createGatewayAction } from './gatewayCreate';
import { createNamespaceAction } from './namespaceCreate';
import { createVirtualServiceAction } from './virtualServiceCreate';

describeWithCluster('istio actions against the test cluster', cluster => {
  let app: string; // the team's namespace
  let ingress: string; // the platform's ingress namespace
  let other: string; // another team's namespace
  let client: MeshClusterClient;
  let actions: ReturnType<typeof createActions>;
  const domain = 'mdtest.example';

  function createActions() {
    const { registry, config } = cluster();
    const deps = {
      clusters: registry,
      policy: WritePolicy.fromConfig(
        new ConfigReader({
          ...config.get<object>(),
          istio: {
            scaffolder: {
              allowedNamespaces: [`${cluster().namespace}*`],
              allowedGateways: [`${ingress}/*`],
            },
          },
        }),
      ),
    };
    return {
      namespace: createNamespaceAction(deps),
      gateway: createGatewayAction(deps),
      virtualService: createVirtualServiceAction(deps),
      destinationRule: createDestinationRuleAction(deps),
      authorizationPolicy: createAuthorizationPolicyAction(deps),
    };
  }

  async function run(
    action: { handler: (ctx: any) => Promise<void> },
    input: Record<string, unknown>,
    options: { isDryRun?: boolean } = {},
  ) {
    const workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'meshdeck-'));
    const ctx = createMockActionContext({
      input: { cluster: cluster().clusterName, ...input } as any,
      workspacePath,
    });
    // the mock context does not take isDryRun; the scaffolder sets it like this
    Object.assign(ctx, { isDryRun: options.isDryRun });
    await action.handler(ctx);
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    return { outputs, workspacePath };
  }

  beforeAll(async () => {
    const { kubeConfig, namespace, registry, clusterName } = cluster();
    app = namespace;
    ingress = await cluster().extraNamespace('ingress', true);
    other = await cluster().extraNamespace('other', true);
    client = await MeshClusterClient.create(
      await registry.kubeConfig(clusterName),
    );
    actions = createActions();

    const { CoreV1Api } = await import('@kubernetes/client-node');
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const wildcard = await createTestCertificate({
      sans: [`*.${domain}`, domain],
    });
    await core.createNamespacedSecret({
      namespace: ingress,
      body: tlsSecretManifest(ingress, 'istio-gateway-cert', wildcard),
    });
    const expired = await createTestCertificate({
      sans: [`*.${domain}`],
      validForDays: -1,
    });
    await core.createNamespacedSecret({
      namespace: ingress,
      body: tlsSecretManifest(ingress, 'expired-cert', expired),
    });
    for (const [ns, name, ports] of [
      [app, 'checkout', [8080]],
      [app, 'multi', [80, 8080]],
      [other, 'storefront', [80]],
    ] as const) {
      await core.createNamespacedService({
        namespace: ns,
        body: {
          metadata: { name },
          spec: {
            selector: { app: name },
            ports: ports.map(port => ({ name: `http-${port}`, port })),
          },
        },
      });
    }
  });

  describe('istio:namespace:create', () => {
    it('creates a labelled namespace with mTLS STRICT, then changes nothing on a second run', async () => {
      const name = await cluster().extraNamespace('team');
      const input = {
        name,
        mtls: 'STRICT',
        kubernetesId: 'checkout',
        labels: { team: 'payments' },
      };

      const dry = await run(actions.namespace, input, { isDryRun: true });
      expect(dry.outputs.results).toEqual([
        { ref: `Namespace/${name}`, outcome: 'created', dryRun: true },
        {
          ref: `${name}/PeerAuthentication/default`,
          outcome: 'created',
          dryRun: true,
        },
      ]);
      expect(await client.getNamespace(name)).toBeUndefined();

      const first = await run(actions.namespace, input);
      expect(first.outputs.results.map((r: any) => r.outcome)).toEqual([
        'created',
        'created',
      ]);
      expect(first.outputs.objects).toEqual([
        `Namespace/${name}`,
        `${name}/PeerAuthentication/default`,
      ]);
      const ns = await client.getNamespace(name);
      expect(ns?.metadata?.labels).toMatchObject({
        'istio-injection': 'enabled',
        'app.kubernetes.io/managed-by': 'meshdeck',
        'backstage.io/kubernetes-id': 'checkout',
        team: 'payments',
      });
      const pa = await client.get(
        istioResources.peerAuthentication,
        name,
        'default',
      );
      expect(pa?.spec).toEqual({ mtls: { mode: 'STRICT' } });

      const second = await run(actions.namespace, input);
      expect(second.outputs.results.map((r: any) => r.outcome)).toEqual([
        'unchanged',
        'unchanged',
      ]);
    });

    it('renders the same objects as files without touching the cluster', async () => {
      const name = await cluster().extraNamespace('rendered');
      const { outputs, workspacePath } = await run(actions.namespace, {
        name,
        mtls: 'STRICT',
        mode: 'render',
        renderPath: 'deploy/mesh',
      });
      expect(outputs.files).toEqual([
        `deploy/mesh/${name}/namespace-${name}.yaml`,
        `deploy/mesh/${name}/peerauthentication-default.yaml`,
      ]);
      const rendered = yaml.parse(
        fs.readFileSync(path.join(workspacePath, outputs.files[0]), 'utf8'),
      );
      expect(rendered.metadata.labels['istio-injection']).toBe('enabled');
      expect(outputs.manifests).toContain('kind: PeerAuthentication');
      expect(await client.getNamespace(name)).toBeUndefined();
    });

    it('refuses a revision that is not installed, creating nothing', async () => {
      const name = await cluster().extraNamespace('canary');
      const attempt = run(actions.namespace, {
        name,
        injection: 'revision',
        revision: 'does-not-exist',
      });
      await expect(attempt).rejects.toThrow(InputError);
      await expect(
        run(actions.namespace, {
          name,
          injection: 'revision',
          revision: 'does-not-exist',
        }),
      ).rejects.toThrow(
        "revision 'does-not-exist' is not installed in the cluster",
      );
      expect(await client.getNamespace(name)).toBeUndefined();
    });

    it('refuses a second injection label on an existing namespace (IST0123)', async () => {
      const name = await cluster().extraNamespace('revved');
      await run(actions.namespace, { name, injection: 'ambient' });
      await expect(
        run(actions.namespace, { name, injection: 'sidecar' }),
      ).rejects.toThrow(
        `Namespace has istio-injection=enabled and istio.io/dataplane-mode=ambient; a namespace takes one injection label (IST0123)`,
      );
    });

    it('refuses namespaces outside the allow-list', async () => {
      await expect(
        run(actions.namespace, { name: 'kube-system' }),
      ).rejects.toThrow(
        "namespace 'kube-system' is not in istio.scaffolder.allowedNamespaces",
      );
    });

    it('reports a field-manager conflict with what was applied before it, and forces on request', async () => {
      const name = await cluster().extraNamespace('conflict');
      await run(actions.namespace, { name, mtls: 'STRICT' });
      const { KubernetesObjectApi, PatchStrategy } = await import(
        '@kubernetes/client-node'
      );
      await KubernetesObjectApi.makeApiClient(cluster().kubeConfig).patch(
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'default', namespace: name },
          spec: { mtls: { mode: 'PERMISSIVE' } },
        } as any,
        undefined,
        undefined,
        'platform-team',
        true,
        PatchStrategy.ServerSideApply,
      );
      const attempt = run(actions.namespace, { name, mtls: 'STRICT' });
      await expect(attempt).rejects.toThrow(ConflictError);
      await expect(
        run(actions.namespace, { name, mtls: 'STRICT' }),
      ).rejects.toThrow(`Applied before it: Namespace/${name} (unchanged).`);
      const forced = await run(actions.namespace, {
        name,
        mtls: 'STRICT',
        force: true,
      });
      expect(forced.outputs.results[1].outcome).toBe('configured');
    });
  });

  describe('istio:gateway:create', () => {
    it('creates an HTTPS gateway whose certificate covers its hosts', async () => {
      const { outputs } = await run(actions.gateway, {
        name: 'shop',
        namespace: ingress,
        hosts: [`shop.${domain}`, `api.${domain}`],
      });
      expect(outputs.results[0]).toEqual({
        ref: `${ingress}/Gateway/shop`,
        outcome: 'created',
        dryRun: false,
      });
      expect(outputs.urls).toEqual([
        `https://shop.${domain}`,
        `https://api.${domain}`,
      ]);
      const gw = await client.get(istioResources.gateway, ingress, 'shop');
      expect(gw?.spec.servers[0].tls).toEqual({
        mode: 'SIMPLE',
        credentialName: 'istio-gateway-cert',
      });
      expect(gw?.spec.servers[1].tls).toEqual({ httpsRedirect: true });
    });

    it.each([
      [
        'a missing secret',
        { credentialName: 'no-such-cert' },
        'certificate secret INGRESS/no-such-cert does not exist (IST0101)',
      ],
      [
        'a certificate that does not cover the host',
        { hosts: ['shop.elsewhere.example'] },
        'does not cover shop.elsewhere.example: clients get a TLS name-mismatch error (IST0161)',
      ],
      [
        'an expired certificate',
        { credentialName: 'expired-cert' },
        `The certificate for new.${domain} expired on`,
      ],
      [
        'a host another gateway of the workload serves',
        { name: 'shop-copy', hosts: [`shop.${domain}`] },
        `host shop.${domain} on port 443 is already served by Gateway INGRESS/shop`,
      ],
    ])('refuses %s, creating nothing', async (_, extra, message) => {
      const name = (extra as any).name ?? 'refused';
      await expect(
        run(actions.gateway, {
          name,
          namespace: ingress,
          hosts: [`new.${domain}`],
          ...extra,
        }),
      ).rejects.toThrow(message.replace(/INGRESS/g, ingress));
      expect(
        await client.get(istioResources.gateway, ingress, name),
      ).toBeUndefined();
    });
  });

  describe('istio:virtualservice:create', () => {
    const route = (host = `shop.${domain}`) => ({
      name: 'checkout',
      namespace: app,
      hosts: [host],
      gateways: [`${ingress}/shop`],
      routes: [{ destinations: [{ host: 'checkout', port: 8080 }] }],
    });

    it('binds a host on the gateway to the service, idempotently', async () => {
      const first = await run(actions.virtualService, route());
      expect(first.outputs.results[0]).toMatchObject({
        ref: `${app}/VirtualService/checkout`,
        outcome: 'created',
      });
      expect(first.outputs.urls).toEqual([`https://shop.${domain}`]);
      const vs = await client.get(
        istioResources.virtualService,
        app,
        'checkout',
      );
      expect(vs?.spec.http[0].route[0].destination).toEqual({
        host: `checkout.${app}.svc.cluster.local`,
        port: { number: 8080 },
      });
      const second = await run(actions.virtualService, route());
      expect(second.outputs.results[0].outcome).toBe('unchanged');
    });

    it('refuses to let another namespace claim the host on the same gateway (IST0109)', async () => {
      const hijack = {
        ...route(),
        name: 'storefront',
        namespace: other,
        routes: [{ destinations: [{ host: 'storefront', port: 80 }] }],
      };
      await expect(run(actions.virtualService, hijack)).rejects.toThrow(
        `host shop.${domain} on Gateway ${ingress}/shop is already claimed by VirtualService ${app}/checkout in namespace '${app}' (IST0109)`,
      );
      expect(
        await client.get(istioResources.virtualService, other, 'storefront'),
      ).toBeUndefined();
    });

    it.each([
      [
        'a missing gateway',
        { name: 'nogw', gateways: ['GW/absent'] },
        'Gateway GW/absent does not exist (IST0101)',
      ],
      [
        'a host the gateway does not serve',
        { name: 'other-host', hosts: ['shop.unrelated.example'] },
        'host shop.unrelated.example is not served by Gateway GW/shop',
      ],
      [
        'a missing Service',
        {
          name: 'ghost',
          routes: [{ destinations: [{ host: 'ghost', port: 80 }] }],
        },
        'destination Service APP/ghost does not exist (IST0101)',
      ],
      [
        'a port the Service does not expose',
        {
          name: 'badport',
          routes: [{ destinations: [{ host: 'checkout', port: 9090 }] }],
        },
        'does not expose port 9090 (it exposes 8080) (IST0112)',
      ],
      [
        'an ambiguous port',
        { name: 'noport', routes: [{ destinations: [{ host: 'multi' }] }] },
        'exposes several ports (80, 8080); set the destination port',
      ],
      [
        'a subset no DestinationRule defines',
        {
          name: 'nosubset',
          routes: [
            { destinations: [{ host: 'multi', port: 80, subset: 'v9' }] },
          ],
        },
        "subset 'v9' of multi.APP.svc.cluster.local is not defined by any DestinationRule",
      ],
    ])('refuses %s, creating nothing', async (_, extra, message) => {
      const input = { ...route(`x.${domain}`), ...extra };
      input.gateways = input.gateways.map((g: string) =>
        g.replace('GW', ingress),
      );
      await expect(run(actions.virtualService, input)).rejects.toThrow(
        message.replace(/GW/g, ingress).replace(/APP/g, app),
      );
      expect(
        await client.get(istioResources.virtualService, app, input.name),
      ).toBeUndefined();
    });
  });

  describe('where a route may send traffic', () => {
    const toward = (name: string, host: string, port: number) => ({
      name,
      namespace: app,
      // served by the gateway and covered by its certificate: only the
      // destination decides
      hosts: [`api.${domain}`],
      gateways: [`${ingress}/shop`],
      routes: [{ destinations: [{ host, port }] }],
    });

    it.each([
      [
        'the Kubernetes API server',
        () => toward('kube-api', 'kubernetes.default.svc.cluster.local', 443),
        "destination kubernetes.default.svc.cluster.local is in namespace 'default'",
      ],
      [
        'the control plane in istio-system',
        () => toward('istiod', 'istiod.istio-system.svc.cluster.local', 15012),
        "destination istiod.istio-system.svc.cluster.local is in namespace 'istio-system'",
      ],
      [
        "another team's Service",
        () => toward('steal', `storefront.${other}.svc.cluster.local`, 80),
        "destination storefront.OTHER.svc.cluster.local is in namespace 'OTHER'",
      ],
      [
        'a host outside the cluster',
        () => toward('metadata', '169.254.169.254.nip.io', 80),
        'destination 169.254.169.254.nip.io is outside the cluster',
      ],
    ])(
      'refuses a public route to %s before writing anything, naming the setting',
      async (_, build, message) => {
        const input = build();
        const attempt = run(actions.virtualService, input);
        await expect(attempt).rejects.toThrow(message.replace(/OTHER/g, other));
        await expect(
          run(actions.virtualService, { ...input, mode: 'render' }),
        ).rejects.toThrow('istio.scaffolder.allowedDestinations');
        expect(
          await client.get(istioResources.virtualService, app, input.name),
        ).toBeUndefined();
      },
    );

    it('reaches another namespace only when allowedDestinations names it, and a control plane never through a pattern', async () => {
      const { CoreV1Api, AppsV1Api } = await import('@kubernetes/client-node');
      const { kubeConfig } = cluster();
      // a control plane in a namespace of its own, with its Service
      const controlPlane = await cluster().extraNamespace('cp', true);
      await kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace: controlPlane,
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
      await kubeConfig.makeApiClient(CoreV1Api).createNamespacedService({
        namespace: controlPlane,
        body: {
          metadata: { name: 'istiod' },
          spec: { selector: { app: 'istiod' }, ports: [{ port: 15012 }] },
        },
      });
      const { registry, config } = cluster();
      const open = createVirtualServiceAction({
        clusters: registry,
        policy: WritePolicy.fromConfig(
          new ConfigReader({
            ...config.get<object>(),
            istio: {
              scaffolder: {
                allowedNamespaces: [`${cluster().namespace}*`],
                allowedGateways: [`${ingress}/*`],
                // a pattern matching the other team and the control plane
                allowedDestinations: [`${cluster().namespace}-*`],
              },
            },
          }),
        ),
      });
      const shared = toward(
        'shared',
        `storefront.${other}.svc.cluster.local`,
        80,
      );
      const { outputs } = await run(open, shared);
      expect(outputs.results[0]).toMatchObject({ outcome: 'created' });
      await expect(
        run(
          open,
          toward('cp', `istiod.${controlPlane}.svc.cluster.local`, 15012),
        ),
      ).rejects.toThrow(
        `destination istiod.${controlPlane}.svc.cluster.local is in namespace '${controlPlane}'`,
      );
      expect(
        await client.get(istioResources.virtualService, app, 'cp'),
      ).toBeUndefined();
    });
  });

  describe('canary with istio:destinationrule:create', () => {
    it('refuses subsets of a Service that does not exist, but renders them for a pull request that may add it', async () => {
      const input = {
        name: 'ghost',
        namespace: app,
        host: 'ghost',
        subsets: [{ name: 'v1', labels: { version: 'v1' } }],
      };
      await expect(run(actions.destinationRule, input)).rejects.toThrow(
        `Service ${app}/ghost does not exist (IST0101)`,
      );
      expect(
        await client.get(istioResources.destinationRule, app, 'ghost'),
      ).toBeUndefined();
      const { outputs } = await run(actions.destinationRule, {
        ...input,
        mode: 'render',
      });
      expect(outputs.results[0]).toMatchObject({ outcome: 'rendered' });
    });

    it('defines subsets, then routes 90/10 between them', async () => {
      const dr = await run(actions.destinationRule, {
        name: 'checkout',
        namespace: app,
        host: 'checkout',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
        trafficPolicy: { tlsMode: 'ISTIO_MUTUAL' },
      });
      expect(dr.outputs.objects).toEqual([`${app}/DestinationRule/checkout`]);

      const canary = await run(actions.virtualService, {
        name: 'checkout',
        namespace: app,
        hosts: [`shop.${domain}`],
        gateways: [`${ingress}/shop`],
        routes: [
          {
            destinations: [
              { host: 'checkout', port: 8080, subset: 'v1', weight: 90 },
              { host: 'checkout', port: 8080, subset: 'v2', weight: 10 },
            ],
          },
        ],
      });
      expect(canary.outputs.results[0].outcome).toBe('configured');
      const vs = await client.get(
        istioResources.virtualService,
        app,
        'checkout',
      );
      expect(
        vs?.spec.http[0].route.map((r: any) => [
          r.destination.subset,
          r.weight,
        ]),
      ).toEqual([
        ['v1', 90],
        ['v2', 10],
      ]);
    });
  });

  describe('render mode', () => {
    it.each([
      [
        istioResources.gateway,
        () => actions.gateway,
        () => ({ name: 'pr-gw', namespace: ingress, hosts: [`pr.${domain}`] }),
      ],
      [
        istioResources.destinationRule,
        () => actions.destinationRule,
        () => ({
          name: 'pr-dr',
          namespace: app,
          host: 'checkout',
          subsets: [{ name: 'v1', labels: { version: 'v1' } }],
        }),
      ],
      [
        istioResources.authorizationPolicy,
        () => actions.authorizationPolicy,
        () => ({
          name: 'pr-ap',
          namespace: app,
          allow: [{ namespaces: [other] }],
        }),
      ],
    ])(
      'renders a $kind into the workspace and writes nothing to the cluster',
      async (type, action, input) => {
        const values = input();
        const { outputs, workspacePath } = await run(action(), {
          ...values,
          mode: 'render',
          renderPath: 'gitops',
        });
        const file = `gitops/${values.namespace}/${type.kind.toLowerCase()}-${
          values.name
        }.yaml`;
        expect(outputs.files).toEqual([file]);
        const rendered = yaml.parse(
          fs.readFileSync(path.join(workspacePath, file), 'utf8'),
        );
        expect(rendered).toMatchObject({
          kind: type.kind,
          metadata: { name: values.name, namespace: values.namespace },
        });
        expect(outputs.results[0]).toMatchObject({ outcome: 'rendered' });
        expect(
          await client.get(type, values.namespace, values.name),
        ).toBeUndefined();
      },
    );

    it('renders a VirtualService whose gateway only the same pull request adds, refusing it in apply mode', async () => {
      const input = {
        name: 'pr-vs',
        namespace: app,
        hosts: [`pr.${domain}`],
        gateways: [`${ingress}/pr-gw`],
        routes: [{ destinations: [{ host: 'checkout', port: 8080 }] }],
      };
      await expect(run(actions.virtualService, input)).rejects.toThrow(
        `Gateway ${ingress}/pr-gw does not exist (IST0101)`,
      );
      const { outputs } = await run(actions.virtualService, {
        ...input,
        mode: 'render',
      });
      expect(outputs.files).toEqual([
        `manifests/${app}/virtualservice-pr-vs.yaml`,
      ]);
      expect(outputs.manifests).toContain(`- ${ingress}/pr-gw`);
    });

    it('still refuses a hijack in render mode', async () => {
      await expect(
        run(actions.virtualService, {
          name: 'storefront',
          namespace: other,
          hosts: [`shop.${domain}`],
          gateways: [`${ingress}/shop`],
          routes: [{ destinations: [{ host: 'storefront', port: 80 }] }],
          mode: 'render',
        }),
      ).rejects.toThrow('(IST0109)');
    });
  });

  describe('istio:authorizationpolicy:create', () => {
    it('allows the named callers and denies the rest', async () => {
      const { outputs } = await run(actions.authorizationPolicy, {
        name: 'checkout-callers',
        namespace: app,
        selector: { app: 'checkout' },
        allow: [
          {
            serviceAccounts: [`${other}/storefront`],
            methods: ['GET', 'POST'],
          },
        ],
        defaultDeny: true,
      });
      expect(outputs.objects).toEqual([
        `${app}/AuthorizationPolicy/checkout-callers`,
        `${app}/AuthorizationPolicy/checkout-callers-default-deny`,
      ]);
      const policy = await client.get(
        istioResources.authorizationPolicy,
        app,
        'checkout-callers',
      );
      expect(policy?.spec.rules[0].from[0].source.principals).toEqual([
        `cluster.local/ns/${other}/sa/storefront`,
      ]);
    });
  });
});
