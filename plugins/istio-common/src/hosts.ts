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
