/**
 * How Meshdeck reaches one cluster. Read from Backstage's
 * `kubernetes.clusterLocatorMethods` (type `config`), so that the Kubernetes
 * plugin and Meshdeck share one list of clusters.
 *
 * @public
 */
export type ClusterConfig = {
  name: string;
  title?: string;
  url: string;
  authProvider: string;
  /** For authProvider `serviceAccount`. Never logged or returned. */
  serviceAccountToken?: string;
  /** Base64-encoded PEM CA bundle of the API server. */
  caData?: string;
  /** Path of a PEM CA bundle file. */
  caFile?: string;
  skipTLSVerify: boolean;
  /**
   * Backstage's `authMetadata` of the cluster. For authProvider `aws`:
   * `kubernetes.io/x-k8s-aws-id` (the EKS cluster name, default `name`),
   * `kubernetes.io/aws-assume-role` and `kubernetes.io/aws-external-id`.
   */
  authMetadata?: Record<string, string>;
};

/**
 * Meshdeck's per-cluster mesh settings (`istio.clusters[]`).
 *
 * @public
 */
export type MeshSettings = {
  kiali?: { baseUrl: string; clusterName?: string };
  jaeger?: { baseUrl: string };
};
