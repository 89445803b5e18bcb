import { ClusterConfig } from './ClusterConfig';

/**
 * The `kubernetes` section of a Backstage config that lists exactly these
 * clusters (the inverse of `readClusterConfigs`).
 *
 * @public
 */
export function kubernetesAppConfig(clusters: ClusterConfig[]) {
  return {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: clusters.map(c => ({
          name: c.name,
          ...(c.title && { title: c.title }),
          url: c.url,
          authProvider: c.authProvider,
          ...(c.serviceAccountToken && {
            serviceAccountToken: c.serviceAccountToken,
          }),
          ...(c.caData && { caData: c.caData }),
          ...(c.caFile && { caFile: c.caFile }),
          skipTLSVerify: c.skipTLSVerify,
        })),
      },
    ],
  };
}
