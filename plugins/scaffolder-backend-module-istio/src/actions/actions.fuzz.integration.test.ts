import { mockCredentials } from '@backstage/backend-test-utils';
import { istioResources, MeshClusterClient } from '@meshdeck/plugin-istio-node';
import { describeWithCluster } from '@meshdeck/plugin-istio-node/testUtils';
import fc from 'fast-check';
import request from 'supertest';
/* eslint-disable @backstage/no-relative-monorepo-imports -- the shared
   fuzz arbitraries are test-only and in no published entry point */
import {
  actionInputCases,
  ActionInputCases,
} from '../../../istio-common/src/__testUtils__/actionInputCases';
import {
  clusterSnapshot,
  snapshotChanges,
} from '../../../istio-common/src/__testUtils__/clusterSnapshot';
import {
  hostileClusterName,
  hostileDnsLabel,
} from '../../../istio-common/src/__testUtils__/hostileInputs';
/* eslint-enable @backstage/no-relative-monorepo-imports */
import {
  startScaffolder,
  taskLog,
  waitForTask,
} from '../__testUtils__/scaffolderServer';

/**
 * Every action through the real scaffolder against the test cluster, with
 * hostile input: each task fails with a message naming the hostile field,
 * and the cluster is unchanged (no object created or changed). One template
 * per input, with the input written into its step, so what reaches the
 * action is exactly what was generated.
 */

/** Hostile inputs per action, at least; spread over its mutations. */
const PER_ACTION = 24;
/** Fixed, so a failure can be replayed. */
const SEED = 1414;

type Attempt = {
  action: string;
  what: string;
  /** Names the refusal may use: the field as messages say it, or its key. */
  names: string[];
  input: Record<string, unknown>;
};

function attemptsFor(c: ActionInputCases): Attempt[] {
  const each = Math.max(1, Math.ceil(PER_ACTION / c.mutations.length));
  return c.mutations.flatMap((m, i) =>
    fc.sample(m.values, { numRuns: each, seed: SEED + i }).map(value => ({
      action: c.id,
      what: m.what,
      names: [m.field, m.key],
      input: m.apply(c.base, value),
    })),
  );
}

describeWithCluster('istio actions under hostile input', cluster => {
  let attempts: Attempt[] = [];
  let server: any;
  let client: MeshClusterClient;
  let ingress: string;
  const types = Object.values(istioResources);

  beforeAll(async () => {
    const { registry, clusterName, namespace } = cluster();
    ingress = await cluster().extraNamespace('ingress', true);
    client = await MeshClusterClient.create(
      await registry.kubeConfig(clusterName),
    );
    const context = {
      cluster: clusterName,
      namespace,
      ingress,
      newNamespace: `${namespace}-new`,
      domain: 'actionfuzz.example',
    };
    attempts = [
      ...actionInputCases(context).flatMap(attemptsFor),
      // istio:mesh:links writes nothing, but takes input all the same
      ...fc
        .sample(fc.oneof(hostileClusterName), { numRuns: 8, seed: SEED })
        .map(c => ({
          action: 'istio:mesh:links',
          what: 'cluster: hostile',
          names: ['cluster', 'Cluster'],
          input: { cluster: c, namespace },
        })),
      ...fc.sample(hostileDnsLabel, { numRuns: 8, seed: SEED }).map(n => ({
        action: 'istio:mesh:links',
        what: 'namespace: not a DNS-1123 label',
        names: ['namespace'],
        input: { cluster: clusterName, namespace: n },
      })),
    ];
    const templates = attempts.map((a, i) => ({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: `fuzz-${i}`, namespace: 'default' },
      spec: {
        type: 'service',
        owner: 'user:default/mock',
        parameters: [],
        steps: [{ id: 'step', action: a.action, input: a.input }],
      },
    }));
    server = await startScaffolder(
      cluster,
      ingress,
      [`${namespace}*`, ingress],
      templates,
    );
  });

  it(
    'fails every task naming the hostile field, and writes nothing',
    async () => {
      const before = await clusterSnapshot(client, types);
      const counts = { tried: 0, refusedOnCreate: 0, failedTasks: 0 };
      const problems: string[] = [];
      for (const [i, attempt] of attempts.entries()) {
        counts.tried += 1;
        const created = await request(server)
          .post('/api/scaffolder/v2/tasks')
          .set('authorization', mockCredentials.user.header())
          .send({ templateRef: `template:default/fuzz-${i}`, values: {} });
        // a task that fails (the usual way), or a refusal to start one
        let text = JSON.stringify(created.body);
        if (created.status === 201) {
          const task = await waitForTask(server, created.body.id);
          text = await taskLog(server, created.body.id);
          if (task.status !== 'failed') {
            problems.push(
              `${attempt.action} ${attempt.what}: task ${task.status}`,
            );
            continue;
          }
          counts.failedTasks += 1;
        } else if (created.status >= 500) {
          problems.push(`${attempt.action} ${attempt.what}: ${created.status}`);
        } else {
          counts.refusedOnCreate += 1;
        }
        if (!attempt.names.some(name => text.includes(name))) {
          problems.push(
            `${attempt.action} ${attempt.what}: ${JSON.stringify(
              attempt.input,
            ).slice(0, 300)} -> ${text.slice(0, 600)}`,
          );
        }
      }
      const after = await clusterSnapshot(client, types);
      expect(problems).toEqual([]);
      expect(
        snapshotChanges(before, after, [cluster().namespace, ingress]),
      ).toEqual({ created: [], changed: [] });
      expect(counts.tried).toBe(attempts.length);
      expect(counts.failedTasks + counts.refusedOnCreate).toBe(attempts.length);
      // every writing action got at least PER_ACTION hostile inputs
      for (const id of new Set(attempts.map(a => a.action))) {
        expect(
          attempts.filter(a => a.action === id).length,
        ).toBeGreaterThanOrEqual(id === 'istio:mesh:links' ? 16 : PER_ACTION);
      }
    },
    15 * 60_000,
  );
});
