/**
 * Graph durations (seconds) that Kiali's UI offers; other values are rounded
 * up to the next one so that the link opens with a selectable duration.
 *
 * @public
 */
export const KIALI_DURATIONS = [
  60, 120, 300, 600, 1800, 3600, 10800, 21600, 43200, 86400, 604800,
] as const;

/** @public */
export type KialiDetailKind = 'workloads' | 'services' | 'applications';

/** @public */
export type KialiLinkOptions = {
  /** Kiali's base URL, usually ending in `/kiali`. */
  baseUrl: string;
  /** Kiali's name for the cluster, for multi-cluster Kiali set-ups. */
  clusterName?: string;
};

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

function withCluster(params: URLSearchParams, clusterName?: string) {
  if (clusterName) {
    params.set('clusterName', clusterName);
  }
  return params;
}

/**
 * Rounds a duration up to one Kiali offers (max one week).
 *
 * @public
 */
export function normalizeKialiDuration(seconds: number): number {
  return (
    KIALI_DURATIONS.find(d => d >= seconds) ??
    KIALI_DURATIONS[KIALI_DURATIONS.length - 1]
  );
}

/**
 * Link to Kiali's traffic graph for one or more namespaces.
 *
 * @public
 */
export function kialiGraphUrl(
  options: KialiLinkOptions & {
    namespaces: string[];
    durationSeconds?: number;
    refreshMs?: number;
  },
): string {
  const params = new URLSearchParams({
    namespaces: options.namespaces.join(','),
    graphType: 'versionedApp',
    duration: String(normalizeKialiDuration(options.durationSeconds ?? 600)),
    refresh: String(options.refreshMs ?? 60000),
  });
  withCluster(params, options.clusterName);
  return `${trimBase(
    options.baseUrl,
  )}/console/graph/namespaces?${params.toString()}`;
}

/**
 * Link to Kiali's page for one workload, service or application.
 *
 * @public
 */
export function kialiDetailUrl(
  options: KialiLinkOptions & {
    namespace: string;
    kind: KialiDetailKind;
    name: string;
  },
): string {
  return namespacePageUrl(
    options,
    `${options.kind}/${encodeURIComponent(options.name)}`,
  );
}

/**
 * Link to Kiali's page for one Istio config object (Kiali 2 addresses them
 * by group, version and kind). Gateway API objects use the same page, e.g.
 * `…/istio/gateway.networking.k8s.io/v1/HTTPRoute/<name>` and
 * `…/istio/gateway.networking.k8s.io/v1/Gateway/<name>`.
 *
 * @public
 */
export function kialiIstioConfigUrl(
  options: KialiLinkOptions & {
    namespace: string;
    /** e.g. `networking.istio.io/v1` */
    apiVersion: string;
    kind: string;
    name: string;
  },
): string {
  return namespacePageUrl(
    options,
    `istio/${options.apiVersion}/${options.kind}/${encodeURIComponent(
      options.name,
    )}`,
  );
}

/**
 * The key of an object's Kiali page in a cluster's `links.kialiConfig`:
 * `Kind:namespace/name`. Istio's `networking.istio.io` Gateway and the
 * Gateway API's Gateway share a kind, so the Gateway API one is keyed
 * `K8sGateway:namespace/name` (Kiali's own name for it); other Gateway API
 * kinds keep theirs (`HTTPRoute:namespace/name`).
 *
 * @public
 */
export function kialiConfigKey(object: {
  /** The API group, or an `apiVersion` such as `gateway.networking.k8s.io/v1`. */
  group?: string;
  kind: string;
  namespace: string;
  name: string;
}): string {
  const group = (object.group ?? '').split('/')[0];
  const kind =
    group === 'gateway.networking.k8s.io' && object.kind === 'Gateway'
      ? 'K8sGateway'
      : object.kind;
  return `${kind}:${object.namespace}/${object.name}`;
}

/** `<base>/console/namespaces/<namespace>/<page>`, with the cluster name. */
function namespacePageUrl(
  options: KialiLinkOptions & { namespace: string },
  page: string,
): string {
  const query = withCluster(
    new URLSearchParams(),
    options.clusterName,
  ).toString();
  return `${trimBase(options.baseUrl)}/console/namespaces/${encodeURIComponent(
    options.namespace,
  )}/${page}${query ? `?${query}` : ''}`;
}
