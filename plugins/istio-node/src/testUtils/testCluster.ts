/* eslint-disable jest/no-export, jest/valid-title, jest/no-disabled-tests, jest/expect-expect */
// A describe() factory for test files, so jest's rules for test files do not fit.
import { ConfigReader } from '@backstage/config';
import type { KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
// through the package's main entry point, so that this entry point's API
// refers to that one's ClusterRegistry instead of a copy of its own
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { kubeconfigToClusterConfig } from '../cluster/kubeconfigToClusterConfig';
import { kubernetesAppConfig } from '../cluster/kubernetesAppConfig';
import { isNotFound } from '../client/kubernetesErrors';

/**
 * Name the test cluster gets in the generated Backstage config.
 *
 * @public
 */
export const TEST_CLUSTER_NAME = 'testbed';

/**
 * What a test file gets from {@link describeWithCluster}.
 *
 * @public
 */
export type TestCluster = {
  /** Backstage config with the test cluster as a `kubernetes.clusterLocatorMethods` entry. */
  config: ConfigReader;
  /** Registry built from `config`, exactly as the plugins build theirs. */
  registry: ClusterRegistry;
  clusterName: string;
  /** Admin access for test set-up and assertions. */
  kubeConfig: KubeConfig;
  /** A namespace of this test file's own, deleted after the file. */
  namespace: string;
  /**
   * Name of a further namespace for this test file (`<namespace>-<suffix>`),
   * deleted after the file; created only when `create` is true.
   */
  extraNamespace(suffix: string, create?: boolean): Promise<string>;
};

/**
 * The kubeconfig file of the test cluster, or undefined when none is given.
 *
 * @public
 */
export function testKubeconfigPath(): string | undefined {
  return process.env.MESHDECK_TEST_KUBECONFIG || undefined;
}

async function loadTestKubeConfig(path: string): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigClass } = await import(
    '@kubernetes/client-node'
  );
  const kc = new KubeConfigClass();
  kc.loadFromFile(path);
  return kc;
}

/**
 * Backstage config whose only cluster is the current context of the test
 * kubeconfig, expressed the way an adopter would configure a cluster.
 *
 * @public
 */
export async function createTestClusterConfig(
  kubeConfig: KubeConfig,
  extra: Record<string, unknown> = {},
): Promise<ConfigReader> {
  const cluster = kubeconfigToClusterConfig(kubeConfig, TEST_CLUSTER_NAME);
  return new ConfigReader({
    ...extra,
    kubernetes: kubernetesAppConfig([cluster]),
  });
}

function namespaceFor(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return `mdt-${slug}-${randomBytes(3).toString('hex')}`;
}

/**
 * A `describe` block for integration tests. It runs against the cluster in
 * `MESHDECK_TEST_KUBECONFIG` and hands the block its own namespace, created
 * before the tests and deleted after them. Without a cluster the block is
 * skipped with a warning, or fails when `MESHDECK_REQUIRE_CLUSTER=1`.
 *
 * @public
 */
export function describeWithCluster(
  title: string,
  fn: (cluster: () => TestCluster) => void,
): void {
  const path = testKubeconfigPath();
  if (!path) {
    if (process.env.MESHDECK_REQUIRE_CLUSTER === '1') {
      describe(title, () => {
        it('needs a cluster', () => {
          throw new Error(
            'MESHDECK_REQUIRE_CLUSTER=1 but MESHDECK_TEST_KUBECONFIG is not set',
          );
        });
      });
      return;
    }
    // eslint-disable-next-line no-console
    console.warn(
      `SKIPPED integration tests "${title}": MESHDECK_TEST_KUBECONFIG is not set`,
    );
    describe.skip(title, () => {
      fn(() => ({} as TestCluster));
    });
    return;
  }

  describe(title, () => {
    let current: TestCluster | undefined;
    const extra = new Set<string>();

    beforeAll(async () => {
      const kubeConfig = await loadTestKubeConfig(path);
      const config = await createTestClusterConfig(kubeConfig);
      const namespace = namespaceFor(title);
      const { CoreV1Api } = await import('@kubernetes/client-node');
      await kubeConfig.makeApiClient(CoreV1Api).createNamespace({
        body: {
          metadata: {
            name: namespace,
            labels: { 'meshdeck.io/test': 'true' },
          },
        },
      });
      const core = kubeConfig.makeApiClient(CoreV1Api);
      current = {
        config,
        registry: ClusterRegistry.fromConfig(config),
        clusterName: TEST_CLUSTER_NAME,
        kubeConfig,
        namespace,
        async extraNamespace(suffix, create = false) {
          const name = `${namespace}-${suffix}`;
          extra.add(name);
          if (create) {
            await core.createNamespace({
              body: {
                metadata: { name, labels: { 'meshdeck.io/test': 'true' } },
              },
            });
          }
          return name;
        },
      };
    });

    afterAll(async () => {
      if (!current) {
        return;
      }
      const { CoreV1Api } = await import('@kubernetes/client-node');
      const core = current.kubeConfig.makeApiClient(CoreV1Api);
      for (const name of [current.namespace, ...extra]) {
        await core.deleteNamespace({ name }).catch(e => {
          if (!isNotFound(e)) {
            throw e;
          }
        });
      }
    });

    fn(() => {
      if (!current) {
        throw new Error('the test cluster is not set up (beforeAll failed)');
      }
      return current;
    });
  });
}
