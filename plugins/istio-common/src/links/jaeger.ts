/**
 * Istio's default tracing service name: `<app label>.<namespace>`.
 *
 * @public
 */
export function istioTracingServiceName(app: string, namespace: string) {
  return `${app}.${namespace}`;
}

/**
 * Link to Jaeger's trace search for a service in the mesh.
 *
 * @public
 */
export function jaegerSearchUrl(options: {
  baseUrl: string;
  app: string;
  namespace: string;
  lookback?: string;
  limit?: number;
}): string {
  const params = new URLSearchParams({
    service: istioTracingServiceName(options.app, options.namespace),
    lookback: options.lookback ?? '1h',
    limit: String(options.limit ?? 20),
  });
  return `${options.baseUrl.replace(/\/+$/, '')}/search?${params.toString()}`;
}
