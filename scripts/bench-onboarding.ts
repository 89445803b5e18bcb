/*
 * Benchmark (not a test): how long onboarding a service takes through
 * Meshdeck's actions against a real API server: namespace (+ PeerAuthentication),
 * Gateway, DestinationRule and VirtualService, each with all its cluster checks.
 *
 *   MESHDECK_TEST_KUBECONFIG=... ./run bench [iterations]
 *
 * Creates namespaces named mdbench-*, and deletes them at the end.
 */
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';
import {
  createTestCertificate,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import {
  createDestinationRuleAction,
  createGatewayAction,
  createNamespaceAction,
  createVirtualServiceAction,
} from '@meshdeck/plugin-scaffolder-backend-module-istio';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silent;
  },
};

function context(input: Record<string, unknown>, workspacePath: string) {
  return {
    input: { cluster: 'bench', ...input },
    logger: silent,
    output() {},
    checkpoint: ({ fn }: { fn: () => Promise<unknown> }) => fn(),
    workspacePath,
    isDryRun: false,
  } as any;
}

function percentile(sorted: number[], p: number) {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function main() {
  const file = process.env.MESHDECK_TEST_KUBECONFIG;
  if (!file) {
    throw new Error(
      'set MESHDECK_TEST_KUBECONFIG to a test cluster kubeconfig',
    );
  }
  const iterations = Number(process.argv[2] ?? 10);
  const { KubeConfig, CoreV1Api } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const core = kc.makeApiClient(CoreV1Api);
  const run = Date.now().toString(36);
  const ingress = `mdbench-${run}-ingress`;
  const teams = Array.from(
    { length: iterations },
    (_, i) => `mdbench-${run}-t${i}`,
  );
  const config = new ConfigReader({
    kubernetes: kubernetesAppConfig([kubeconfigToClusterConfig(kc, 'bench')]),
    istio: {
      scaffolder: {
        allowedNamespaces: [`mdbench-${run}-*`],
        allowedGateways: [`${ingress}/*`],
      },
    },
  });
  const deps = {
    clusters: ClusterRegistry.fromConfig(config),
    policy: WritePolicy.fromConfig(config),
  };
  const actions = {
    namespace: createNamespaceAction(deps),
    gateway: createGatewayAction(deps),
    destinationRule: createDestinationRuleAction(deps),
    virtualService: createVirtualServiceAction(deps),
  };
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mdbench-'));

  await core.createNamespace({ body: { metadata: { name: ingress } } });
  try {
    await core.createNamespacedSecret({
      namespace: ingress,
      body: tlsSecretManifest(
        ingress,
        'istio-gateway-cert',
        await createTestCertificate({ sans: ['*.bench.example'] }),
      ),
    });
    const onboard = async (team: string) => {
      const host = `${team}.bench.example`;
      await actions.namespace.handler(
        context({ name: team, mtls: 'STRICT' }, workspace),
      );
      await actions.gateway.handler(
        context({ name: team, namespace: ingress, hosts: [host] }, workspace),
      );
      await core
        .createNamespacedService({
          namespace: team,
          body: {
            metadata: { name: 'checkout' },
            spec: { ports: [{ name: 'http', port: 8080 }] },
          },
        })
        .catch(() => undefined);
      await actions.destinationRule.handler(
        context(
          {
            name: 'checkout',
            namespace: team,
            host: 'checkout',
            subsets: [{ name: 'v1', labels: { version: 'v1' } }],
          },
          workspace,
        ),
      );
      await actions.virtualService.handler(
        context(
          {
            name: 'checkout',
            namespace: team,
            hosts: [host],
            gateways: [`${ingress}/${team}`],
            routes: [
              {
                destinations: [{ host: 'checkout', port: 8080, subset: 'v1' }],
              },
            ],
          },
          workspace,
        ),
      );
    };

    const first: number[] = [];
    const again: number[] = [];
    for (const team of teams) {
      let t = performance.now();
      await onboard(team);
      first.push(performance.now() - t);
      t = performance.now();
      await onboard(team); // everything unchanged
      again.push(performance.now() - t);
    }
    const report = (label: string, samples: number[]) => {
      const s = [...samples].sort((a, b) => a - b);
      console.log(
        `${label.padEnd(30)} n=${s.length}  median ${percentile(s, 50).toFixed(
          0,
        )} ms  p95 ${percentile(s, 95).toFixed(0)} ms  max ${s[
          s.length - 1
        ].toFixed(0)} ms`,
      );
    };
    console.log(
      'onboarding one service: namespace + PeerAuthentication, Gateway, DestinationRule, VirtualService',
    );
    report('first run (objects created)', first);
    report('second run (all unchanged)', again);
  } finally {
    for (const name of [ingress, ...teams]) {
      await core.deleteNamespace({ name }).catch(() => undefined);
    }
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
