import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Meshdeck settings. Clusters themselves (URL, auth) come from
   * `kubernetes.clusterLocatorMethods`, shared with Backstage's Kubernetes
   * plugin; the entries here add mesh settings to clusters by name.
   */
  istio?: {
    /**
     * Timeout for one request to a cluster's API server, e.g. `5s`. Default 5s.
     * @visibility backend
     */
    requestTimeout?: string | HumanDuration;
    /**
     * How long an entity's mesh status is cached, e.g. `30s`. Default 30s.
     * The cache is Backstage's cache service, shared by replicas when it is
     * Redis/Valkey or memcache.
     * @visibility backend
     */
    statusCacheTtl?: string | HumanDuration;
    /**
     * AWS Certificate Manager, for the certificates behind gateway secrets.
     * Credentials come from Backstage's AWS integration (`aws:`), else the
     * default AWS chain (IRSA on EKS).
     */
    acm?: {
      /**
       * @visibility backend
       */
      region?: string;
      /**
       * Endpoint override, e.g. a local emulator in tests.
       * @visibility backend
       */
      endpoint?: string;
      /**
       * The AWS account of the certificates, one of the `aws.accounts` of
       * Backstage's AWS integration. Default: its main account (or the
       * default credential chain).
       * @visibility backend
       */
      accountId?: string;
    };
    /** When certificate verdicts turn to `expiring`. */
    certificates?: {
      /**
       * Days left at which a certificate is a warning. Default 30.
       * @visibility backend
       */
      warningDays?: number;
      /**
       * Days left at which a certificate is critical. Default 7.
       * @visibility backend
       */
      criticalDays?: number;
    };
    /**
     * Mesh settings per cluster, matched by `name` to a cluster of
     * `kubernetes.clusterLocatorMethods`.
     */
    clusters?: Array<{
      /**
       * Name of the cluster in `kubernetes.clusterLocatorMethods`.
       * @visibility frontend
       */
      name: string;
      /** Kiali for this cluster. */
      kiali?: {
        /**
         * Kiali's external base URL, usually ending in `/kiali`.
         * @visibility frontend
         */
        baseUrl: string;
        /**
         * Kiali's own name for this cluster (multi-cluster Kiali).
         * @visibility frontend
         */
        clusterName?: string;
      };
      /** Jaeger for this cluster. */
      jaeger?: {
        /**
         * Jaeger UI's external base URL.
         * @visibility frontend
         */
        baseUrl: string;
      };
    }>;
  };
}
