import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { hasKubernetesAnnotations } from '@meshdeck/plugin-istio-common';
import DeviceHubIcon from '@material-ui/icons/DeviceHub';
import { istioApiFactory } from './api';
import { meshOverviewRouteRef } from './routes';

const istioApi = ApiBlueprint.make({
  params: defineParams => defineParams(istioApiFactory),
});

/** The mesh card, on entities that Kubernetes annotations map to workloads. */
const entityIstioCard = EntityCardBlueprint.make({
  name: 'mesh',
  params: {
    filter: hasKubernetesAnnotations,
    loader: () =>
      import('./components/EntityIstioCard').then(m => <m.EntityIstioCard />),
  },
});

/** The "Service mesh" tab at `<entity>/mesh`, on the same entities. */
const entityIstioContent = EntityContentBlueprint.make({
  name: 'mesh',
  params: {
    path: 'mesh',
    title: 'Service mesh',
    filter: hasKubernetesAnnotations,
    loader: () =>
      import('./components/EntityIstioContent').then(m => (
        <m.EntityIstioContent />
      )),
  },
});

/**
 * The mesh overview page at `/mesh`. With a title and an icon it is also the
 * sidebar's "Service mesh" item: the app's nav lists pages that have both.
 */
const meshOverviewPage = PageBlueprint.make({
  name: 'mesh',
  params: {
    path: '/mesh',
    routeRef: meshOverviewRouteRef,
    title: 'Service mesh',
    icon: <DeviceHubIcon fontSize="inherit" />,
    loader: () =>
      import('./components/MeshOverviewPage').then(m => (
        <m.MeshOverviewContent />
      )),
  },
});

/** The form fields of Meshdeck's software templates (extension name → field). */
const FORM_FIELDS = {
  'mesh-cluster': 'cluster',
  'mesh-namespace': 'namespace',
  'mesh-route-api': 'routeApi',
  'mesh-gateway': 'gateway',
  'mesh-host': 'host',
} as const;

const formFields = Object.entries(FORM_FIELDS).map(([name, key]) =>
  FormFieldBlueprint.make({
    name,
    params: {
      field: () =>
        import('./components/fields/formFields').then(
          m => m.meshFormFields[key],
        ),
    },
  }),
);

/**
 * The Istio plugin for Backstage's new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'istio',
  info: { packageJson: () => import('../package.json') },
  routes: { meshOverview: meshOverviewRouteRef },
  extensions: [
    istioApi,
    meshOverviewPage,
    entityIstioCard,
    entityIstioContent,
    ...formFields,
  ],
});
