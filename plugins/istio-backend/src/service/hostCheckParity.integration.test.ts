import { mockServices } from '@backstage/backend-test-utils';
import {
  buildGateway,
  buildHttpRoute,
  buildK8sGateway,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import { istioResources, WritePolicy } from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import {
  createHttpRouteAction,
  createVirtualServiceAction,
} from '@meshdeck/plugin-scaffolder-backend-module-istio';
import os from 'node:os';
import { TemplateFieldService } from './TemplateFieldService';

/** Runs an action's handler as the scaffolder would, apply mode. */
async function runAction(
  action: { handler: (ctx: any) => Promise<void> },
  input: Record<string, unknown>,
) {
  const outputs: Record<string, unknown> = {};
  const result = await action
    .handler({
      input,
      logger: mockServices.logger.mock(),
      output: (key: string, value: unknown) => {
        outputs[key] = value;
      },
      checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
      workspacePath: os.tmpdir(),
      isDryRun: false,
    } as any)
    .then(
      () => ({ wrote: true, message: '' }),
      (e: Error) => ({ wrote: false, message: e.message }),
    );
  return { ...result, objects: (outputs.objects ?? []) as string[] };
}

/**
 * The scaffolder's host field and the route actions answer "can this route
 * put this host on this gateway?" with the same rules. This test runs both
 * over one table of cases per route API on the same cluster — the host field
 * and `istio:virtualservice:create` on an Istio Gateway, the host field with
 * `api: 'gateway-api'` and `istio:gatewayapi:httproute:create` on a Gateway
 * API Gateway: the field says ok exactly when the action writes, and every
 * problem the field names is in the action's refusal.
 */
describeWithCluster('host check and route action agree', cluster => {
  const domain = 'parity.example';

  it.each([
    ['served and covered', 'new.DOMAIN', 'web', true],
    ['not served by the gateway', 'x.unserved.example', 'web', false],
    [
      'served but not covered by the certificate',
      'api.elsewhere.example',
      'web',
      false,
    ],
    [
      'served by Istio matching but not covered by a one-label wildcard',
      'a.b.DOMAIN',
      'web',
      false,
    ],
    ['claimed by a route in another namespace', 'taken.DOMAIN', 'web', false],
    [
      'claimed by another route in the own namespace',
      'sibling.DOMAIN',
      'web',
      false,
    ],
    ['claimed by the route itself (a re-run)', 'mine.DOMAIN', 'mine', true],
    ['a wildcard overlapping claimed hosts', '*.DOMAIN', 'web', false],
  ])('%s', async (_, hostPattern, routeName, expected) => {
    const { registry, clusterName } = cluster();
    const { ingress, team } = await setUp();
    const host = hostPattern.replace('DOMAIN', domain);
    const gateway = `${ingress}/public`;

    const fields = new TemplateFieldService(
      registry,
      new WritePolicy([team], [`${ingress}/*`]),
    );
    const check = await fields.checkHost({
      cluster: clusterName,
      gateway,
      host,
      namespace: team,
      name: routeName,
    });

    const action = createVirtualServiceAction({
      clusters: registry,
      policy: new WritePolicy([team], [`${ingress}/*`]),
    });
    const outputs: Record<string, unknown> = {};
    const attempt = action.handler({
      input: {
        cluster: clusterName,
        name: routeName,
        namespace: team,
        hosts: [host],
        gateways: [gateway],
        routes: [{ destinations: [{ host: 'web', port: 8080 }] }],
      },
      logger: mockServices.logger.mock(),
      output: (key: string, value: unknown) => {
        outputs[key] = value;
      },
      checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
      workspacePath: os.tmpdir(),
      isDryRun: false,
    } as any);

    expect(check.ok).toBe(expected);
    const result = await attempt.then(
      () => ({ wrote: true, message: '' }),
      (e: Error) => ({ wrote: false, message: e.message }),
    );
    // the action writes exactly when the field says ok …
    expect(result.wrote).toBe(check.ok);
    expect(outputs.objects ?? []).toEqual(
      check.ok ? [`${team}/VirtualService/${routeName}`] : [],
    );
    // … and refuses with every problem the field named
    expect(result.message).toMatch(check.ok ? /^$/ : /^Nothing was written/);
    expect(
      check.problems.filter(problem => !result.message.includes(problem)),
    ).toEqual([]);
  });

  let prepared: Promise<{ ingress: string; team: string }> | undefined;
  function setUp() {
    prepared ??= (async () => {
      const { kubeConfig } = cluster();
      const ingress = await cluster().extraNamespace('ingress', true);
      const team = await cluster().extraNamespace('team', true);
      const other = await cluster().extraNamespace('other', true);
      const route = (name: string, namespace: string, host: string) =>
        buildVirtualService(
          {
            name,
            namespace,
            hosts: [host],
            gateways: [`${ingress}/public`],
            routes: [{ destinations: [{ host: 'web', port: 8080 }] }],
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ) as any;
      await createObjects(
        kubeConfig,
        tlsSecretManifest(
          ingress,
          'gw-cert',
          await createTestCertificate({ sans: [`*.${domain}`] }),
        ),
        buildGateway(
          {
            name: 'public',
            namespace: ingress,
            selector: { istio: 'ingressgateway' },
            hosts: [`*.${domain}`, '*.elsewhere.example'],
            tls: { mode: 'credential', credentialName: 'gw-cert' },
            httpsRedirect: false,
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ) as any,
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: team },
          spec: { selector: { app: 'web' }, ports: [{ port: 8080 }] },
        } as any,
        route('taken', other, `taken.${domain}`),
        route('sibling', team, `sibling.${domain}`),
        route('mine', team, `mine.${domain}`),
      );
      return { ingress, team };
    })();
    return prepared;
  }

  afterEach(async () => {
    // the one case the action writes is removed again, so cases stay apart
    const { registry, clusterName } = cluster();
    const { team } = await setUp();
    const client = await registry.client(clusterName);
    if (await client.get(istioResources.virtualService, team, 'web')) {
      const { KubernetesObjectApi } = await import('@kubernetes/client-node');
      await KubernetesObjectApi.makeApiClient(cluster().kubeConfig).delete({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'web', namespace: team },
      });
    }
  });
  describe('with the Gateway API', () => {
    const gwDomain = 'gwparity.example';

    it.each([
      ['served and covered', 'public', 'new.DOMAIN', 'web', true],
      [
        'no listener has the hostname',
        'public',
        'x.unserved.example',
        'web',
        false,
      ],
      [
        'a listener has the hostname, but its certificate does not cover it',
        'public',
        'api.elsewhere.example',
        'web',
        false,
      ],
      [
        "the listener's wildcard matches two labels, the certificate's one",
        'public',
        'a.b.DOMAIN',
        'web',
        false,
      ],
      [
        'the listener takes routes of its own namespace only (allowedRoutes Same)',
        'same-only',
        'new.DOMAIN',
        'web',
        false,
      ],
      ['the Gateway does not exist', 'nope', 'new.DOMAIN', 'web', false],
      [
        'attached by a route of another namespace',
        'public',
        'taken.DOMAIN',
        'web',
        false,
      ],
      [
        'attached by another route of the own namespace (paths split)',
        'public',
        'sibling.DOMAIN',
        'web',
        true,
      ],
      [
        'attached by the route itself (a re-run)',
        'public',
        'mine.DOMAIN',
        'mine',
        true,
      ],
      [
        "a wildcard overlapping another namespace's hostname",
        'public',
        '*.DOMAIN',
        'web',
        false,
      ],
    ])('%s', async (_, gatewayName, hostPattern, routeName, expected) => {
      const { registry, clusterName } = cluster();
      const { ingress, team } = await setUpGatewayApi();
      const host = hostPattern.replace('DOMAIN', gwDomain);
      const gateway = `${ingress}/${gatewayName}`;
      const policy = new WritePolicy([team], [`${ingress}/*`]);

      const check = await new TemplateFieldService(registry, policy).checkHost({
        cluster: clusterName,
        gateway,
        host,
        namespace: team,
        name: routeName,
        api: 'gateway-api',
      });
      const result = await runAction(
        createHttpRouteAction({ clusters: registry, policy }),
        {
          cluster: clusterName,
          name: routeName,
          namespace: team,
          hostnames: [host],
          parentRefs: [{ name: gatewayName, namespace: ingress }],
          rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }],
        },
      );

      expect({ ok: check.ok, problems: check.problems }).toMatchObject({
        ok: expected,
      });
      // the action writes exactly when the field says ok …
      expect({ wrote: result.wrote, message: result.message }).toEqual({
        wrote: check.ok,
        message: expect.stringMatching(
          check.ok ? /^$/ : /^Nothing was written/,
        ),
      });
      expect(result.objects).toEqual(
        check.ok ? [`${team}/HTTPRoute/${routeName}`] : [],
      );
      // … and refuses with every problem the field named
      expect(result.message).toMatch(check.ok ? /^$/ : /^Nothing was written/);
      expect(
        check.problems.filter(problem => !result.message.includes(problem)),
      ).toEqual([]);
    });

    let gwPrepared: Promise<{ ingress: string; team: string }> | undefined;
    function setUpGatewayApi() {
      gwPrepared ??= (async () => {
        const { kubeConfig } = cluster();
        const ingress = await cluster().extraNamespace('gw-ingress', true);
        const team = await cluster().extraNamespace('gw-team', true);
        const other = await cluster().extraNamespace('gw-other', true);
        const listener = (name: string, hostname: string, from: string) => ({
          name,
          hostname,
          port: 443,
          protocol: 'HTTPS' as const,
          certificateRefs: [{ name: 'gw-cert' }],
          allowedRoutes: { from } as any,
        });
        const route = (name: string, namespace: string, hostname: string) =>
          buildHttpRoute({
            name,
            namespace,
            hostnames: [hostname],
            parentRefs: [{ name: 'public', namespace: ingress }],
            rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }],
          }) as any;
        const web = (namespace: string) =>
          ({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'web', namespace },
            spec: { selector: { app: 'web' }, ports: [{ port: 8080 }] },
          } as any);
        await createObjects(
          kubeConfig,
          tlsSecretManifest(
            ingress,
            'gw-cert',
            await createTestCertificate({ sans: [`*.${gwDomain}`] }),
          ),
          buildK8sGateway({
            name: 'public',
            namespace: ingress,
            listeners: [
              listener('https', `*.${gwDomain}`, 'All'),
              listener('elsewhere', '*.elsewhere.example', 'All'),
            ],
          }) as any,
          buildK8sGateway({
            name: 'same-only',
            namespace: ingress,
            listeners: [listener('https', `*.${gwDomain}`, 'Same')],
          }) as any,
          web(team),
          web(other),
          route('taken', other, `taken.${gwDomain}`),
          route('sibling', team, `sibling.${gwDomain}`),
        );
        // the route a re-run applies again: written by the action itself
        // (server-side apply as meshdeck; a route written by someone else
        // is a field-manager conflict, not a re-run)
        const { registry, clusterName } = cluster();
        const mine = await runAction(
          createHttpRouteAction({
            clusters: registry,
            policy: new WritePolicy([team], [`${ingress}/*`]),
          }),
          {
            cluster: clusterName,
            name: 'mine',
            namespace: team,
            hostnames: [`mine.${gwDomain}`],
            parentRefs: [{ name: 'public', namespace: ingress }],
            rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }],
          },
        );
        expect(mine).toMatchObject({ wrote: true });
        return { ingress, team };
      })();
      return gwPrepared;
    }

    afterEach(async () => {
      // the route the cases write under the name `web` is removed again
      const { registry, clusterName } = cluster();
      const { team } = await setUpGatewayApi();
      const client = await registry.client(clusterName);
      if (await client.get(istioResources.httpRoute, team, 'web')) {
        const { KubernetesObjectApi } = await import('@kubernetes/client-node');
        await KubernetesObjectApi.makeApiClient(cluster().kubeConfig).delete({
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'web', namespace: team },
        });
      }
    });
  });
});
