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
