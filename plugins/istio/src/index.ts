/**
 * Meshdeck's frontend plugin: the Istio service-mesh card and tab for catalog
 * entities, and the mesh overview page (`/mesh`) of the platform team.
 *
 * @packageDocumentation
 */

export {
  istioPlugin,
  EntityIstioCard,
  EntityIstioContent,
  IstioMeshPage,
  MeshClusterPickerFieldExtension,
  MeshNamespacePickerFieldExtension,
  MeshRouteApiPickerFieldExtension,
  MeshGatewayPickerFieldExtension,
  MeshHostFieldExtension,
} from './plugin';
export * from './api';
