import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { istioResources, MeshClusterClient } from '@meshdeck/plugin-istio-node';
import request from 'supertest';
import {
  startScaffolder,
  taskLog,
  waitForTask,
} from './__testUtils__/scaffolderServer';

/**
 * The actions through the real scaffolder: a template with the onboarding
 * steps runs as a scaffolder task against the test cluster.
 */
describeWithCluster('istio actions in the scaffolder', cluster => {
  const domain = 'scaffolder.example';

  function template(ingress: string) {
    return {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'onboard', namespace: 'default' },
      spec: {
        type: 'service',
        owner: 'user:default/mock',
        parameters: [
          {
            properties: {
              namespace: { type: 'string' },
              host: { type: 'string' },
            },
          },
        ],
        steps: [
          {
            id: 'namespace',
            action: 'istio:namespace:create',
            input: {
              cluster: 'testbed',
              name: '${{ parameters.namespace }}',
              mtls: 'STRICT',
              kubernetesId: 'checkout',
            },
          },
          {
            id: 'gateway',
            action: 'istio:gateway:create',
            input: {
              cluster: 'testbed',
              name: 'public',
              namespace: ingress,
              hosts: [`*.${domain}`],
              // whose Gateway it is: a re-run may update only its own
              kubernetesId: 'checkout',
            },
          },
          {
            id: 'subsets',
            action: 'istio:destinationrule:create',
            input: {
              cluster: 'testbed',
              name: 'checkout',
              namespace: '${{ parameters.namespace }}',
              host: 'checkout',
              subsets: [{ name: 'v1', labels: { version: 'v1' } }],
            },
          },
          {
            id: 'route',
            action: 'istio:virtualservice:create',
            input: {
              cluster: 'testbed',
              name: 'checkout',
              namespace: '${{ parameters.namespace }}',
              hosts: ['${{ parameters.host }}'],
              gateways: [`${ingress}/public`],
              routes: [
                {
                  destinations: [
                    { host: 'checkout', port: 8080, subset: 'v1' },
                  ],
                },
              ],
            },
          },
        ],
        output: {
          url: '${{ steps.route.output.urls[0] }}',
        },
      },
    };
  }

  it('runs an onboarding template as a scaffolder task and the objects land in the cluster', async () => {
    const { kubeConfig, registry, clusterName } = cluster();
    const ingress = await cluster().extraNamespace('ingress', true);
    const team = await cluster().extraNamespace('team');

    // the platform's side: the gateway certificate exists
    const { CoreV1Api } = await import('@kubernetes/client-node');
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({
      namespace: ingress,
      body: tlsSecretManifest(
        ingress,
        'istio-gateway-cert',
        await createTestCertificate({ sans: [`*.${domain}`] }),
      ),
    });

    const server = await startScaffolder(
      cluster,
      ingress,
      [team, ingress],
      [template(ingress)],
    );

    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('authorization', mockCredentials.user.header())
      .send({
        templateRef: 'template:default/onboard',
        values: { namespace: team, host: `checkout.${domain}` },
      });
    expect(created.status).toBe(201);

    // the first run stops before the DestinationRule: the team has not
    // deployed its Service yet, and the step says so
    const failed = await waitForTask(server, created.body.id);
    expect(failed.status).toBe('failed');
    const failedLog = await taskLog(server, created.body.id);
    expect(failedLog).toContain(
      `Service ${team}/checkout does not exist (IST0101)`,
    );
    expect(failedLog).toContain(
      'Skipping step route because a previous step failed',
    );

    await core.createNamespacedService({
      namespace: team,
      body: {
        metadata: { name: 'checkout' },
        spec: {
          selector: { app: 'checkout' },
          ports: [{ name: 'http', port: 8080 }],
        },
      },
    });
    const rerun = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('authorization', mockCredentials.user.header())
      .send({
        templateRef: 'template:default/onboard',
        values: { namespace: team, host: `checkout.${domain}` },
      });
    const task = await waitForTask(server, rerun.body.id);
    const log = await taskLog(server, rerun.body.id);
    expect({ status: task.status, log }).toMatchObject({ status: 'completed' });
    expect(log).toContain(`Namespace/${team}: unchanged`);
    expect(log).toContain(`${team}/VirtualService/checkout: created`);

    const client = await MeshClusterClient.create(
      await registry.kubeConfig(clusterName),
    );
    const vs = await client.get(
      istioResources.virtualService,
      team,
      'checkout',
    );
    expect(vs?.spec.hosts).toEqual([`checkout.${domain}`]);
    expect(vs?.spec.gateways).toEqual([`${ingress}/public`]);
    const pa = await client.get(
      istioResources.peerAuthentication,
      team,
      'default',
    );
    expect(pa?.spec.mtls.mode).toBe('STRICT');
    const ns = await client.getNamespace(team);
    expect(ns?.metadata?.labels?.['istio-injection']).toBe('enabled');
  });

  it("runs the template through the scaffolder's dry-run API without writing", async () => {
    const { registry, clusterName } = cluster();
    const ingress = await cluster().extraNamespace('dry-ingress');
    const team = await cluster().extraNamespace('dry-team');
    const server = await startScaffolder(cluster, ingress, [team, ingress], []);
    const onlyNamespace = template(ingress);
    onlyNamespace.spec.steps = onlyNamespace.spec.steps.slice(0, 1);
    onlyNamespace.spec.output = {} as any;

    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('authorization', mockCredentials.user.header())
      .send({
        template: onlyNamespace,
        values: { namespace: team, host: `checkout.${domain}` },
        directoryContents: [],
      });
    expect(res.status).toBe(200);
    const log = (res.body.log as Array<{ body: { message?: string } }>)
      .map(e => e.body.message ?? '')
      .join('\n');
    expect(log).toContain(`[dry run] Namespace/${team}: created`);
    expect(log).toContain(
      `[dry run] ${team}/PeerAuthentication/default: created`,
    );

    const client = await MeshClusterClient.create(
      await registry.kubeConfig(clusterName),
    );
    expect(await client.getNamespace(team)).toBeUndefined();
  });
});
