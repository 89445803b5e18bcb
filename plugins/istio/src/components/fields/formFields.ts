import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { MeshClusterPicker } from './MeshClusterPicker';
import { MeshGatewayPicker } from './MeshGatewayPicker';
import { MeshHostField, meshHostValidation } from './MeshHostField';
import { MeshNamespacePicker } from './MeshNamespacePicker';
import {
  MeshRouteApiPicker,
  meshRouteApiValidation,
} from './MeshRouteApiPicker';

/** The form fields of Meshdeck's templates, for the new frontend system. */
export const meshFormFields = {
  cluster: createFormField({
    name: 'MeshClusterPicker',
    component: MeshClusterPicker as any,
  }),
  namespace: createFormField({
    name: 'MeshNamespacePicker',
    component: MeshNamespacePicker as any,
  }),
  routeApi: createFormField({
    name: 'MeshRouteApiPicker',
    component: MeshRouteApiPicker as any,
    validation: meshRouteApiValidation as any,
  }),
  gateway: createFormField({
    name: 'MeshGatewayPicker',
    component: MeshGatewayPicker as any,
  }),
  host: createFormField({
    name: 'MeshHostField',
    component: MeshHostField as any,
    validation: meshHostValidation as any,
  }),
};
