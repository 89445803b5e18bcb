import type { RuleFinding } from '../model';
import {
  DestinationPolicy,
  destinationAllowedFindings,
} from '../rules/destinations';
import { dedupe } from '../rules/virtualServices';
import {
  attachedListeners,
  httpRouteAttachments,
  ListenerAttachment,
} from './attachment';
import {
  listenerCertificateFindings,
  listenerTerminatesTls,
} from './certificates';
import {
  compareHostnamePrecedence,
  gatewayHostnameIntersection,
} from './hostnames';
import {
  GATEWAY_API_GROUP,
  GatewayApiModel,
  HttpBackendRef,
  HttpRoute,
} from './model';
import {
  referenceGrantAllows,
  referenceGrantFix,
  ReferenceFrom,
} from './referenceGrants';

/**
 * Rules about one Gateway API HTTPRoute: where it attaches (listener allows
 * its namespace and kind, hostnames intersect), hostname conflicts with other
 * teams' routes on the same listener, its backends (exist, expose the port,
 * permitted across namespaces by a ReferenceGrant, allowed destinations for
 * templates) and the certificates of the listeners it is served on.
 */

const routeObject = (route: HttpRoute) =>
  `${route.namespace}/HTTPRoute/${route.name}`;
const gatewayObject = (ref: string) => {
  const [ns, name] = ref.split('/');
  return `${ns}/Gateway/${name}`;
};

/**
 * Whether each of a route's parentRefs attaches: the Gateway exists
 * (IST0101), the parentRef selects listeners, one of them allows the route's
 * namespace and kind (`allowedRoutes`), and a hostname intersects; hostnames
 * that attach nowhere are ignored by the Gateway (an error before writing, a
 * warning in the status); hostnames served only without TLS are a warning.
 *
 * @public
 */
export function httpRouteAttachmentFindings(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels'>,
  route: HttpRoute,
  options: { purpose: 'preflight' | 'status' } = { purpose: 'preflight' },
): RuleFinding[] {
  const object = routeObject(route);
  const findings: RuleFinding[] = [];
  const parents = httpRouteAttachments(model, route);
  for (const { parentRef, gateway, listeners } of parents) {
    if (!gateway) {
      findings.push({
        id: 'gateway-not-found',
        severity: 'error',
        code: 'IST0101',
        object: gatewayObject(parentRef.ref),
        message: `Gateway ${parentRef.ref} does not exist`,
        missingReference: true,
      });
      continue;
    }
    const names = gateway.listeners
      .map(
        l =>
          `${l.name} (${l.protocol} ${l.port}${
            l.hostname ? ` ${l.hostname}` : ''
          })`,
      )
      .join(', ');
    if (listeners.length === 0) {
      const wanted = [
        parentRef.sectionName && `named '${parentRef.sectionName}'`,
        parentRef.port !== undefined && `on port ${parentRef.port}`,
      ]
        .filter(Boolean)
        .join(' ');
      findings.push({
        id: 'httproute-listener-not-found',
        severity: 'error',
        object,
        message: `Gateway ${gateway.ref} has no listener ${wanted} (it has ${
          names || 'no listeners'
        }): the route is not accepted (NoMatchingParent)`,
        fix: `Choose one of the listeners of ${gateway.ref}`,
        missingReference: true,
      });
      continue;
    }
    const allowed = listeners.filter(l => l.acceptance.accepted !== false);
    if (allowed.length === 0) {
      const why = listeners
        .map(
          l =>
            `listener '${l.listener.name}': ${
              l.acceptance.accepted === false ? l.acceptance.because : ''
            }`,
        )
        .join('; ');
      findings.push({
        id: 'httproute-not-allowed',
        severity: 'error',
        object,
        message: `Gateway ${gateway.ref} does not take HTTPRoutes from namespace '${route.namespace}' (${why}): the route would not be attached (Accepted=False, NotAllowedByListeners)`,
        fix: `Ask the owners of Gateway ${gateway.ref} to allow namespace '${route.namespace}' in the listener's allowedRoutes (from: Selector with a label of the namespace, or All), or attach to a Gateway that allows it`,
      });
      continue;
    }
    for (const l of allowed) {
      if (l.acceptance.accepted === undefined) {
        findings.push({
          id: 'httproute-namespace-labels-unknown',
          severity: 'warning',
          object,
          message: `cannot tell whether listener '${l.listener.name}' of Gateway ${gateway.ref} takes routes from '${route.namespace}': ${l.acceptance.because}`,
        });
      }
    }
    if (!allowed.some(l => l.hostnames.length > 0)) {
      const listenerHosts = allowed
        .map(l => `${l.listener.name}: ${l.listener.hostname ?? '*'}`)
        .join(', ');
      findings.push({
        id: 'httproute-hostname-not-matched',
        severity: 'error',
        object,
        message: `none of the hostnames ${route.hostnames.join(
          ', ',
        )} intersects a listener of Gateway ${
          gateway.ref
        } (${listenerHosts}): the route would not be attached (Accepted=False, NoMatchingListenerHostname)`,
        fix: `Use hostnames the listeners of ${gateway.ref} serve`,
      });
    }
  }

  const attached = parents.flatMap(p => p.listeners).filter(l => l.attached);
  if (attached.length > 0 && route.hostnames.length > 0) {
    const lost = route.hostnames.filter(
      h =>
        !attached.some(l =>
          gatewayHostnameIntersection(l.listener.hostname, h),
        ),
    );
    if (lost.length > 0) {
      findings.push({
        id: 'httproute-hostname-ignored',
        severity: options.purpose === 'preflight' ? 'error' : 'warning',
        object,
        message: `hostname${lost.length > 1 ? 's' : ''} ${lost.join(
          ', ',
        )} of HTTPRoute ${route.ref} intersect${
          lost.length > 1 ? '' : 's'
        } no listener it is attached to: the Gateway ignores ${
          lost.length > 1 ? 'them' : 'it'
        }`,
        fix: 'Remove the hostname, or attach the route to a listener that serves it',
      });
    }
    const plain = new Set<string>();
    const secure = new Set<string>();
    for (const l of attached) {
      for (const h of l.hostnames) {
        (listenerTerminatesTls(l.listener) ? secure : plain).add(h);
      }
    }
    for (const h of plain) {
      if (!secure.has(h)) {
        findings.push({
          id: 'host-served-without-tls',
          severity: 'warning',
          object,
          message: `hostname ${h} of HTTPRoute ${route.ref} is served only on listeners without TLS`,
        });
      }
    }
  }
  return findings;
}

