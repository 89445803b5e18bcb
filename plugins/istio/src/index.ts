/**
 * Meshdeck's frontend plugin: the Istio service-mesh card and tab for catalog
 * entities.
 *
 * @packageDocumentation
 */

export {
  istioPlugin,
  EntityIstioCard,
  EntityIstioContent,
  MeshClusterPickerFieldExtension,
  MeshNamespacePickerFieldExtension,
  MeshRouteApiPickerFieldExtension,
  MeshGatewayPickerFieldExtension,
  MeshHostFieldExtension,
} from './plugin';
export * from './api';
