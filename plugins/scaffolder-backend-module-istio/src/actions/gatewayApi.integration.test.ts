import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  buildHttpRoute,
  buildK8sGateway,
  buildReferenceGrant,
  Manifest,
} from '@meshdeck/plugin-istio-common';
import {
  istioResources,
  MeshClusterClient,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { createHttpRouteAction } from './httpRouteCreate';
import { createK8sGatewayAction } from './k8sGatewayCreate';

/**
 * The Gateway API actions against the testbed (Gateway API v1.5.1 standard
 * CRDs, no Gateway controller: objects get no status).
 */
describeWithCluster('Gateway API actions against the test cluster', cluster => {
  let app: string; // the team's namespace
  let other: string; // another team's namespace
  let ingress: string; // the platform's ingress namespace
  let certs: string; // where the shared certificate lives
  let locked: string; // a namespace templates may not write into
  let client: MeshClusterClient;
  let actions: ReturnType<typeof createActions>;
  /**
   * Whether the API server stores an empty string in a CRD field. A
   * ReferenceGrant to a core kind needs `group: ""` (the field is required);
   * the testbed's kube-apiserver 1.20 reads "" there as null and refuses it,
   * so on it the grant cannot be created, by Meshdeck or by hand.
   */
  let emptyStringsStored: boolean;
  const domain = 'mdgw.example';

  function createActions(allowedDestinations: string[] = []) {
    const { registry, config } = cluster();
    const deps = {
      clusters: registry,
      policy: WritePolicy.fromConfig(
        new ConfigReader({
          ...config.get<object>(),
          istio: {
            scaffolder: {
              // certs: a team namespace holding the team's own certificate
              allowedNamespaces: [app, other, `${app}-team*`, certs],
              allowedGateways: [`${ingress}/*`],
              gatewayNamespaces: [ingress],
              allowedDestinations,
            },
          },
        }),
      ),
    };
    return {
      gateway: createK8sGatewayAction(deps),
      route: createHttpRouteAction(deps),
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
    return { outputs, workspacePath, logger: ctx.logger };
  }

  /** A platform-owned Gateway (no Meshdeck labels) with one HTTPS listener. */
  function platformGateway(
    name: string,
    listener: {
      hostname?: string;
      allowedRoutes: any;
      certificate?: string;
    },
  ): Manifest {
    const m = buildK8sGateway({
      name,
      namespace: ingress,
      listeners: [
        {
          name: 'https',
          hostname: listener.hostname,
          port: 443,
          protocol: 'HTTPS',
          certificateRefs: [{ name: listener.certificate ?? 'wildcard-cert' }],
          allowedRoutes: listener.allowedRoutes,
        },
      ],
    });
    return { ...m, metadata: { ...m.metadata, labels: { team: 'platform' } } };
  }

  const route = (extra: Record<string, unknown> = {}) => ({
    name: 'checkout',
    namespace: app,
    hostnames: [`shop.${domain}`],
    parentRefs: [{ name: 'public', namespace: ingress, sectionName: 'https' }],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ name: 'checkout', port: 8080 }],
        timeouts: { request: '10s' },
      },
    ],
    ...extra,
  });

  beforeAll(async () => {
    const { kubeConfig, namespace, registry, clusterName } = cluster();
    app = namespace;
    other = await cluster().extraNamespace('other', true);
    ingress = await cluster().extraNamespace('ingress', true);
    certs = await cluster().extraNamespace('certs', true);
    locked = await cluster().extraNamespace('locked', true);
    client = await MeshClusterClient.create(
      await registry.kubeConfig(clusterName),
    );
    actions = createActions();

    const { CoreV1Api, KubernetesObjectApi } = await import(
      '@kubernetes/client-node'
    );
    emptyStringsStored = await KubernetesObjectApi.makeApiClient(kubeConfig)
      .create(
        buildReferenceGrant({
          name: 'probe',
          namespace: certs,
          from: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              namespace: ingress,
            },
          ],
          to: [{ group: '', kind: 'Secret' }],
        }) as any,
        undefined,
        'All',
      )
      .then(
        () => true,
        () => false,
      );
    if (!emptyStringsStored) {
      // eslint-disable-next-line no-console
      console.warn(
        'The test cluster refuses `group: ""` in CRDs (kube-apiserver 1.20 on the testbed): ReferenceGrants to core kinds are checked up to the API server\'s refusal only',
      );
    }
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const wildcard = await createTestCertificate({
      sans: [`*.${domain}`, domain],
    });
    for (const [ns, name] of [
      [ingress, 'wildcard-cert'],
      [certs, 'shared-cert'],
      [locked, 'locked-cert'],
    ]) {
      await core.createNamespacedSecret({
        namespace: ns,
        body: tlsSecretManifest(ns, name, wildcard),
      });
    }
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
    await createObjects(
      kubeConfig,
      platformGateway('public', {
        hostname: `*.${domain}`,
        allowedRoutes: { from: 'All' },
      }),
      platformGateway('private', {
        hostname: `*.${domain}`,
        allowedRoutes: { from: 'Same' },
      }),
      platformGateway('selected', {
        hostname: `*.${domain}`,
        allowedRoutes: {
          from: 'Selector',
          selector: { 'meshdeck.io/ingress': 'selected' },
        },
      }),
    );
  });

  describe('istio:gatewayapi:gateway:create', () => {
    const gateway = (extra: Record<string, unknown> = {}) => ({
      name: 'team-gw',
      namespace: ingress,
      kubernetesId: 'checkout',
      listeners: [
        {
          name: 'https',
          hostname: `team.${domain}`,
          certificateRefs: [{ name: 'wildcard-cert' }],
          allowedRoutes: { from: 'All' },
        },
      ],
      ...extra,
    });

    it('creates a Gateway of class istio with an HTTPS listener, then changes nothing on a second run', async () => {
      const dry = await run(actions.gateway, gateway(), { isDryRun: true });
      expect(dry.outputs.results).toEqual([
        { ref: `${ingress}/Gateway/team-gw`, outcome: 'created', dryRun: true },
      ]);
      expect(
        await client.get(istioResources.k8sGateway, ingress, 'team-gw'),
      ).toBeUndefined();

      const first = await run(actions.gateway, gateway());
      expect(first.outputs.results).toEqual([
        {
          ref: `${ingress}/Gateway/team-gw`,
          outcome: 'created',
          dryRun: false,
        },
      ]);
      expect(first.outputs.urls).toEqual([`https://team.${domain}`]);
      const gw = await client.get(
        istioResources.k8sGateway,
        ingress,
        'team-gw',
      );
      expect(gw?.apiVersion).toBe('gateway.networking.k8s.io/v1');
      expect(gw?.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'meshdeck',
        'backstage.io/kubernetes-id': 'checkout',
      });
      expect(gw?.spec.gatewayClassName).toBe('istio');
      expect(gw?.spec.listeners[0]).toMatchObject({
        name: 'https',
        hostname: `team.${domain}`,
        port: 443,
        protocol: 'HTTPS',
        tls: {
          mode: 'Terminate',
          certificateRefs: [{ kind: 'Secret', name: 'wildcard-cert' }],
        },
        allowedRoutes: { namespaces: { from: 'All' } },
      });

      const second = await run(actions.gateway, gateway());
      expect(second.outputs.results[0].outcome).toBe('unchanged');
    });

    it('creates the ReferenceGrant a certificate in another namespace needs, before the Gateway', async () => {
      const input = gateway({
        name: 'shared-gw',
        listeners: [
          {
            name: 'https',
            hostname: `shared.${domain}`,
            certificateRefs: [{ name: 'shared-cert', namespace: certs }],
          },
        ],
      });
      const grantName = `gateway-${ingress}-to-secret-shared-cert`;
      // where the API server cannot store the grant's `group: ""`, it
      // refuses the grant, which is applied first, and the Gateway after it
      // is not applied
      const refused = expect.stringContaining(
        `${certs}/ReferenceGrant/${grantName} failed: ReferenceGrant.gateway.networking.k8s.io "${grantName}" is invalid: spec.to.group`,
      );
      const notApplied = expect.stringContaining('Nothing was applied.');
      const outcome = (r: Promise<{ outputs: Record<string, any> }>) =>
        r.then(
          ({ outputs }) => outputs.results.map((x: any) => [x.ref, x.outcome]),
          (e: Error) => e.message,
        );
      expect(await outcome(run(actions.gateway, input))).toEqual(
        emptyStringsStored
          ? [
              [`${certs}/ReferenceGrant/${grantName}`, 'created'],
              [`${ingress}/Gateway/shared-gw`, 'created'],
            ]
          : refused,
      );
      const grant = await client.get(
        istioResources.referenceGrant,
        certs,
        grantName,
      );
      expect(grant?.spec).toEqual(
        emptyStringsStored
          ? {
              from: [
                {
                  group: 'gateway.networking.k8s.io',
                  kind: 'Gateway',
                  namespace: ingress,
                },
              ],
              to: [{ group: '', kind: 'Secret', name: 'shared-cert' }],
            }
          : undefined,
      );
      const gw = await client.get(
        istioResources.k8sGateway,
        ingress,
        'shared-gw',
      );
      expect(gw?.spec.listeners[0].tls.certificateRefs).toEqual(
        emptyStringsStored
          ? [{ kind: 'Secret', name: 'shared-cert', namespace: certs }]
          : undefined,
      );
      expect(await outcome(run(actions.gateway, input))).toEqual(
        emptyStringsStored
          ? [
              [`${certs}/ReferenceGrant/${grantName}`, 'unchanged'],
              [`${ingress}/Gateway/shared-gw`, 'unchanged'],
            ]
          : notApplied,
      );
    });

    it('renders the Gateway and its ReferenceGrant as files without touching the cluster', async () => {
      const { outputs, workspacePath } = await run(actions.gateway, {
        ...gateway({
          name: 'pr-gw',
          listeners: [
            {
              name: 'https',
              hostname: `pr.${domain}`,
              certificateRefs: [{ name: 'shared-cert', namespace: certs }],
            },
          ],
        }),
        mode: 'render',
        renderPath: 'gitops',
      });
      expect(outputs.files).toEqual([
        `gitops/${certs}/referencegrant-gateway-${ingress}-to-secret-shared-cert.yaml`,
        `gitops/${ingress}/gateway-pr-gw.yaml`,
      ]);
      const [grant, rendered] = outputs.files.map((f: string) =>
        yaml.parse(fs.readFileSync(path.join(workspacePath, f), 'utf8')),
      );
      expect(grant).toMatchObject({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'ReferenceGrant',
        metadata: { namespace: certs },
        spec: {
          from: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              namespace: ingress,
            },
          ],
          to: [{ group: '', kind: 'Secret', name: 'shared-cert' }],
        },
      });
      expect(rendered).toMatchObject({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            {
              tls: {
                certificateRefs: [
                  { kind: 'Secret', name: 'shared-cert', namespace: certs },
                ],
              },
            },
          ],
        },
      });
      expect(
        await client.get(istioResources.k8sGateway, ingress, 'pr-gw'),
      ).toBeUndefined();
    });

    it.each([
      [
        'a certificate that does not cover the listener hostname',
        { hostname: 'shop.elsewhere.example' },
        'does not cover shop.elsewhere.example: clients get a TLS name-mismatch error (IST0161)',
      ],
      [
        'a missing certificate Secret',
        { certificateRefs: [{ name: 'no-such-cert' }] },
        'the certificate Secret INGRESS/no-such-cert of listener',
      ],
      [
        'a certificate in a namespace templates may not write a ReferenceGrant into',
        { certificateRefs: [{ name: 'locked-cert', namespace: 'LOCKED' }] },
        "needs a ReferenceGrant in namespace 'LOCKED', which is not a team namespace of istio.scaffolder.allowedNamespaces; templates never grant Secrets of other namespaces",
      ],
    ])('refuses %s, creating nothing', async (_, listener, message) => {
      const fill = (s: string) =>
        s.replace(/INGRESS/g, ingress).replace(/LOCKED/g, locked);
      const l = JSON.parse(
        fill(
          JSON.stringify({
            name: 'https',
            hostname: `refused.${domain}`,
            certificateRefs: [{ name: 'wildcard-cert' }],
            ...listener,
          }),
        ),
      );
      await expect(
        run(actions.gateway, gateway({ name: 'refused', listeners: [l] })),
      ).rejects.toThrow(fill(message));
      expect(
        await client.get(istioResources.k8sGateway, ingress, 'refused'),
      ).toBeUndefined();
    });

    it("refuses to overwrite the platform team's Gateway", async () => {
      await expect(
        run(actions.gateway, gateway({ name: 'public' })),
      ).rejects.toThrow(
        `Gateway ${ingress}/public (gateway.networking.k8s.io) already exists and belongs to someone else (not created by Meshdeck)`,
      );
    });

    it('refuses a Gateway in a namespace that is not a gateway namespace', async () => {
      await expect(
        run(actions.gateway, gateway({ namespace: locked })),
      ).rejects.toThrow(InputError);
    });
  });

  describe('istio:gatewayapi:httproute:create', () => {
    it('attaches a route to the listener, idempotently', async () => {
      const first = await run(actions.route, route());
      expect(first.outputs.results).toEqual([
        {
          ref: `${app}/HTTPRoute/checkout`,
          outcome: 'created',
          dryRun: false,
        },
      ]);
      expect(first.outputs.urls).toEqual([`https://shop.${domain}`]);
      const stored = await client.get(
        istioResources.httpRoute,
        app,
        'checkout',
      );
      expect(stored?.apiVersion).toBe('gateway.networking.k8s.io/v1');
      expect(stored?.spec).toMatchObject({
        hostnames: [`shop.${domain}`],
        parentRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            namespace: ingress,
            name: 'public',
            sectionName: 'https',
          },
        ],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [
              {
                kind: 'Service',
                name: 'checkout',
                namespace: app,
                port: 8080,
              },
            ],
            timeouts: { request: '10s' },
          },
        ],
      });
      const second = await run(actions.route, route());
      expect(second.outputs.results[0].outcome).toBe('unchanged');
    });

    it('writes nothing in a dry run', async () => {
      const { outputs } = await run(
        actions.route,
        route({ name: 'dry', hostnames: [`dry.${domain}`] }),
        { isDryRun: true },
      );
      expect(outputs.results).toEqual([
        { ref: `${app}/HTTPRoute/dry`, outcome: 'created', dryRun: true },
      ]);
      expect(
        await client.get(istioResources.httpRoute, app, 'dry'),
      ).toBeUndefined();
    });

    it('renders the route into the workspace and writes nothing to the cluster', async () => {
      const { outputs, workspacePath } = await run(actions.route, {
        ...route({ name: 'pr-route', hostnames: [`pr.${domain}`] }),
        mode: 'render',
      });
      expect(outputs.files).toEqual([
        `manifests/${app}/httproute-pr-route.yaml`,
      ]);
      const rendered = yaml.parse(
        fs.readFileSync(path.join(workspacePath, outputs.files[0]), 'utf8'),
      );
      expect(rendered).toMatchObject({
        kind: 'HTTPRoute',
        metadata: { name: 'pr-route', namespace: app },
        spec: { hostnames: [`pr.${domain}`] },
      });
      expect(
        await client.get(istioResources.httpRoute, app, 'pr-route'),
      ).toBeUndefined();
    });

    it("refuses a hostname another team's older HTTPRoute has on the same listener, in apply and render mode", async () => {
      const newcomer = route({
        name: 'storefront',
        namespace: other,
        rules: [{ backendRefs: [{ name: 'storefront', port: 80 }] }],
      });
      const message = `hostname shop.${domain} on listener 'https' of Gateway ${ingress}/public is already attached by HTTPRoute ${app}/checkout of namespace '${app}'; the Gateway API gives it to ${app}/checkout (the older route wins), so requests both routes match would not reach this one; Meshdeck does not let two namespaces share a hostname on a listener`;
      await expect(run(actions.route, newcomer)).rejects.toThrow(message);
      await expect(
        run(actions.route, { ...newcomer, mode: 'render' }),
      ).rejects.toThrow(message);
      // a wildcard over it loses it too: the more specific hostname wins
      await expect(
        run(actions.route, { ...newcomer, hostnames: [`*.${domain}`] }),
      ).rejects.toThrow(
        `is already attached by HTTPRoute ${app}/checkout of namespace '${app}'; the Gateway API gives it to ${app}/checkout (the more specific hostname wins)`,
      );
      expect(
        await client.get(istioResources.httpRoute, other, 'storefront'),
      ).toBeUndefined();
      // a more specific hostname would take the requests of another team's
      // older wildcard route: refused too
      await createObjects(cluster().kubeConfig, {
        ...buildHttpRoute({
          name: 'api-catchall',
          namespace: other,
          hostnames: [`*.api.${domain}`],
          parentRefs: [{ name: 'public', namespace: ingress }],
          rules: [{ backendRefs: [{ name: 'storefront', port: 80 }] }],
        }),
      } as any);
      await expect(
        run(
          actions.route,
          route({ name: 'orders', hostnames: [`orders.api.${domain}`] }),
        ),
      ).rejects.toThrow(
        `hostname orders.api.${domain} on listener 'https' of Gateway ${ingress}/public is attached by HTTPRoute ${other}/api-catchall of namespace '${other}'; requests both routes match would go to this one instead of it (the more specific hostname wins)`,
      );
      // the same team may split paths over several routes
      const { outputs } = await run(
        actions.route,
        route({
          name: 'checkout-api',
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
              backendRefs: [{ name: 'multi', port: 8080 }],
            },
          ],
        }),
      );
      expect(outputs.results[0].outcome).toBe('created');
    });

    it('refuses a listener that takes routes only from its own namespace (allowedRoutes Same)', async () => {
      await expect(
        run(
          actions.route,
          route({
            name: 'private',
            parentRefs: [{ name: 'private', namespace: ingress }],
          }),
        ),
      ).rejects.toThrow(
        `Gateway ${ingress}/private does not take HTTPRoutes from namespace '${app}' (listener 'https': it takes routes only from its own namespace '${ingress}' (allowedRoutes.namespaces.from: Same))`,
      );
      expect(
        await client.get(istioResources.httpRoute, app, 'private'),
      ).toBeUndefined();
    });

    it('attaches to a Selector listener only from a namespace with the label', async () => {
      const input = route({
        name: 'selected',
        hostnames: [`selected.${domain}`],
        parentRefs: [{ name: 'selected', namespace: ingress }],
      });
      await expect(run(actions.route, input)).rejects.toThrow(
        `it takes routes only from namespaces labelled meshdeck.io/ingress=selected (allowedRoutes.namespaces.from: Selector), and '${app}' is not`,
      );
      const team = await cluster().extraNamespace('team');
      const { CoreV1Api } = await import('@kubernetes/client-node');
      await cluster()
        .kubeConfig.makeApiClient(CoreV1Api)
        .createNamespace({
          body: {
            metadata: {
              name: team,
              labels: { 'meshdeck.io/ingress': 'selected' },
            },
          },
        });
      await cluster()
        .kubeConfig.makeApiClient(CoreV1Api)
        .createNamespacedService({
          namespace: team,
          body: {
            metadata: { name: 'checkout' },
            spec: { selector: { app: 'checkout' }, ports: [{ port: 8080 }] },
          },
        });
      const { outputs } = await run(actions.route, {
        ...input,
        namespace: team,
      });
      expect(outputs.results[0]).toMatchObject({
        ref: `${team}/HTTPRoute/selected`,
        outcome: 'created',
      });
    });

    it('refuses a backend in another namespace without a ReferenceGrant, naming the grant to add, and accepts it once granted', async () => {
      const open = createActions([other]);
      const input = route({
        name: 'cross',
        hostnames: [`cross.${domain}`],
        rules: [
          { backendRefs: [{ name: 'storefront', namespace: other, port: 80 }] },
        ],
      });
      const attempt = run(open.route, input);
      await expect(attempt).rejects.toThrow(
        `backendRef Service ${other}/storefront is in another namespace, and no ReferenceGrant in '${other}' lets HTTPRoutes of '${app}' reference it`,
      );
      await expect(run(open.route, input)).rejects.toThrow(
        `kind: ReferenceGrant\nmetadata:\n  name: httproute-${app}-to-service-storefront\n  namespace: ${other}`,
      );
      expect(
        await client.get(istioResources.httpRoute, app, 'cross'),
      ).toBeUndefined();
      if (!emptyStringsStored) {
        return; // the grant (`to.group: ""`) cannot be stored here
      }
      await createObjects(
        cluster().kubeConfig,
        buildReferenceGrant({
          name: 'checkout-routes',
          namespace: other,
          from: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'HTTPRoute',
              namespace: app,
            },
          ],
          to: [{ group: '', kind: 'Service' }],
        }) as any,
      );
      const { outputs } = await run(open.route, input);
      expect(outputs.results[0].outcome).toBe('created');
    });

    it.each([
      [
        'the Kubernetes API server',
        () => ({ name: 'kubernetes', namespace: 'default', port: 443 }),
        () =>
          `destination kubernetes.default.svc.cluster.local is in namespace 'default'; routes written by templates in '${app}' may reach only their own namespace and the namespaces named in istio.scaffolder.allowedDestinations`,
      ],
      [
        "another team's Service",
        () => ({ name: 'storefront', namespace: other, port: 80 }),
        () =>
          `destination storefront.${other}.svc.cluster.local is in namespace '${other}'`,
      ],
    ])('refuses a disallowed destination: %s', async (_, backend, message) => {
      const input = route({
        name: 'reach',
        hostnames: [`reach.${domain}`],
        rules: [{ backendRefs: [backend()] }],
      });
      await expect(run(actions.route, input)).rejects.toThrow(message());
      await expect(
        run(actions.route, { ...input, mode: 'render' }),
      ).rejects.toThrow('istio.scaffolder.allowedDestinations');
      expect(
        await client.get(istioResources.httpRoute, app, 'reach'),
      ).toBeUndefined();
    });

    it.each([
      [
        'a hostname two labels below the listener wildcard, which the wildcard certificate does not cover',
        { hostnames: [`a.b.${domain}`] },
        `does not cover a.b.${domain}: clients get a TLS name-mismatch error (IST0161)`,
      ],
      [
        'a hostname no listener serves',
        { hostnames: ['shop.unrelated.example'] },
        `none of the hostnames shop.unrelated.example intersects a listener of Gateway INGRESS/public`,
      ],
      [
        'a listener the Gateway does not have',
        {
          parentRefs: [
            { name: 'public', namespace: 'INGRESS', sectionName: 'http' },
          ],
        },
        `Gateway INGRESS/public has no listener named 'http'`,
      ],
      [
        'a missing Gateway',
        { parentRefs: [{ name: 'absent', namespace: 'INGRESS' }] },
        'Gateway INGRESS/absent does not exist (IST0101)',
      ],
      [
        'a missing Service',
        { rules: [{ backendRefs: [{ name: 'ghost', port: 80 }] }] },
        'backend Service APP/ghost does not exist (IST0101)',
      ],
      [
        'a port the Service does not expose',
        { rules: [{ backendRefs: [{ name: 'checkout', port: 9090 }] }] },
        'Service APP/checkout does not expose port 9090 (it exposes 8080) (IST0112)',
      ],
      [
        'a Gateway outside allowedGateways',
        { parentRefs: [{ name: 'gw', namespace: 'kube-system' }] },
        "gateway 'kube-system/gw' is not in istio.scaffolder.allowedGateways",
      ],
    ])('refuses %s, creating nothing', async (_, extra, message) => {
      const fill = (s: string) =>
        s.replace(/INGRESS/g, ingress).replace(/APP/g, app);
      const input = JSON.parse(
        fill(
          JSON.stringify(
            route({
              name: 'refused',
              hostnames: [`refused.${domain}`],
              ...extra,
            }),
          ),
        ),
      );
      await expect(run(actions.route, input)).rejects.toThrow(fill(message));
      expect(
        await client.get(istioResources.httpRoute, app, 'refused'),
      ).toBeUndefined();
    });

    it('renders a route whose Gateway only the same pull request adds, refusing it in apply mode', async () => {
      const input = route({
        name: 'pr-gw-route',
        hostnames: [`later.${domain}`],
        parentRefs: [{ name: 'later', namespace: ingress }],
      });
      await expect(run(actions.route, input)).rejects.toThrow(
        `Gateway ${ingress}/later does not exist (IST0101)`,
      );
      const { outputs } = await run(actions.route, {
        ...input,
        mode: 'render',
      });
      expect(outputs.results[0]).toMatchObject({ outcome: 'rendered' });
    });
  });
});