/** Which route takes the requests for a hostname two routes share on a listener. @public */
export type HostnameConflict = {
  /** `namespace/name` of the Gateway. */
  gateway: string;
  listener: string;
  /** The hostname both routes would serve (their intersection). */
  hostname: string;
  winner: { route: string; hostname: string };
  loser: { route: string; hostname: string };
  /** Why the winner wins, by the Gateway API's precedence. */
  because: 'more specific hostname' | 'older route' | 'first by namespace/name';
};

const createdMs = (r: HttpRoute) => {
  const t = r.createdAt ? Date.parse(r.createdAt) : NaN;
  // a route not created yet (about to be written) is the newest
  return isNaN(t) ? Number.POSITIVE_INFINITY : t;
};

function conflictsBetween(
  a: { route: HttpRoute; listeners: ListenerAttachment[] },
  b: { route: HttpRoute; listeners: ListenerAttachment[] },
): HostnameConflict[] {
  const found: HostnameConflict[] = [];
  for (const la of a.listeners) {
    const lb = b.listeners.find(
      x =>
        x.gateway.ref === la.gateway.ref &&
        x.listener.name === la.listener.name,
    );
    if (!lb) {
      continue;
    }
    for (const ha of la.hostnames) {
      for (const hb of lb.hostnames) {
        const hostname = gatewayHostnameIntersection(ha, hb);
        if (!hostname) {
          continue;
        }
        let because: HostnameConflict['because'] = 'more specific hostname';
        let order = compareHostnamePrecedence(ha, hb);
        if (order === 0) {
          because = 'older route';
          order = createdMs(a.route) - createdMs(b.route);
          if (!order || isNaN(order)) {
            because = 'first by namespace/name';
            order = a.route.ref.localeCompare(b.route.ref);
          }
        }
        const [winner, loser] =
          order <= 0
            ? [
                { route: a.route.ref, hostname: ha },
                { route: b.route.ref, hostname: hb },
              ]
            : [
                { route: b.route.ref, hostname: hb },
                { route: a.route.ref, hostname: ha },
              ];
        found.push({
          gateway: la.gateway.ref,
          listener: la.listener.name,
          hostname,
          winner,
          loser,
          because,
        });
      }
    }
  }
  return found;
}

