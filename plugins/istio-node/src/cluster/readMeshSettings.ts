import { Config } from '@backstage/config';
import { MeshSettings } from './ClusterConfig';

/**
 * Reads `istio.clusters[]` into a map from cluster name to mesh settings.
 *
 * @public
 */
export function readMeshSettings(config: Config): Map<string, MeshSettings> {
  const settings = new Map<string, MeshSettings>();
  for (const c of config.getOptionalConfigArray('istio.clusters') ?? []) {
    const kiali = c.getOptionalConfig('kiali');
    const jaeger = c.getOptionalConfig('jaeger');
    settings.set(c.getString('name'), {
      kiali: kiali && {
        baseUrl: kiali.getString('baseUrl'),
        clusterName: kiali.getOptionalString('clusterName'),
      },
      jaeger: jaeger && { baseUrl: jaeger.getString('baseUrl') },
    });
  }
  return settings;
}
