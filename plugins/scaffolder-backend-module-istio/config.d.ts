export interface Config {
  istio?: {
    /** What Meshdeck's scaffolder actions may write. */
    scaffolder?: {
      /**
       * Namespaces templates may create or write into. `*` matches any
       * characters, e.g. `team-*`. Nothing is allowed when unset.
       * @visibility backend
       */
      allowedNamespaces?: string[];
      /**
       * Gateways (`<namespace>/<name>`) templates may create or bind
       * VirtualServices to, e.g. `istio-ingress/*`. Nothing is allowed when unset.
       * @visibility backend
       */
      allowedGateways?: string[];
    };
  };
}
