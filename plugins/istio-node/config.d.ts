export interface Config {
  /**
   * Meshdeck settings. Clusters themselves (URL, auth) come from
   * `kubernetes.clusterLocatorMethods`, shared with Backstage's Kubernetes
   * plugin; the entries here add mesh settings to clusters by name.
   *
   * This package declares the settings read by the cluster registry and the
   * write policy, shared by `@meshdeck/plugin-istio-backend` and
   * `@meshdeck/plugin-scaffolder-backend-module-istio`; the backend plugin
   * declares its own (timeouts, cache, ACM, certificate thresholds).
   */
  istio?: {
    /**
     * Mesh settings per cluster, matched by `name` to a cluster of
     * `kubernetes.clusterLocatorMethods`.
     */
    clusters?: Array<{
      /**
       * Name of the cluster in `kubernetes.clusterLocatorMethods`.
       * @visibility backend
       */
      name: string;
      /** Kiali for this cluster. */
      kiali?: {
        /**
         * Kiali's external base URL, usually ending in `/kiali`.
         * @visibility backend
         */
        baseUrl: string;
        /**
         * Kiali's own name for this cluster (multi-cluster Kiali).
         * @visibility backend
         */
        clusterName?: string;
      };
      /** Jaeger for this cluster. */
      jaeger?: {
        /**
         * Jaeger UI's external base URL.
         * @visibility backend
         */
        baseUrl: string;
      };
    }>;
    /** What Meshdeck's scaffolder actions may write. */
    scaffolder?: {
      /**
       * Team namespaces templates may create or write into. `*` matches any
       * characters, e.g. `team-*`. Nothing is allowed when unset. This
       * limits where objects are written, not what routes reach (see
       * `allowedDestinations`).
       * @visibility backend
       */
      allowedNamespaces?: string[];
      /**
       * Gateways (`<namespace>/<name>`) routes may bind to and templates may
       * create, e.g. `istio-ingress/*`. Nothing is allowed when unset.
       * @visibility backend
       */
      allowedGateways?: string[];
      /**
       * Platform namespaces where templates may create a dedicated Gateway
       * (e.g. `istio-ingress`, where the ingress workload reads certificate
       * secrets) without making them team namespaces. The Gateway must also
       * match `allowedGateways`. A Gateway that exists and was not created by
       * Meshdeck for the same component is never overwritten.
       * @visibility backend
       */
      gatewayNamespaces?: string[];
      /**
       * Where routes written by templates may send traffic beyond their own
       * namespace: namespace names or `*` patterns (`team-*`), and external
       * hosts or host patterns (any entry with a dot, `*.api.example.com`).
       * `kube-system`, `kube-public`, `kube-node-lease`, `default`,
       * `istio-system`, the control plane's and the gateways' namespaces are
       * reachable only when named literally, never through a pattern.
       * Default: none (a route reaches only its own namespace).
       * @visibility backend
       */
      allowedDestinations?: string[];
    };
  };
}
