import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import type { JSX } from 'react';
import { istioApiFactory } from './api';
import {
  MeshClusterPicker,
  MeshGatewayPicker,
  MeshHostField,
  meshHostValidation,
  MeshNamespacePicker,
  MeshRouteApiPicker,
  meshRouteApiValidation,
} from './components/fields';
import { meshOverviewRouteRef } from './routes';

/**
 * The Istio plugin for Backstage's legacy frontend system. The new frontend
 * system uses the default export of `@meshdeck/plugin-istio/alpha`.
 *
 * @public
 */
export const istioPlugin = createPlugin({
  id: 'istio',
  apis: [istioApiFactory],
  routes: { meshOverview: meshOverviewRouteRef },
});

/**
 * The mesh overview page of the platform team, for legacy apps:
 * `<Route path="/mesh" element={<IstioMeshPage />} />` in the app's routes
 * and a `<SidebarItem to="/mesh" text="Service mesh" />`. Reading it needs
 * the `istio.mesh.read` permission.
 *
 * @public
 */
export const IstioMeshPage: () => JSX.Element = istioPlugin.provide(
  createRoutableExtension({
    name: 'IstioMeshPage',
    component: () =>
      import('./components/MeshOverviewPage').then(m => m.MeshOverviewPage),
    mountPoint: meshOverviewRouteRef,
  }),
);

/**
 * The service-mesh card, for entity overview pages of legacy apps.
 *
 * @public
 */
export const EntityIstioCard: () => JSX.Element = istioPlugin.provide(
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
export const EntityIstioContent: () => JSX.Element = istioPlugin.provide(
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

/**
 * Template form fields for legacy apps: add them inside
 * `<ScaffolderFieldExtensions>` of the scaffolder route.
 *
 * @public
 */
export const MeshClusterPickerFieldExtension = istioPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshClusterPicker',
    component: MeshClusterPicker,
  }),
);

/** @public */
export const MeshNamespacePickerFieldExtension = istioPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshNamespacePicker',
    component: MeshNamespacePicker,
  }),
);

/** @public */
export const MeshRouteApiPickerFieldExtension = istioPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshRouteApiPicker',
    component: MeshRouteApiPicker,
    validation: meshRouteApiValidation,
  }),
);

/** @public */
export const MeshGatewayPickerFieldExtension = istioPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshGatewayPicker',
    component: MeshGatewayPicker,
  }),
);

/** @public */
export const MeshHostFieldExtension = istioPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshHostField',
    component: MeshHostField,
    validation: meshHostValidation,
  }),
);
