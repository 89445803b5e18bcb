/**
 * Cluster access for the Meshdeck Istio plugins, shared by the backend plugin
 * and the scaffolder module.
 *
 * @packageDocumentation
 */

export * from './cluster/ClusterConfig';
export * from './cluster/readClusterConfigs';
export * from './cluster/readMeshSettings';
export * from './cluster/ClusterRegistry';
export * from './cluster/eksToken';
export * from './cluster/kubeconfigToClusterConfig';
export * from './cluster/kubernetesAppConfig';
export * from './cluster/istioClustersServiceRef';
export * from './resources/istioResources';
export * from './client/MeshClusterClient';
export * from './client/kubernetesErrors';
export * from './certificates/parseCertificate';
export * from './apply/applyResult';
export * from './policy/WritePolicy';
export * from './mesh/readMeshModel';
export * from './mesh/readGatewayApiModel';
