import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { kubernetesAppConfig } from '@meshdeck/plugin-istio-node';
import {
  createTestCertificate,
  describeWithCluster,
  FaultProxy,
  startFaultProxy,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { taskLog, waitForTask } from '../__testUtils__/scaffolderServer';
import { scaffolderModuleIstio } from '../module';

/**
 * Scaffolder tasks when the cluster fails under them: the real scaffolder
 * with this module, reaching the test cluster through a fault proxy. A
 * write that fails part-way fails the task with what was applied and what
 * was not; a task cut off by a backend restart (or whose write landed but
 * whose answer was lost) converges when run again, with exactly the
 * template's objects in the cluster: none twice, none left over.
 */

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(100);
  }
}

describeWithCluster('scaffolder tasks under cluster faults', cluster => {
  const id = randomBytes(3).toString('hex');
  /**
   * Every object a test writes carries its own, so a label selector finds
   * them all.
   */
  const kubernetesIds = {
    partial: `faults-${id}-p`,
    restart: `faults-${id}-r`,
  };
  const domain = `${id}.faults.example`;
  let proxy: FaultProxy;
  const tally = { injected: 0, tasks: 0 };
  const timings: string[] = [];

  function template(
    ingress: string,
    steps: 'namespace' | 'onboarding',
    kubernetesId: string,
  ) {
    const all = [
      {
        id: 'namespace',
        action: 'istio:namespace:create',
        input: {
          cluster: 'testbed',
          name: '${{ parameters.namespace }}',
          mtls: 'STRICT',
          kubernetesId,
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
          kubernetesId,
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
          kubernetesId,
        },
      },
      {
        id: 'route',
        action: 'istio:virtualservice:create',
        input: {
          cluster: 'testbed',
          name: 'checkout',
          namespace: '${{ parameters.namespace }}',
          hosts: [`checkout.${domain}`],
          gateways: [`${ingress}/public`],
          routes: [
            {
              destinations: [{ host: 'checkout', port: 8080, subset: 'v1' }],
            },
          ],
          kubernetesId,
        },
      },
    ];
    return {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: steps, namespace: 'default' },
      spec: {
        type: 'service',
        owner: 'user:default/mock',
        parameters: [{ properties: { namespace: { type: 'string' } } }],
        steps: steps === 'namespace' ? all.slice(0, 1) : all,
      },
    };
  }

  /** A backend with the real scaffolder, this module and the faulty cluster. */
  async function startBackend(
    ingress: string,
    allowed: string[],
    kubernetesId: string,
  ) {
    const started = Date.now();
    const backend = await startTestBackend({
      features: [
        import('@backstage/plugin-scaffolder-backend'),
        import('@backstage/plugin-scaffolder-backend-module-github'),
        scaffolderModuleIstio,
        catalogServiceMock.factory({
          entities: [
            template(ingress, 'namespace', kubernetesId),
            template(ingress, 'onboarding', kubernetesId),
          ] as any,
        }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: kubernetesAppConfig([proxy.clusterConfig('testbed')]),
            istio: {
              scaffolder: {
                allowedNamespaces: allowed,
                allowedGateways: [`${ingress}/*`],
              },
            },
          },
        }),
      ],
    });
    timings.push(`backend started in ${Date.now() - started} ms`);
    return backend;
  }

  async function startTask(
    server: any,
    name: 'namespace' | 'onboarding',
    namespace: string,
  ): Promise<string> {
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('authorization', mockCredentials.user.header())
      .send({
        templateRef: `template:default/${name}`,
        values: { namespace },
      });
    expect(created.status).toBe(201);
    tally.tasks++;
    return created.body.id;
  }

  async function runTask(
    server: any,
    name: 'namespace' | 'onboarding',
    namespace: string,
  ) {
    const started = Date.now();
    const taskId = await startTask(server, name, namespace);
    const task = await waitForTask(server, taskId);
    const log = await taskLog(server, taskId);
    timings.push(`${name} task ${task.status} in ${Date.now() - started} ms`);
    // what the task log says about a failure, for the run's summary
    timings.push(
      ...log
        .split('\n')
        .filter(line => line.includes(' failed: '))
        .map(line => `  ${line}`),
    );
    return { status: task.status as string, log };
  }

  /**
   * Every object carrying this file's kubernetesId, in the whole cluster,
   * as `Kind namespace/name` with its field managers.
   */
  async function labelled(
    kubernetesId: string,
  ): Promise<Array<[string, string[]]>> {
    const { kubeConfig } = cluster();
    const { CoreV1Api, CustomObjectsApi } = await import(
      '@kubernetes/client-node'
    );
    const labelSelector = `backstage.io/kubernetes-id=${kubernetesId},app.kubernetes.io/managed-by=meshdeck`;
    const managers = (o: any): string[] =>
      (o.metadata?.managedFields ?? [])
        .map((f: any) => `${f.manager}:${f.operation}`)
        .sort();
    const found: Array<[string, string[]]> = (
      await kubeConfig.makeApiClient(CoreV1Api).listNamespace({ labelSelector })
    ).items.map(ns => [`Namespace ${ns.metadata!.name}`, []]);
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    for (const [group, plural] of [
      ['security.istio.io', 'peerauthentications'],
      ['security.istio.io', 'authorizationpolicies'],
      ['networking.istio.io', 'gateways'],
      ['networking.istio.io', 'destinationrules'],
      ['networking.istio.io', 'virtualservices'],
    ]) {
      const list: any = await custom.listClusterCustomObject({
        group,
        version: 'v1',
        plural,
        labelSelector,
      });
      for (const o of list.items) {
        found.push([
          `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
          managers(o),
        ]);
      }
    }
    return found.sort(([a], [b]) => a.localeCompare(b));
  }

  beforeAll(async () => {
    proxy = await startFaultProxy({ kubeConfig: cluster().kubeConfig });
  });

  afterAll(async () => {
    await proxy?.close();
    // eslint-disable-next-line no-console
    console.log(
      `scaffolder faults: ${tally.injected} faults injected over ${
        tally.tasks
      } tasks\n${timings.map(t => `  ${t}`).join('\n')}`,
    );
  });

  it('fails the step when the second write fails, saying what was applied and what was not, and finishes when run again', async () => {
    const team = await cluster().extraNamespace('partial');
    const ingress = await cluster().extraNamespace('partial-ingress');
    const kid = kubernetesIds.partial;
    const backend = await startBackend(ingress, [team], kid);
    try {
      for (const fault of [
        { kind: 'status', status: 500 } as const,
        { kind: 'reset' } as const,
      ]) {
        const rule = proxy.inject({
          match: { method: 'PATCH' },
          fault,
          skip: 1,
          times: 1,
        });
        const { status, log } = await runTask(
          backend.server,
          'namespace',
          team,
        );
        proxy.clear();
        tally.injected += rule.injected;
        expect(rule.injected).toBe(1);
        expect({ status, log }).toMatchObject({ status: 'failed' });
        // the first object, as it was applied, then the failure
        expect(log).toMatch(
          new RegExp(`Namespace/${team}: (created|unchanged)`),
        );
        const why =
          fault.kind === 'status'
            ? 'fault proxy: injected 500 Internal Server Error (HTTP 500).'
            : "no answer from cluster 'testbed'";
        expect(log).toContain(
          `${team}/PeerAuthentication/default failed: ${
            fault.kind === 'status' ? why : ''
          }`,
        );
        expect(log).toContain(why);
        expect(log).toMatch(
          new RegExp(
            `Applied before it: Namespace/${team} \\((created|unchanged)\\)\\.`,
          ),
        );
        expect(log).toContain('Run the task again once the cluster answers');
        expect(await labelled(kid)).toEqual([[`Namespace ${team}`, []]]);
      }

      // the cluster answers again: the same task finishes the job
      const { status, log } = await runTask(backend.server, 'namespace', team);
      expect({ status, log }).toMatchObject({ status: 'completed' });
      expect(log).toContain(`Namespace/${team}: unchanged`);
      expect(log).toContain(`${team}/PeerAuthentication/default: created`);
      expect(await labelled(kid)).toEqual([
        [`Namespace ${team}`, []],
        [`PeerAuthentication ${team}/default`, ['meshdeck:Apply']],
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('converges to exactly the template’s objects after a backend restart mid-task and a write whose answer was lost', async () => {
    const { kubeConfig } = cluster();
    const team = await cluster().extraNamespace('restart', true);
    const ingress = await cluster().extraNamespace('restart-ingress', true);
    // the platform's side: the gateway's certificate, the team's Service
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
    const expected = [
      `DestinationRule ${team}/checkout`,
      `Gateway ${ingress}/public`,
      `Namespace ${team}`,
      `PeerAuthentication ${team}/default`,
      `VirtualService ${team}/checkout`,
    ];

    // 1. backend A stops while the second write (the PeerAuthentication)
    // hangs in the network, never reaching the API server
    const kid = kubernetesIds.restart;
    const a = await startBackend(ingress, [team, ingress], kid);
    const hung = proxy.inject({
      match: { method: 'PATCH' },
      fault: { kind: 'hang' },
      skip: 1,
      times: 1,
    });
    const cutOff = await startTask(a.server, 'onboarding', team);
    await until('the second write', () => hung.injected === 1);
    const stopped = Date.now();
    await Promise.race([
      a.stop(),
      sleep(30_000).then(() => {
        throw new Error('backend A did not stop within 30 s');
      }),
    ]);
    timings.push(`backend A stopped mid-task in ${Date.now() - stopped} ms`);
    // what the stopped backend had in flight dies with its connection
    proxy.clear();
    tally.injected += hung.injected;
    expect(cutOff).toBeTruthy();
    expect((await labelled(kid)).map(([ref]) => ref)).toEqual([
      `Namespace ${team}`,
    ]);

    // 2. backend B, a new process with a database of its own, runs the
    // same template again; its third write (the Gateway) reaches the API
    // server but the answer is lost on the way back
    const b = await startBackend(ingress, [team, ingress], kid);
    try {
      const lost = proxy.inject({
        match: { method: 'PATCH' },
        fault: { kind: 'resetMidStream' },
        skip: 2,
        times: 1,
      });
      const second = await runTask(b.server, 'onboarding', team);
      proxy.clear();
      tally.injected += lost.injected;
      expect(lost.injected).toBe(1);
      expect(second).toMatchObject({ status: 'failed' });
      expect(second.log).toContain(
        `${ingress}/Gateway/public failed: no answer from cluster 'testbed'`,
      );
      expect(second.log).toContain('it may or may not have been applied');
      // it was: the write landed
      expect((await labelled(kid)).map(([ref]) => ref)).toEqual([
        `Gateway ${ingress}/public`,
        `Namespace ${team}`,
        `PeerAuthentication ${team}/default`,
      ]);

      // 3. and once more, with the cluster answering
      const third = await runTask(b.server, 'onboarding', team);
      expect(third).toMatchObject({ status: 'completed' });
      expect(third.log).toContain(`${ingress}/Gateway/public: unchanged`);
      expect(third.log).toContain(`${team}/VirtualService/checkout: created`);

      // exactly the template's objects, each written by Meshdeck's
      // server-side apply alone: nothing twice, nothing left over
      const objects = await labelled(kid);
      expect(objects.map(([ref]) => ref)).toEqual(expected);
      expect(objects.filter(([ref]) => !ref.startsWith('Namespace '))).toEqual(
        expected
          .filter(ref => !ref.startsWith('Namespace '))
          .map(ref => [ref, ['meshdeck:Apply']]),
      );
      // and as the template says
      const { CustomObjectsApi } = await import('@kubernetes/client-node');
      const vs: any = await kubeConfig
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObject({
          group: 'networking.istio.io',
          version: 'v1',
          namespace: team,
          plural: 'virtualservices',
          name: 'checkout',
        });
      expect(vs.spec.hosts).toEqual([`checkout.${domain}`]);
      expect(vs.spec.gateways).toEqual([`${ingress}/public`]);
    } finally {
      await b.stop();
    }
  });
});
