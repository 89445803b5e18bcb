export interface Config {
  istio?: {
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
      /**
       * Which API the routes templates write use by default: `istio`
       * (Istio's Gateway and VirtualService, `networking.istio.io`) or
       * `gateway-api` (the Kubernetes Gateway API's Gateway and HTTPRoute,
       * `gateway.networking.k8s.io`). The templates' `MeshRouteApiPicker`
       * starts with it (or with the other one when a cluster serves only
       * that), and the user may choose the other. Default: `istio`.
       * @visibility backend
       */
      routeApi?: 'istio' | 'gateway-api';
    };
  };
}
