/*
 * Benchmark (not a test): GET /api/istio/v1/status through the real plugin
 * (startTestBackend) against a real API server, for an entity with 50 pods
 * in a namespace of 2,000 pods, behind a gateway with a TLS secret and an
 * ExternalSecret and a 90/10 canary.
 *
 *   MESHDECK_TEST_KUBECONFIG=... ./run bench status [warm-requests]
 *
 * Counts the Kubernetes API requests the plugin makes (every request the
 * client signs), and times warm answers. Creates namespaces named
 * mdbench-*, and deletes them at the end.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { KubeConfig } from '@kubernetes/client-node';
import istioPlugin from '@meshdeck/plugin-istio-backend';
import {
  ClusterRegistry,
  istioClustersServiceRef,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
} from '@meshdeck/plugin-istio-node/testUtils';
import { performance } from 'node:perf_hooks';
import {
  seedClients,
  seedEntityPods,
  seedFillerPods,
  seedMeshScene,
} from './bench/seed';

const ENTITY_PODS = 50;
const NAMESPACE_PODS = 2000;

/** A registry whose clients count every request they sign. */
class CountingRegistry extends ClusterRegistry {
  requests: string[] = [];

  async kubeConfig(name: string): Promise<KubeConfig> {
    const kc = await super.kubeConfig(name);
    const sign = kc.applySecurityAuthentication.bind(kc);
    kc.applySecurityAuthentication = async (context: any) => {
      this.requests.push(
        `${context.getHttpMethod?.() ?? ''} ${context.getUrl?.() ?? ''}`,
      );
      return sign(context);
    };
    return kc;
  }
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
  const warmRequests = Number(process.argv[2] ?? 500);
  const { KubeConfig, CoreV1Api } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const core = kc.makeApiClient(CoreV1Api);
  const run = Date.now().toString(36);
  const ns = `mdbench-${run}-shop`;
  const ingress = `mdbench-${run}-ingress`;
  const app = 'bench-svc';
  const host = `${app}.bench.example`;

  console.log(
    `seeding: ${NAMESPACE_PODS} pods in ${ns}, ${ENTITY_PODS} of them the entity's`,
  );
  let t = performance.now();
  try {
    const clients = await seedClients(kc);
    await createObjects(
      kc,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ingress } },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'istio-injection': 'enabled' } },
      },
    );
    await seedMeshScene(clients, {
      namespace: ns,
      ingress,
      app,
      host,
      certificate: await createTestCertificate({ sans: ['*.bench.example'] }),
    });
    await seedEntityPods(clients, { namespace: ns, app, pods: ENTITY_PODS });
    await seedFillerPods(clients, {
      namespace: ns,
      count: NAMESPACE_PODS - ENTITY_PODS,
      from: ENTITY_PODS,
    });
    console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const registry = new CountingRegistry(
      ClusterRegistry.fromConfig(
        new ConfigReader({
          kubernetes: kubernetesAppConfig([
            kubeconfigToClusterConfig(kc, 'bench'),
          ]),
        }),
      ).list(),
    );
    const entity = (name: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': app,
          'backstage.io/kubernetes-namespace': ns,
        },
      },
      spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
    });
    const { server } = await startTestBackend({
      features: [
        istioPlugin,
        catalogServiceMock.factory({
          entities: ['first', 'second', 'third'].map(entity),
        }),
        mockServices.rootConfig.factory({
          data: { istio: { statusCacheTtl: { minutes: 5 } } },
        }),
        createServiceFactory({
          service: istioClustersServiceRef,
          deps: { config: coreServices.rootConfig },
          factory: () => registry,
        }),
      ],
    });
    const address = server.address() as { port: number };
    const status = async (name: string) => {
      const res = await fetch(
        `http://127.0.0.1:${address.port}/api/istio/v1/status?entityRef=component:default/${name}`,
        {
          headers: {
            authorization: `Bearer ${mockCredentials.user.token()}`,
          },
        },
      );
      if (!res.ok) {
        throw new Error(`${res.status} ${await res.text()}`);
      }
      return res.json();
    };
    const measure = async (label: string, name: string) => {
      registry.requests = [];
      const start = performance.now();
      const body = await status(name);
      const ms = performance.now() - start;
      console.log(
        `${label.padEnd(46)} ${ms.toFixed(0).padStart(5)} ms  ${
          registry.requests.length
        } Kubernetes API requests`,
      );
      if (process.env.BENCH_VERBOSE) {
        registry.requests.forEach(r => console.log(`    ${r}`));
      }
      return body;
    };

    const first = await measure('cold backend (nothing read yet)', 'first');
    const cluster = first.clusters[0];
    const sidecars = cluster.workloads
      .flatMap((w: any) => w.pods)
      .filter((p: any) => p.sidecar.injected).length;
    console.log(
      `  answer: verdict ${first.verdict}, ${cluster.workloads.length} workloads, ${sidecars} pods with sidecar, ` +
        `${cluster.certificates.length} certificate(s), ${cluster.errors.length} error(s)`,
    );
    for (const f of cluster.findings) {
      console.log(`  finding: ${f.severity} ${f.code ?? ''} ${f.message}`);
    }
    await measure('cold entity (cluster-wide reads warm)', 'second');

    registry.requests = [];
    await Promise.all(Array.from({ length: 50 }, () => status('third')));
    console.log(
      `${'50 simultaneous cold loads of one entity'.padEnd(52)} ${
        registry.requests.length
      } Kubernetes API requests`,
    );

    const samples: number[] = [];
    registry.requests = [];
    for (let i = 0; i < warmRequests; i++) {
      t = performance.now();
      await status('first');
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    console.log(
      `warm (cached) n=${samples.length}: median ${percentile(
        samples,
        50,
      ).toFixed(1)} ms  p95 ${percentile(samples, 95).toFixed(
        1,
      )} ms  max ${samples[samples.length - 1].toFixed(1)} ms  (${
        registry.requests.length
      } Kubernetes API requests)`,
    );
    await server.close?.();
  } finally {
    for (const name of [ns, ingress]) {
      await core.deleteNamespace({ name }).catch(() => undefined);
    }
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
