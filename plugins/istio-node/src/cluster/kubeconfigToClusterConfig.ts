import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterConfig } from './ClusterConfig';

/**
 * Turns the current context of a kubeconfig into a Backstage
 * `kubernetes.clusterLocatorMethods` cluster entry (authProvider
 * `serviceAccount`). Used for local development and for the integration
 * tests, so they reach a cluster through the same config path as production.
 *
 * Only token credentials can be expressed that way; other kubeconfig users
 * (client certificates, exec plugins) get an error that says so.
 *
 * @public
 */
export function kubeconfigToClusterConfig(
  kubeConfig: KubeConfig,
  name?: string,
): ClusterConfig {
  const context = kubeConfig.getCurrentContext();
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (!context || !cluster) {
    throw new Error('the kubeconfig has no current context');
  }
  if (!user?.token) {
    throw new Error(
      `user '${
        user?.name ?? '(none)'
      }' of kubeconfig context '${context}' has no token; Meshdeck's local mode needs a token user (e.g. a ServiceAccount token). For EKS, configure the cluster with authProvider 'aws' in app-config instead.`,
    );
  }
  return {
    name: name ?? context,
    url: cluster.server,
    authProvider: 'serviceAccount',
    serviceAccountToken: user.token,
    caData: cluster.caData,
    caFile: cluster.caFile,
    skipTLSVerify: cluster.skipTLSVerify ?? false,
  };
}
