import {
  attachedListeners,
  bareHost,
  emptyMeshModel,
  GatewayApiModel,
  gatewayAccepts,
  hostClaimFindings,
  HttpRoute,
  httpRouteHostnameConflictFindings,
  httpRouteHostnameConflicts,
  K8sGateway,
  listenerCertificateSecrets,
  listenerTerminatesTls,
  MeshGateway,
  MeshGatewayServer,
  MeshVirtualService,
  OverviewHost,
  OverviewRoute,
  WAYPOINT_GATEWAY_CLASS,
} from '@meshdeck/plugin-istio-common';
import { OwnerKey } from './ownership';
import { appendTo } from './appendTo';

/**
 * The public hosts of a cluster: every host on every gateway (Istio
 * Gateways and Gateway API listeners), the routes that claim it, the TLS
 * secret it is served with, and whether more than one namespace claims it.
 * Pure functions over parsed objects.
 */

/** A host entry before its certificate verdict and owners are known. */
export type HostEntry = Omit<
  OverviewHost,
  'cluster' | 'certificate' | 'entities' | 'owners'
> & {
  /** The TLS secret the host is served with, when it has one. */
  secret?: { namespace: string; name: string };
  /** The routes' (or, unrouted, the Gateway's) owner keys. */
  keys: OwnerKey[];
};

const keyOf = (o: {
  namespace: string;
  labels: Record<string, string>;
}): OwnerKey => ({ namespace: o.namespace, labels: o.labels });

/**
 * True when an Istio Gateway server takes a route host from a namespace: a
 * binding open to the route's namespace (`*`, or `ns/host`) accepts it.
 */
export function serverAccepts(
  server: MeshGatewayServer,
  host: string,
  routeNamespace: string,
): boolean {
  return server.bindings.some(
    b =>
      (b.namespace === '*' || b.namespace === routeNamespace) &&
      gatewayAccepts(b.host, host),
  );
}

/** The server's credential, when it terminates TLS with one. */
export function serverCredential(
  server: MeshGatewayServer,
): string | undefined {
  const tls = server.tls;
  return tls?.credentialName && tls.mode !== 'PASSTHROUGH' && !tls.httpsRedirect
    ? tls.credentialName
    : undefined;
}

/** True for Gateway API Gateways that serve hosts (not ambient waypoints). */
export function servesHosts(gateway: K8sGateway): boolean {
  return gateway.gatewayClassName !== WAYPOINT_GATEWAY_CLASS;
}

const lower = (h: string) => h.toLowerCase();

const compareRoutes = (a: OverviewRoute, b: OverviewRoute) =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

/**
 * Every host on every Istio Gateway: each host a VirtualService bound to the
 * Gateway claims (and a server accepts), and each host of a server that no
 * route claims as such (unrouted, or a wildcard with the routed hosts it
 * covers). A host claimed by VirtualServices of more than one namespace
 * gets the rule book's IST0109 message as `conflict`.
 */
export function istioHosts(
  gateways: readonly MeshGateway[],
  virtualServices: readonly MeshVirtualService[],
): HostEntry[] {
  const model = { ...emptyMeshModel(), virtualServices: [...virtualServices] };
  const entries: HostEntry[] = [];
  for (const g of gateways) {
    const byHost = new Map<string, HostEntry>();
    const entry = (host: string) => {
      let e = byHost.get(lower(host));
      if (!e) {
        const server =
          g.servers.find(
            s =>
              serverCredential(s) &&
              s.hosts.some(h => lower(h) === lower(host)),
          ) ??
          g.servers.find(
            s =>
              serverCredential(s) && s.hosts.some(h => gatewayAccepts(h, host)),
          );
        const credential = server && serverCredential(server);
        e = {
          host,
          gateway: g.ref,
          api: 'istio',
          routes: [],
          ...(credential && {
            secret: { namespace: g.namespace, name: credential },
          }),
          keys: [],
        };
        byHost.set(lower(host), e);
      }
      return e;
    };
    for (const vs of virtualServices) {
      if (!vs.gateways.includes(g.ref)) {
        continue;
      }
      for (const host of vs.hosts) {
        if (!g.servers.some(s => serverAccepts(s, host, vs.namespace))) {
          continue; // not served: the rule book's IST0132 finding says so
        }
        const e = entry(host);
        e.routes.push({
          kind: 'VirtualService',
          namespace: vs.namespace,
          name: vs.name,
        });
        e.keys.push(keyOf(vs));
      }
    }
    for (const e of byHost.values()) {
      e.routes.sort(compareRoutes);
      for (const route of e.routes) {
        const claim = hostClaimFindings(model, {
          host: e.host,
          gateway: g.ref,
          namespace: route.namespace,
          name: route.name,
        }).find(f => !f.object.startsWith(`${route.namespace}/`));
        if (claim) {
          e.conflict = claim.message;
          break;
        }
      }
    }
    for (const server of g.servers) {
      for (const host of server.hosts) {
        if (!byHost.has(lower(host))) {
          entry(host).keys.push(keyOf(g));
        }
      }
    }
    entries.push(...byHost.values());
  }
  return withWildcards(entries);
}

