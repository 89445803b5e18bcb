import { mockServices } from '@backstage/backend-test-utils';
import {
  buildGateway,
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
import { createVirtualServiceAction } from '@meshdeck/plugin-scaffolder-backend-module-istio';
import os from 'node:os';
import { TemplateFieldService } from './TemplateFieldService';

/**
 * The scaffolder's host field and the VirtualService action answer "can this
 * route put this host on this gateway?" with the same rules. This test runs
 * both over one table of cases on the same cluster: the field says ok
 * exactly when the action writes, and every problem the field names is in
 * the action's refusal.
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
});
