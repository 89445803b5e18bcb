import {
  createComponentExtension,
  createPlugin,
} from '@backstage/core-plugin-api';
import { istioApiFactory } from './api';

/**
 * The Istio plugin for Backstage's legacy frontend system. The new frontend
 * system uses the default export of `@meshdeck/plugin-istio/alpha`.
 *
 * @public
 */
export const istioPlugin = createPlugin({
  id: 'istio',
  apis: [istioApiFactory],
});

/**
 * The service-mesh card, for entity overview pages of legacy apps.
 *
 * @public
 */
export const EntityIstioCard = istioPlugin.provide(
  createComponentExtension({
    name: 'EntityIstioCard',
    component: {
      lazy: () =>
        import('./components/EntityIstioCard').then(m => m.EntityIstioCard),
    },
  }),
);

/**
 * The "Service mesh" tab, for entity pages of legacy apps
 * (`<EntityLayout.Route path="/mesh" title="Service mesh">`).
 *
 * @public
 */
export const EntityIstioContent = istioPlugin.provide(
  createComponentExtension({
    name: 'EntityIstioContent',
    component: {
      lazy: () =>
        import('./components/EntityIstioContent').then(
          m => m.EntityIstioContent,
        ),
    },
  }),
);
