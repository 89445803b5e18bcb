/**
 * Hostname intersection as the Gateway API defines it (v1.5.1, "Hostnames in
 * Gateway API" and `HTTPRouteSpec.hostnames`): a `*.` wildcard matches ONE OR
 * MORE labels (`*.example.com` matches `www.example.com` and
 * `a.b.example.com`, not `example.com`), an absent hostname is `*`, and the
 * intersection of a wildcard with a hostname it matches is the more specific
 * of the two. Certificates are matched differently (RFC 2818: a wildcard SAN
 * covers one label), see `certificateNameCovers`.
 */

const lower = (h: string | undefined) => (h ?? '*').toLowerCase();

/** True when a `*.` wildcard hostname matches `host` (one or more labels). */
function wildcardMatches(wildcard: string, host: string): boolean {
  if (!wildcard.startsWith('*.')) {
    return false;
  }
  const suffix = wildcard.slice(1); // ".example.com"
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * The intersected hostname of a listener's `hostname` and one of a route's
 * `hostnames` (absent means `*`), or undefined when they do not intersect.
 *
 * @public
 */
export function gatewayHostnameIntersection(
  listenerHostname: string | undefined,
  routeHostname: string | undefined,
): string | undefined {
  const l = lower(listenerHostname);
  const r = lower(routeHostname);
  if (l === '*') {
    return r;
  }
  if (r === '*' || l === r) {
    return l;
  }
  if (wildcardMatches(l, r)) {
    return r;
  }
  if (wildcardMatches(r, l)) {
    return l;
  }
  return undefined;
}

/**
 * The hostnames a route gets on a listener: the intersections of its
 * hostnames with the listener's (a route without hostnames gets the
 * listener's, `*` when the listener has none). Empty when none intersect: the
 * route is not accepted there.
 *
 * @public
 */
export function routeHostnamesOnListener(
  listenerHostname: string | undefined,
  routeHostnames: readonly string[],
): string[] {
  if (routeHostnames.length === 0) {
    return [lower(listenerHostname)];
  }
  const found = routeHostnames.flatMap(h => {
    const i = gatewayHostnameIntersection(listenerHostname, h);
    return i ? [i] : [];
  });
  return [...new Set(found)];
}

/**
 * Which of two intersecting route hostnames takes the requests they share,
 * by the Gateway API's precedence: the larger number of characters in a
 * non-wildcard hostname, then in the hostname. Negative when `a` wins,
 * positive when `b` wins, 0 on a tie (then the routes' age decides).
 *
 * @public
 */
export function compareHostnamePrecedence(a: string, b: string): number {
  const precise = (h: string) => (h.includes('*') ? 0 : h.length);
  return precise(b) - precise(a) || b.length - a.length;
}
