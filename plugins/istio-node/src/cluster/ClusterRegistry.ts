import { Config } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterConfig, MeshSettings } from './ClusterConfig';
import { readClusterConfigs } from './readClusterConfigs';
import { readMeshSettings } from './readMeshSettings';

/** Auth providers Meshdeck can turn into credentials itself. */
const SUPPORTED_AUTH_PROVIDERS = ['serviceAccount'];

/**
 * The clusters Meshdeck may talk to, built once from configuration.
 * Credentials stay inside; callers get clients, never tokens.
 *
 * @public
 */
export class ClusterRegistry {
  static fromConfig(config: Config): ClusterRegistry {
    return new ClusterRegistry(
      readClusterConfigs(config),
      readMeshSettings(config),
    );
  }

  private readonly clusters: Map<string, ClusterConfig>;

  constructor(
    clusters: ClusterConfig[],
    private readonly settings: Map<string, MeshSettings> = new Map(),
  ) {
    this.clusters = new Map(clusters.map(c => [c.name, c]));
    for (const name of settings.keys()) {
      if (!this.clusters.has(name)) {
        throw new Error(
          `istio.clusters: '${name}' is not a cluster of kubernetes.clusterLocatorMethods (known: ${
            [...this.clusters.keys()].join(', ') || 'none'
          })`,
        );
      }
    }
  }

  /** The configured clusters, in configuration order. */
  list(): ClusterConfig[] {
    return [...this.clusters.values()];
  }

  /** One cluster by name; `NotFoundError` for a name that is not configured. */
  get(name: string): ClusterConfig {
    const cluster = this.clusters.get(name);
    if (!cluster) {
      throw new NotFoundError(
        `Cluster '${name}' is not configured (known: ${
          [...this.clusters.keys()].join(', ') || 'none'
        })`,
      );
    }
    return cluster;
  }

  /** Kiali/Jaeger and other mesh settings of a cluster (empty when unset). */
  meshSettings(name: string): MeshSettings {
    this.get(name);
    return this.settings.get(name) ?? {};
  }

  /** A client-node KubeConfig that authenticates to the named cluster. */
  async kubeConfig(name: string): Promise<KubeConfig> {
    const cluster = this.get(name);
    if (!SUPPORTED_AUTH_PROVIDERS.includes(cluster.authProvider)) {
      throw new Error(
        `Cluster '${name}' uses authProvider '${
          cluster.authProvider
        }', which Meshdeck does not support yet (supported: ${SUPPORTED_AUTH_PROVIDERS.join(
          ', ',
        )})`,
      );
    }
    const { KubeConfig: KubeConfigClass } = await import(
      '@kubernetes/client-node'
    );
    const kc = new KubeConfigClass();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caData: cluster.caData,
          caFile: cluster.caFile,
          skipTLSVerify: cluster.skipTLSVerify,
        },
      ],
      users: [{ name: 'meshdeck', token: cluster.serviceAccountToken }],
      contexts: [
        { name: cluster.name, cluster: cluster.name, user: 'meshdeck' },
      ],
      currentContext: cluster.name,
    });
    return kc;
  }
}
