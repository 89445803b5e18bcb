import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { ClusterRegistry } from './ClusterRegistry';

/**
 * The cluster registry, built from the root config. Shared by the Istio
 * backend plugin and the scaffolder module.
 *
 * @public
 */
export const istioClustersServiceRef = createServiceRef<ClusterRegistry>({
  id: 'istio.clusters',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig },
      factory: ({ config }) => ClusterRegistry.fromConfig(config),
    }),
});
