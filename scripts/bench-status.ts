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
  buildDestinationRule,
  buildGateway,
  buildPeerAuthentication,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  istioClustersServiceRef,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  externalSecretManifest,
  setExternalSecretStatus,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { performance } from 'node:perf_hooks';

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

async function inBatches<T>(items: T[], size: number, fn: (t: T) => unknown) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}

async function main() {
  const file = process.env.MESHDECK_TEST_KUBECONFIG;
  if (!file) {
    throw new Error(
      'set MESHDECK_TEST_KUBECONFIG to a test cluster kubeconfig',
    );
  }
  const warmRequests = Number(process.argv[2] ?? 500);
  const { KubeConfig, AppsV1Api, CoreV1Api } = await import(
    '@kubernetes/client-node'
  );
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
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
    await createObjects(
      kc,
      ...([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ingress } },
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns, labels: { 'istio-injection': 'enabled' } },
        },
        tlsSecretManifest(
          ingress,
          'gw-cert',
          await createTestCertificate({ sans: ['*.bench.example'] }),
        ),
        externalSecretManifest(ingress, 'gw-cert', 'gw-cert'),
        buildGateway(
          {
            name: 'public',
            namespace: ingress,
            selector: { istio: 'ingressgateway' },
            hosts: [host],
            tls: { mode: 'credential', credentialName: 'gw-cert' },
            httpsRedirect: false,
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ),
        buildPeerAuthentication(
          { namespace: ns, mode: 'STRICT' },
          DEFAULT_ISTIO_API_VERSIONS,
        ),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: app, namespace: ns },
          spec: { selector: { app }, ports: [{ name: 'http', port: 8080 }] },
        },
        buildDestinationRule(
          {
            name: app,
            namespace: ns,
            host: app,
            subsets: [
              { name: 'v1', labels: { version: 'v1' } },
              { name: 'v2', labels: { version: 'v2' } },
            ],
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ),
        buildVirtualService(
          {
            name: app,
            namespace: ns,
            hosts: [host],
            gateways: [`${ingress}/public`],
            routes: [
              {
                destinations: [
                  { host: app, port: 8080, subset: 'v1', weight: 90 },
                  { host: app, port: 8080, subset: 'v2', weight: 10 },
                ],
              },
            ],
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ),
      ] as any[]),
    );
    await setExternalSecretStatus(kc, ingress, 'gw-cert', {
      status: 'True',
      reason: 'SecretSynced',
    });
    // two ReplicaSets as a Deployment would name them, owning the entity's pods
    const owners = await Promise.all(
      ['v1', 'v2'].map(async version => {
        const hash = `${version}hash9`;
        const labels = {
          app,
          version,
          'backstage.io/kubernetes-id': app,
          'pod-template-hash': hash,
        };
        const rs = await apps.createNamespacedReplicaSet({
          namespace: ns,
          body: {
            metadata: { name: `${app}-${version}-${hash}`, labels },
            spec: {
              replicas: ENTITY_PODS / 2,
              selector: { matchLabels: labels },
              template: {
                metadata: { labels },
                spec: { containers: [{ name: 'app', image: 'bench:1' }] },
              },
            },
          },
        });
        return { rs, labels };
      }),
    );
    const pods = Array.from({ length: NAMESPACE_PODS }, (_, i) => {
      const owner = i < ENTITY_PODS ? owners[i % 2] : undefined;
      return {
        metadata: {
          name: owner ? `${owner.rs.metadata!.name}-${i}` : `filler-${i}`,
          labels: owner ? owner.labels : { app: `filler-${i % 40}` },
          annotations: {
            'sidecar.istio.io/status':
              '{"revision":"default","containers":["istio-proxy"]}',
          },
          ownerReferences: owner
            ? [
                {
                  apiVersion: 'apps/v1',
                  kind: 'ReplicaSet',
                  name: owner.rs.metadata!.name!,
                  uid: owner.rs.metadata!.uid!,
                  controller: true,
                },
              ]
            : undefined,
        },
        spec: {
          containers: [
            { name: 'app', image: 'bench:1' },
            { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' },
          ],
        },
      };
    });
    await inBatches(pods, 50, body =>
      core.createNamespacedPod({ namespace: ns, body }),
    );
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
