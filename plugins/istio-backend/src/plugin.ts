import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { istioPermissions } from '@meshdeck/plugin-istio-common';
import { istioClustersServiceRef } from '@meshdeck/plugin-istio-node';
import { readRequestTimeoutMs } from './service/readTimeout';
import { createRouter } from './service/router';
import { StatusService } from './service/StatusService';

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
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        clusters: istioClustersServiceRef,
      },
      async init({
        auditor,
        config,
        httpRouter,
        httpAuth,
        logger,
        permissions,
        permissionsRegistry,
        catalog,
        clusters,
      }) {
        permissionsRegistry.addPermissions(istioPermissions);
        const status = new StatusService({
          clusters,
          logger,
          timeoutMs: readRequestTimeoutMs(config),
        });
        httpRouter.use(
          await createRouter({
            auditor,
            httpAuth,
            permissions,
            catalog,
            clusters,
            status,
          }),
        );
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
