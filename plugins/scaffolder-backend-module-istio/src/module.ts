import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { istioClustersServiceRef } from '@meshdeck/plugin-istio-node';
import { createAuthorizationPolicyAction } from './actions/authorizationPolicyCreate';
import { createDestinationRuleAction } from './actions/destinationRuleCreate';
import { createGatewayAction } from './actions/gatewayCreate';
import { createHttpRouteAction } from './actions/httpRouteCreate';
import { createK8sGatewayAction } from './actions/k8sGatewayCreate';
import { createMeshLinksAction } from './actions/meshLinks';
import { createNamespaceAction } from './actions/namespaceCreate';
import { createVirtualServiceAction } from './actions/virtualServiceCreate';
import { WritePolicy } from '@meshdeck/plugin-istio-node';

/**
 * Registers Meshdeck's `istio:*` actions with the scaffolder.
 *
 * @public
 */
export const scaffolderModuleIstio = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'istio',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        clusters: istioClustersServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, clusters, config }) {
        const deps = { clusters, policy: WritePolicy.fromConfig(config) };
        scaffolder.addActions(
          createNamespaceAction(deps),
          createGatewayAction(deps),
          createVirtualServiceAction(deps),
          createDestinationRuleAction(deps),
          createAuthorizationPolicyAction(deps),
          createK8sGatewayAction(deps),
          createHttpRouteAction(deps),
          createMeshLinksAction({ clusters }),
        );
      },
    });
  },
});
