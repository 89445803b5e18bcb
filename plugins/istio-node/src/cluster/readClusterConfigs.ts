import { Config } from '@backstage/config';
import { ClusterConfig } from './ClusterConfig';

/**
 * Reads the clusters of every `kubernetes.clusterLocatorMethods` entry of type
 * `config`. Other locator types (gke, catalog, ...) are discovered at run time
 * by the Kubernetes plugin and are not visible to Meshdeck.
 *
 * @public
 */
export function readClusterConfigs(config: Config): ClusterConfig[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: ClusterConfig[] = [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') {
      continue;
    }
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      clusters.push({
        name: c.getString('name'),
        title: c.getOptionalString('title'),
        url: c.getString('url'),
        authProvider: c.getString('authProvider'),
        serviceAccountToken: c.getOptionalString('serviceAccountToken'),
        caData: c.getOptionalString('caData'),
        caFile: c.getOptionalString('caFile'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        authMetadata: c.getOptional<Record<string, string>>('authMetadata'),
      });
    }
  }
  const seen = new Set<string>();
  for (const { name } of clusters) {
    if (seen.has(name)) {
      throw new Error(
        `kubernetes.clusterLocatorMethods: cluster name '${name}' is used twice; names must be unique`,
      );
    }
    seen.add(name);
  }
  return clusters;
}
