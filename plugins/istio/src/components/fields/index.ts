export { MeshClusterPicker } from './MeshClusterPicker';
export { MeshNamespacePicker } from './MeshNamespacePicker';
export { MeshGatewayPicker } from './MeshGatewayPicker';
export { MeshHostField, meshHostValidation } from './MeshHostField';
export {
  MeshRouteApiPicker,
  meshRouteApiValidation,
} from './MeshRouteApiPicker';