const routeOf = (r: HttpRoute): OverviewRoute => ({
  kind: 'HTTPRoute',
  namespace: r.namespace,
  name: r.name,
});

/**
 * Every host on every Gateway API listener (waypoints aside): each hostname
 * an attached HTTPRoute gets there, and the listener's own hostname (`*`
 * without one) when no route has exactly it. A hostname HTTPRoutes of more
 * than one namespace share on a listener gets the rule book's message (which
 * route gets the requests) as `conflict`, on both routes' entries.
 */
export function gatewayApiHosts(
  model: Pick<GatewayApiModel, 'gateways' | 'httpRoutes' | 'namespaceLabels'>,
): HostEntry[] {
  const entries = new Map<string, HostEntry>();
  const gateways = model.gateways.filter(servesHosts);
  const entry = (g: K8sGateway, listener: string, host: string) => {
    const key = `${g.ref}#${listener}#${lower(host)}`;
    let e = entries.get(key);
    if (!e) {
      const l = g.listeners.find(x => x.name === listener);
      const secret =
        l && listenerTerminatesTls(l)
          ? listenerCertificateSecrets(l)[0]
          : undefined;
      e = {
        host,
        gateway: g.ref,
        api: 'gateway-api',
        listener,
        routes: [],
        ...(secret && { secret }),
        keys: [],
      };
      entries.set(key, e);
    }
    return e;
  };
  const scoped = { ...model, gateways };
  for (const route of model.httpRoutes) {
    for (const a of attachedListeners(scoped, route)) {
      for (const host of a.hostnames) {
        const e = entry(a.gateway, a.listener.name, host);
        e.routes.push(routeOf(route));
        e.keys.push(keyOf(route));
      }
    }
  }
  for (const g of gateways) {
    for (const l of g.listeners) {
      const host = l.hostname ?? '*';
      if (!entries.has(`${g.ref}#${l.name}#${lower(host)}`)) {
        entry(g, l.name, host).keys.push(keyOf(g));
      }
    }
  }
  entries.forEach(e => e.routes.sort(compareRoutes));
  for (const c of httpRouteHostnameConflicts(scoped)) {
    const loser = model.httpRoutes.find(r => r.ref === c.loser.route);
    const message =
      loser &&
      httpRouteHostnameConflictFindings(scoped, loser, {
        purpose: 'status',
      }).find(
        f =>
          f.message.includes(c.winner.route) && f.message.includes(c.hostname),
      )?.message;
    for (const host of [c.winner.hostname, c.loser.hostname]) {
      const e = entries.get(`${c.gateway}#${c.listener}#${lower(host)}`);
      if (e && !e.conflict && message) {
        e.conflict = message;
      }
    }
  }
  return withWildcards([...entries.values()]);
}

/** True for a wildcard host pattern: `*` or `*.example.com`. */
export function isWildcardHost(host: string): boolean {
  const h = bareHost(host);
  return h === '*' || h.startsWith('*.');
}

/**
 * True when a wildcard host pattern covers another host, the way Istio and
 * the Gateway API match hosts: `*` covers every host, `*.example.com` every
 * host below `example.com` at any depth (and narrower wildcards there).
 */
export function wildcardCovers(wildcard: string, host: string): boolean {
  const w = bareHost(wildcard).toLowerCase();
  const h = bareHost(host).toLowerCase();
  if (h === w || !isWildcardHost(w)) {
    return false;
  }
  return w === '*' || h.endsWith(w.slice(1));
}

/**
 * Marks each wildcard host as a wildcard listener with the routed hosts it
 * covers on the same Gateway (Gateway API: the same listener, as a more
 * specific listener takes its own hostnames). A covered host is served
 * through the wildcard's server: no conflict with it, and the wildcard is
 * no host "served unrouted".
 */
export function withWildcards(entries: HostEntry[]): HostEntry[] {
  const scope = (e: HostEntry) =>
    `${e.api}#${e.gateway}#${e.api === 'gateway-api' ? e.listener ?? '' : ''}`;
  const routed = new Map<string, HostEntry[]>();
  for (const e of entries) {
    if (e.routes.length > 0) {
      appendTo(routed, scope(e), e);
    }
  }
  return entries.map(e => {
    if (!isWildcardHost(e.host)) {
      return e;
    }
    const covers = [
      ...new Set(
        (routed.get(scope(e)) ?? [])
          .filter(other => wildcardCovers(e.host, other.host))
          .map(other => other.host),
      ),
    ].sort((a, b) => a.localeCompare(b));
    return { ...e, wildcard: { covers } };
  });
}

/** Conflicts first, then by host, cluster, gateway and listener. */
export function compareHosts(
  a: Pick<
    OverviewHost,
    'conflict' | 'host' | 'cluster' | 'gateway' | 'listener'
  >,
  b: Pick<
    OverviewHost,
    'conflict' | 'host' | 'cluster' | 'gateway' | 'listener'
  >,
): number {
  return (
    Number(!a.conflict) - Number(!b.conflict) ||
    a.host.localeCompare(b.host) ||
    a.cluster.localeCompare(b.cluster) ||
    a.gateway.localeCompare(b.gateway) ||
    (a.listener ?? '').localeCompare(b.listener ?? '')
  );
}
