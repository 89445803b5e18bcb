/**
 * Meshdeck's scaffolder actions (`istio:*`).
 *
 * @packageDocumentation
 */

export { scaffolderModuleIstio as default } from './module';
export { createNamespaceAction } from './actions/namespaceCreate';
export { createGatewayAction } from './actions/gatewayCreate';
export { createVirtualServiceAction } from './actions/virtualServiceCreate';
export { createDestinationRuleAction } from './actions/destinationRuleCreate';
export { createAuthorizationPolicyAction } from './actions/authorizationPolicyCreate';
export { createMeshLinksAction } from './actions/meshLinks';
export { createK8sGatewayAction } from './actions/k8sGatewayCreate';
export { createHttpRouteAction } from './actions/httpRouteCreate';
export type { MeshActionDeps } from './pipeline/runMeshAction';