/**
 * The hostname conflicts of one route with routes of OTHER namespaces on the
 * listeners they share. Routes of one namespace (one team) sharing a hostname
 * is the usual way to split paths, and no conflict.
 *
 * @public
 */
export function httpRouteHostnameConflictsOf(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels' | 'httpRoutes'>,
  route: HttpRoute,
): HostnameConflict[] {
  const mine = { route, listeners: attachedListeners(model, route) };
  if (mine.listeners.length === 0) {
    return [];
  }
  return model.httpRoutes
    .filter(o => o.ref !== route.ref && o.namespace !== route.namespace)
    .flatMap(o =>
      conflictsBetween(mine, {
        route: o,
        listeners: attachedListeners(model, o),
      }),
    );
}

/**
 * Every hostname conflict between routes of different namespaces in the
 * model, each with the route that loses: for the status.
 *
 * @public
 */
export function httpRouteHostnameConflicts(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels' | 'httpRoutes'>,
): HostnameConflict[] {
  const entries = model.httpRoutes.map(route => ({
    route,
    listeners: attachedListeners(model, route),
  }));
  const found: HostnameConflict[] = [];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      if (entries[i].route.namespace !== entries[j].route.namespace) {
        found.push(...conflictsBetween(entries[i], entries[j]));
      }
    }
  }
  return found;
}

const conflictKey = (c: HostnameConflict, self: string) =>
  [
    c.gateway,
    c.listener,
    c.hostname,
    c.winner.route === self ? c.loser.route : c.winner.route,
    c.winner.route === self ? 'wins' : 'loses',
  ].join('|');

const BECAUSE: Record<HostnameConflict['because'], string> = {
  'more specific hostname': 'the more specific hostname wins',
  'older route': 'the older route wins',
  'first by namespace/name': 'the first route by namespace/name wins',
};

/**
 * A hostname another team's HTTPRoute already has on the same listener. The
 * Gateway API resolves it silently (the more specific hostname, then the
 * oldest route, then namespace/name order), so before writing a route that
 * would lose the hostname, or take it from another team, Meshdeck refuses.
 * A conflict the route already had (`previous`, its version in the cluster)
 * is a warning. In the status, the losing route gets a warning naming the
 * winner.
 *
 * @public
 */
export function httpRouteHostnameConflictFindings(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels' | 'httpRoutes'>,
  route: HttpRoute,
  options: { purpose: 'preflight' | 'status'; previous?: HttpRoute } = {
    purpose: 'preflight',
  },
): RuleFinding[] {
  const object = routeObject(route);
  const conflicts = httpRouteHostnameConflictsOf(model, route);
  const before = new Set(
    options.previous
      ? httpRouteHostnameConflictsOf(model, options.previous).map(c =>
          conflictKey(c, options.previous!.ref),
        )
      : [],
  );
  const seen = new Set<string>();
  return conflicts.flatMap((c): RuleFinding[] => {
    const key = conflictKey(c, route.ref);
    if (seen.has(key)) {
      return [];
    }
    seen.add(key);
    const wins = c.winner.route === route.ref;
    const other = wins ? c.loser.route : c.winner.route;
    const otherNs = other.split('/')[0];
    const where = `on listener '${c.listener}' of Gateway ${c.gateway}`;
    if (options.purpose === 'status') {
      return wins
        ? []
        : [
            {
              id: 'httproute-hostname-conflict',
              severity: 'warning',
              object,
              message: `HTTPRoute ${route.ref} shares hostname ${
                c.hostname
              } ${where} with HTTPRoute ${other} of namespace '${otherNs}', which gets the requests both match (${
                BECAUSE[c.because]
              })`,
              fix: `Agree with the owners of ${other} which route serves ${c.hostname}; remove it from the other one`,
            },
          ];
    }
    const message = wins
      ? `hostname ${
          c.hostname
        } ${where} is attached by HTTPRoute ${other} of namespace '${otherNs}'; requests both routes match would go to this one instead of it (${
          BECAUSE[c.because]
        })`
      : `hostname ${
          c.hostname
        } ${where} is already attached by HTTPRoute ${other} of namespace '${otherNs}'; the Gateway API gives it to ${other} (${
          BECAUSE[c.because]
        }), so requests both routes match would not reach this one; Meshdeck does not let two namespaces share a hostname on a listener`;
    return [
      {
        id: 'httproute-hostname-conflict',
        severity: before.has(key) ? 'warning' : 'error',
        object,
        message,
        fix: `Choose another hostname, or ask the owners of ${other}`,
      },
    ];
  });
}

