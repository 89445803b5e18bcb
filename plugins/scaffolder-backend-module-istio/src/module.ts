import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { istioClustersServiceRef } from '@meshdeck/plugin-istio-node';
import { createMeshLinksAction } from './actions/meshLinks';

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
      },
      async init({ scaffolder, clusters }) {
        scaffolder.addActions(createMeshLinksAction({ clusters }));
      },
    });
  },
});
