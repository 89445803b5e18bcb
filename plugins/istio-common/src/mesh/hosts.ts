/**
 * Host-name matching as Istio and TLS do it. All comparisons are
 * case-insensitive.
 */

/**
 * True when a certificate name (SAN) covers a host: equal, or a `*.` wildcard
 * matching exactly one label (`*.example.com` covers `a.example.com`, not
 * `example.com` or `a.b.example.com`). A wildcard host is covered only by the
 * same or a wildcard SAN for the same parent.
 *
 * @public
 */
export function certificateNameCovers(san: string, host: string): boolean {
  const s = san.toLowerCase();
  const h = host.toLowerCase();
  if (s === h) {
    return true;
  }
  if (!s.startsWith('*.')) {
    return false;
  }
  if (h.startsWith('*.')) {
    return false;
  }
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === s.slice(2);
}

/**
 * The hosts that none of the certificate's names cover.
 *
 * @public
 */
export function uncoveredHosts(sans: string[], hosts: string[]): string[] {
  return hosts.filter(h => !sans.some(san => certificateNameCovers(san, h)));
}

/**
 * True when two Istio host patterns can match the same request host (`*` as a
 * whole matches everything; `*.example.com` matches any depth below it, as in
 * Istio's host matching).
 *
 * @public
 */
export function hostsOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y || x === '*' || y === '*') {
    return true;
  }
  const suffixMatch = (wild: string, other: string) =>
    wild.startsWith('*.') && other.endsWith(wild.slice(1));
  return suffixMatch(x, y) || suffixMatch(y, x);
}

/**
 * A Gateway server's host without its optional `<namespace>/` prefix
 * (`./shop.example.com` → `shop.example.com`).
 *
 * @public
 */
export function bareHost(host: string): string {
  const slash = host.indexOf('/');
  return slash >= 0 ? host.slice(slash + 1) : host;
}

/**
 * `<namespace>/<name>` of a gateway named in a route of `routeNamespace`;
 * `mesh` stays `mesh`.
 *
 * @public
 */
export function qualifyGatewayRef(ref: string, routeNamespace: string): string {
  if (ref === 'mesh' || ref.includes('/')) {
    return ref;
  }
  return `${routeNamespace}/${ref}`;
}

const CLUSTER_DOMAIN_SUFFIX = '.svc.cluster.local';

/**
 * A route destination's host as Istio reads it: a short name (no dot) is a
 * Service in the route's own namespace.
 *
 * @public
 */
export function destinationFqdn(host: string, namespace: string): string {
  return host.includes('.')
    ? host
    : `${host}.${namespace}${CLUSTER_DOMAIN_SUFFIX}`;
}

/**
 * The in-cluster Service a fully qualified host names
 * (`name.namespace.svc.cluster.local`), if it names one.
 *
 * @public
 */
export function serviceOfHost(
  fqdn: string,
): { namespace: string; name: string } | undefined {
  const host = fqdn.toLowerCase();
  if (!host.endsWith(CLUSTER_DOMAIN_SUFFIX)) {
    return undefined;
  }
  const parts = host.slice(0, -CLUSTER_DOMAIN_SUFFIX.length).split('.');
  return parts.length === 2 && parts.every(Boolean)
    ? { name: parts[0], namespace: parts[1] }
    : undefined;
}

/**
 * True when a gateway server's host pattern accepts a route host, the way
 * Istio binds VirtualService hosts to Gateway servers: the two must overlap.
 *
 * @public
 */
export function gatewayAccepts(serverHost: string, routeHost: string): boolean {
  return hostsOverlap(bareHost(serverHost), routeHost);
}