const SUPPORTED_BACKENDS: ReadonlyArray<{ group: string; kind: string }> = [
  { group: '', kind: 'Service' },
  { group: 'networking.istio.io', kind: 'Hostname' },
  { group: 'multicluster.x-k8s.io', kind: 'ServiceImport' },
];

const isService = (b: HttpBackendRef) => b.group === '' && b.kind === 'Service';

function uniqueBackends(route: HttpRoute): HttpBackendRef[] {
  const seen = new Set<string>();
  return route.rules
    .flatMap(r => r.backendRefs)
    .filter(b => {
      const key = `${b.group}|${b.kind}|${b.namespace}|${b.name}|${
        b.port ?? ''
      }`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}

const backendText = (b: HttpBackendRef) => `${b.kind} ${b.namespace}/${b.name}`;

/**
 * IST0101 / IST0112: every Service backend names a port (the Gateway API
 * requires it), exists and exposes it; other kinds must be ones Istio
 * supports (Service, ServiceImport, Istio's Hostname). Existence is judged
 * only for namespaces whose Services the model holds.
 *
 * @public
 */
export function httpRouteBackendFindings(
  model: Pick<GatewayApiModel, 'services' | 'serviceNamespaces'>,
  route: HttpRoute,
): RuleFinding[] {
  const object = routeObject(route);
  const known = (ns: string) =>
    model.serviceNamespaces === '*' || model.serviceNamespaces.includes(ns);
  const findings: RuleFinding[] = [];
  for (const b of uniqueBackends(route)) {
    if (
      !SUPPORTED_BACKENDS.some(s => s.group === b.group && s.kind === b.kind)
    ) {
      findings.push({
        id: 'backend-kind-unsupported',
        severity: 'error',
        object,
        message: `backendRef ${b.group || 'core'}/${b.kind} ${b.namespace}/${
          b.name
        } is not a kind Istio routes to (ResolvedRefs=False, InvalidKind)`,
        fix: 'Reference a Service',
      });
      continue;
    }
    if (!isService(b)) {
      continue;
    }
    const ref = `${b.namespace}/${b.name}`;
    if (b.port === undefined) {
      findings.push({
        id: 'backend-port-missing',
        severity: 'error',
        object,
        message: `backendRef Service ${ref} names no port; the Gateway API requires one for a Service`,
        fix: 'Set the backendRef port',
      });
    }
    if (!known(b.namespace)) {
      continue;
    }
    const service = model.services.find(s => s.ref === ref);
    if (!service) {
      findings.push({
        id: 'destination-not-found',
        severity: 'error',
        code: 'IST0101',
        object,
        message: `backend Service ${ref} does not exist`,
        missingReference: true,
      });
    } else if (b.port !== undefined && !service.ports.includes(b.port)) {
      findings.push({
        id: 'destination-port-not-exposed',
        severity: 'error',
        code: 'IST0112',
        object,
        message: `Service ${ref} does not expose port ${b.port} (it exposes ${
          service.ports.join(', ') || 'no ports'
        })`,
      });
    }
  }
  return findings;
}

/**
 * The hosts a route's backends stand for, for {@link destinationAllowedFindings}:
 * a Service's (or ServiceImport's) in-cluster name, Istio Hostname's host.
 *
 * @public
 */
export function httpRouteDestinations(route: HttpRoute): string[] {
  return uniqueBackends(route).flatMap(b => {
    if (b.group === 'networking.istio.io' && b.kind === 'Hostname') {
      return [b.name];
    }
    return b.name ? [`${b.name}.${b.namespace}.svc.cluster.local`] : [];
  });
}

/**
 * Routes written by templates reach only allowed destinations: their own
 * namespace and `istio.scaffolder.allowedDestinations` (see
 * `destinationAllowed`).
 *
 * @public
 */
export function httpRouteBackendAllowedFindings(
  model: Pick<GatewayApiModel, 'controlPlanes'>,
  policy: DestinationPolicy,
  route: HttpRoute,
): RuleFinding[] {
  return destinationAllowedFindings(model, policy, {
    namespace: route.namespace,
    object: routeObject(route),
    destinations: httpRouteDestinations(route),
  });
}

/**
 * A backend in another namespace needs a ReferenceGrant there that lets
 * HTTPRoutes of the route's namespace reference it; without one the Gateway
 * refuses the reference (ResolvedRefs=False, RefNotPermitted) and answers 500.
 * The fix is the ReferenceGrant to add.
 *
 * @public
 */
export function httpRouteReferenceGrantFindings(
  model: Pick<GatewayApiModel, 'referenceGrants'>,
  route: HttpRoute,
): RuleFinding[] {
  const from: ReferenceFrom = {
    group: GATEWAY_API_GROUP,
    kind: 'HTTPRoute',
    namespace: route.namespace,
  };
  return uniqueBackends(route)
    .filter(
      b =>
        b.namespace !== route.namespace &&
        !referenceGrantAllows(model.referenceGrants, from, b),
    )
    .map(b => ({
      id: 'backend-ref-not-permitted',
      severity: 'error' as const,
      object: routeObject(route),
      message: `backendRef ${backendText(
        b,
      )} is in another namespace, and no ReferenceGrant in '${
        b.namespace
      }' lets HTTPRoutes of '${
        route.namespace
      }' reference it: the Gateway would refuse it (ResolvedRefs=False, RefNotPermitted) and answer 500`,
      fix: referenceGrantFix(from, b),
    }));
}

/**
 * IST0101 / IST0161: the certificates of the TLS listeners the route is
 * attached to cover the route's hostnames there (the intersected hostnames)
 * and are not expired.
 *
 * @public
 */
export function httpRouteCertificateFindings(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels' | 'credentials'>,
  route: HttpRoute,
): RuleFinding[] {
  return attachedListeners(model, route).flatMap(l =>
    listenerCertificateFindings(model, l.gateway, l.listener, l.hostnames),
  );
}

/**
 * KIA1105-like: a match an earlier rule of the same route already has never
 * reaches the later rule (the first matching rule wins).
 *
 * @public
 */
export function httpRouteUnreachableFindings(route: HttpRoute): RuleFinding[] {
  const seen = new Map<string, number>();
  const findings: RuleFinding[] = [];
  route.rules.forEach((rule, index) => {
    for (const match of rule.matches) {
      const first = seen.get(match.key);
      if (first !== undefined && first !== index) {
        findings.push({
          id: 'route-unreachable',
          severity: 'warning',
          code: 'KIA1105',
          object: routeObject(route),
          message: `rule ${index + 1} matches ${match.display} like rule ${
            first + 1
          }; the later one never gets those requests`,
        });
      } else if (first === undefined) {
        seen.set(match.key, index);
      }
    }
  });
  return findings;
}

/**
 * Every rule about one HTTPRoute over a model of its cluster.
 *
 * - `preflight`: what an action asks before writing it (with `policy`, where
 *   its backends may send traffic; with `previous`, its version in the
 *   cluster, so that a hostname conflict it already had only warns).
 * - `status`: what the status reports about an existing one.
 *
 * @public
 */
export function httpRouteFindings(
  model: GatewayApiModel,
  route: HttpRoute,
  options: {
    purpose: 'preflight' | 'status';
    policy?: DestinationPolicy;
    previous?: HttpRoute;
  },
): RuleFinding[] {
  const findings = [
    ...httpRouteAttachmentFindings(model, route, options),
    ...httpRouteHostnameConflictFindings(model, route, options),
    ...httpRouteBackendFindings(model, route),
    ...httpRouteReferenceGrantFindings(model, route),
    ...httpRouteUnreachableFindings(route),
  ];
  if (options.purpose === 'preflight') {
    findings.push(...httpRouteCertificateFindings(model, route));
  }
  if (options.policy) {
    findings.push(
      ...httpRouteBackendAllowedFindings(model, options.policy, route),
    );
  }
  return dedupe(findings);
}
