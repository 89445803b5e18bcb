import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { istioPermissions } from '@meshdeck/plugin-istio-common';
import { istioClustersServiceRef } from '@meshdeck/plugin-istio-node';
import { createRouter } from './service/router';

/**
 * The Istio backend plugin, served under `/api/istio`.
 *
 * @public
 */
export const istioPlugin = createBackendPlugin({
  pluginId: 'istio',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        permissionsRegistry: coreServices.permissionsRegistry,
        clusters: istioClustersServiceRef,
      },
      async init({
        httpRouter,
        httpAuth,
        logger,
        permissionsRegistry,
        clusters,
      }) {
        permissionsRegistry.addPermissions(istioPermissions);
        httpRouter.use(await createRouter({ httpAuth, clusters }));
        logger.info(
          `Meshdeck knows ${clusters.list().length} cluster(s): ${
            clusters
              .list()
              .map(c => c.name)
              .join(', ') || 'none configured'
          }`,
        );
      },
    });
  },
});
