import { TopologyBuilder } from './topologyBuilder';
import {
  attachedListeners,
  conditionProblem,
  conditionProblemIsWarning,
  Finding,
  GatewayApiCondition,
  GatewayApiConditionStatus,
  GatewayApiModel,
  HttpRoute,
  HttpRouteParentRef,
  HttpRouteTraffic,
  httpRouteAttachments,
  httpRouteBackendFindings,
  httpRouteFindings,
  httpRouteReferenceGrantFindings,
  httpRouteUnreachableFindings,
  isGatewayParentRef,
  ISTIO_GATEWAY_CLASS,
  K8sGateway,
  k8sGatewayFindings,
  K8sGatewayTraffic,
  listenerCertificateSecrets,
  listenerTerminatesTls,
  MeshService,
  NEGATIVE_POLARITY_CONDITIONS,
  RuleFinding,
  selectorMatches,
  Topology,
} from '@meshdeck/plugin-istio-common';
import type { DeploymentObject } from '../service/MeshReads';
import type { GatewayCredential, TrafficWorkload } from './traffic';

/**
 * The Kubernetes Gateway API in an entity's status: the HTTPRoutes whose
 * backends reach the entity's Services, the Gateways (and listeners) they
 * attach to, the certificates of those listeners, the route topology
 * (host → Gateway → listener → HTTPRoute → Service → workload) and the
 * findings — the rule book's Gateway API rules (status purpose), the
 * conditions the controller wrote on the objects, and the Deployment istiod
 * runs a Gateway of class `istio` in (`<name>-istio`).
 *
 * Everything here is a pure function over parsed objects; the reads are
 * `clusterStatus`'s.
 */

const routeObject = (r: { namespace: string; name: string }) =>
  `${r.namespace}/HTTPRoute/${r.name}`;
const gatewayObject = (g: { namespace: string; name: string }) =>
  `${g.namespace}/Gateway/${g.name}`;

/** True when a backendRef names a core Service. */
const isServiceBackend = (b: { group: string; kind: string }) =>
  b.group === '' && b.kind === 'Service';

/**
 * The HTTPRoutes with a Service backend among the entity's Services (in any
 * rule), in the order read.
 */
export function httpRoutesTo(
  routes: readonly HttpRoute[],
  services: readonly MeshService[],
): HttpRoute[] {
  const fqdns = new Set(services.map(s => s.fqdn));
  return routes.filter(route =>
    route.rules.some(rule =>
      rule.backendRefs.some(
        b => isServiceBackend(b) && b.fqdn !== undefined && fqdns.has(b.fqdn),
      ),
    ),
  );
}

/** The Gateway API Gateways the routes name as parents that exist. */
export function parentGatewaysOf(
  gateways: readonly K8sGateway[],
  routes: readonly HttpRoute[],
): K8sGateway[] {
  const refs = new Set(
    routes.flatMap(r =>
      r.parentRefs.filter(isGatewayParentRef).map(p => p.ref),
    ),
  );
  return gateways.filter(g => refs.has(g.ref));
}

/**
 * The Deployment istiod creates for a Gateway (`<name>-<class>`, i.e.
 * `<name>-istio`), for Gateways of class `istio` only: other classes are
 * deployed by other controllers, or not at all.
 */
export function gatewayDeploymentName(gateway: K8sGateway): string | undefined {
  return gateway.gatewayClassName === ISTIO_GATEWAY_CLASS
    ? `${gateway.name}-${ISTIO_GATEWAY_CLASS}`
    : undefined;
}

/**
 * True when the routes or Gateways shown reference something in another
 * namespace (a backend, a certificate): only then do the ReferenceGrants
 * matter.
 */
export function needsReferenceGrants(
  routes: readonly HttpRoute[],
  gateways: readonly K8sGateway[],
): boolean {
  return (
    routes.some(r =>
      r.rules.some(rule =>
        rule.backendRefs.some(b => b.namespace !== r.namespace),
      ),
    ) ||
    gateways.some(g =>
      g.listeners.some(l =>
        (l.tls?.certificateRefs ?? []).some(c => c.namespace !== g.namespace),
      ),
    )
  );
}

/**
 * The namespaces whose labels decide whether the shown routes attach: those
 * of routes on Gateways with a listener that selects routes by namespace
 * label (`allowedRoutes.namespaces.from: Selector`).
 */
export function namespacesForSelectors(
  routes: readonly HttpRoute[],
  gateways: readonly K8sGateway[],
): string[] {
  const selecting = new Set(
    gateways
      .filter(g =>
        g.listeners.some(l => l.allowedRoutes.namespaces.from === 'Selector'),
      )
      .map(g => g.ref),
  );
  return [
    ...new Set(
      routes
        .filter(r => r.parentRefs.some(p => selecting.has(p.ref)))
        .map(r => r.namespace),
    ),
  ];
}

/** The `deployment` entry of a Gateway, from its Deployment (null: none). */
export function gatewayDeploymentStatus(
  gateway: K8sGateway,
  deployment: DeploymentObject | null,
): NonNullable<K8sGatewayTraffic['deployment']> {
  const name = gatewayDeploymentName(gateway) ?? `${gateway.name}-istio`;
  if (!deployment) {
    return {
      namespace: gateway.namespace,
      name,
      exists: false,
      ready: false,
      desired: 0,
      readyReplicas: 0,
    };
  }
  // the API server defaults spec.replicas to 1
  const desired = deployment.spec?.replicas ?? 1;
  const readyReplicas = deployment.status?.readyReplicas ?? 0;
  const availableReplicas = deployment.status?.availableReplicas ?? 0;
  return {
    namespace: gateway.namespace,
    name,
    exists: true,
    ready:
      desired > 0 && readyReplicas >= desired && availableReplicas >= desired,
    desired,
    readyReplicas,
    availableReplicas,
  };
}

const condition = (c: GatewayApiCondition): GatewayApiConditionStatus => ({
  type: c.type,
  status: c.status,
  ...(c.reason !== undefined && { reason: c.reason }),
  ...(c.message !== undefined && { message: c.message }),
});

const sameParent = (a: HttpRouteParentRef, b: HttpRouteParentRef) =>
  a.group === b.group &&
  a.kind === b.kind &&
  a.namespace === b.namespace &&
  a.name === b.name &&
  a.sectionName === b.sectionName &&
  a.port === b.port;

/** What the controllers reported for one parentRef of a route. */
function parentConditions(
  route: HttpRoute,
  parentRef: HttpRouteParentRef,
): GatewayApiCondition[] {
  return route.parents
    .filter(p => sameParent(p.parentRef, parentRef))
    .flatMap(p => p.conditions);
}

const backendText = (b: {
  kind: string;
  namespace: string;
  name: string;
  fqdn?: string;
}) => b.fqdn ?? `${b.kind} ${b.namespace}/${b.name}`;

/** The traffic section's entry of one HTTPRoute. */
export function httpRouteTraffic(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels'>,
  route: HttpRoute,
): HttpRouteTraffic {
  const attachments = httpRouteAttachments(model, route);
  return {
    ref: route.ref,
    hostnames: route.hostnames,
    parents: attachments.map(({ parentRef, gateway, listeners }) => ({
      gateway: parentRef.ref,
      ...(parentRef.sectionName !== undefined && {
        sectionName: parentRef.sectionName,
      }),
      ...(parentRef.port !== undefined && { port: parentRef.port }),
      ...(gateway && {
        listeners: listeners.filter(l => l.attached).map(l => l.listener.name),
      }),
      conditions: parentConditions(route, parentRef).map(condition),
    })),
    rules: route.rules.map(rule => ({
      matches: rule.matches.map(m => m.display),
      backends: rule.backendRefs.map(b => ({
        service: backendText(b),
        ...(b.port !== undefined && { port: b.port }),
        ...(b.weight !== undefined && { weight: b.weight }),
      })),
    })),
  };
}

/** The traffic section's entry of one Gateway API Gateway. */
export function k8sGatewayTraffic(
  gateway: K8sGateway,
  deployment?: K8sGatewayTraffic['deployment'],
): K8sGatewayTraffic {
  return {
    ref: gateway.ref,
    className: gateway.gatewayClassName,
    listeners: gateway.listeners.map(l => ({
      name: l.name,
      port: l.port,
      protocol: l.protocol,
      ...(l.hostname !== undefined && { hostname: l.hostname }),
      ...(l.tls && { tlsMode: l.tls.mode }),
      certificateRefs: (l.tls?.certificateRefs ?? []).map(
        c => `${c.namespace}/${c.name}`,
      ),
      ...(l.status?.attachedRoutes !== undefined && {
        attachedRoutes: l.status.attachedRoutes,
      }),
      ...(l.status && { conditions: l.status.conditions.map(condition) }),
    })),
    conditions: gateway.conditions.map(condition),
    ...(deployment && { deployment }),
  };
}

/**
 * The certificates the entity's routes are served with: one per Gateway and
 * certificate Secret of a listener that terminates TLS and has one of the
 * routes attached, with the route hostnames served there (a route's
 * hostnames intersected with the listener's; `*` is no host).
 */
export function listenerCredentials(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels'>,
  routes: readonly HttpRoute[],
): GatewayCredential[] {
  const byKey = new Map<string, GatewayCredential>();
  for (const route of routes) {
    for (const { gateway, listener, hostnames } of attachedListeners(
      model,
      route,
    )) {
      if (!listenerTerminatesTls(listener)) {
        continue;
      }
      for (const secret of listenerCertificateSecrets(listener)) {
        const key = `${gateway.ref}|${secret.namespace}/${secret.name}`;
        const credential = byKey.get(key) ?? {
          gateway: gateway.ref,
          namespace: secret.namespace,
          credentialName: secret.name,
          hosts: [],
        };
        credential.hosts = [
          ...new Set([
            ...credential.hosts,
            ...hostnames.filter(h => h !== '*'),
          ]),
        ];
        byKey.set(key, credential);
      }
    }
  }
  return [...byKey.values()];
}

/** Each backend's share of a rule's requests in percent, by its weight. */
function sharesOf(
  backends: ReadonlyArray<{ weight?: number }>,
): Array<number | undefined> {
  if (backends.length < 2) {
    return backends.map(() => undefined);
  }
  // the API's default weight is 1
  const weights = backends.map(b => Math.max(0, b.weight ?? 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map(w => (total > 0 ? Math.round((w / total) * 100) : 0));
}

/**
 * The route topology of the Gateway API traffic shown: host → Gateway →
 * listener → HTTPRoute → Service → workload, with each Service's share of a
 * rule's requests (in percent, from the backends' relative weights) on the
 * HTTPRoute → Service edge. A route attached to no listener is drawn from
 * the route on. Ids of hosts, Services and workloads are those of the Istio
 * topology, so the two merge.
 */
export function gatewayApiTopology(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels'>,
  routes: readonly HttpRoute[],
  services: readonly MeshService[],
  workloads: readonly TrafficWorkload[],
): Topology {
  const topology = new TopologyBuilder();
  const node = topology.node.bind(topology);
  const edge = topology.edge.bind(topology);
  for (const route of routes) {
    const routeId = node(`httproute:${route.ref}`, 'httpRoute', route.name);
    for (const { gateway, listener, hostnames } of attachedListeners(
      model,
      route,
    )) {
      const gatewayId = node(
        `k8sgateway:${gateway.ref}`,
        'gateway',
        gateway.ref,
      );
      const listenerId = node(
        `listener:${gateway.ref}#${listener.name}`,
        'listener',
        `${listener.name} · ${listener.protocol} ${listener.port}`,
      );
      for (const host of hostnames) {
        edge(node(`host:${host}`, 'host', host), gatewayId);
      }
      edge(gatewayId, listenerId);
      edge(listenerId, routeId);
    }
    for (const rule of route.rules) {
      const shares = sharesOf(rule.backendRefs);
      rule.backendRefs.forEach((b, i) => {
        const service = isServiceBackend(b)
          ? services.find(s => s.fqdn === b.fqdn)
          : undefined;
        if (!service) {
          return;
        }
        const serviceId = node(
          `service:${service.fqdn}`,
          'service',
          service.name,
        );
        edge(routeId, serviceId, shares[i]);
        for (const w of workloads) {
          if (
            w.namespace === service.namespace &&
            selectorMatches(service.selector, w.labels)
          ) {
            edge(
              serviceId,
              node(
                `workload:${w.namespace}/${w.name}`,
                'workload',
                w.name,
                w.pods.length,
              ),
            );
          }
        }
      });
    }
  }
  return topology.build();
}

/** Two topologies as one: nodes by id, edges by their ends (first wins). */
export function mergeTopologies(a: Topology, b: Topology): Topology {
  const merged = new TopologyBuilder();
  for (const { nodes, edges } of [a, b]) {
    nodes.forEach(n => merged.node(n.id, n.kind, n.label, n.podCount));
    edges.forEach(e => merged.edge(e.from, e.to, e.weight));
  }
  return merged.build();
}

/**
 * A condition the controller set to `False`: an error, or a warning while
 * it is only `Pending`.
 */
function conditionFinding(
  c: GatewayApiCondition,
  object: string,
  about: string,
): Finding[] {
  if (!conditionProblem(c)) {
    return [];
  }
  const negative = NEGATIVE_POLARITY_CONDITIONS.has(c.type);
  return [
    {
      id: negative
        ? 'gateway-api-condition-true'
        : 'gateway-api-condition-false',
      severity:
        c.reason === 'Pending' || conditionProblemIsWarning(c)
          ? 'warning'
          : 'error',
      object,
      message: `${about}: ${c.type}=${c.status}${
        c.reason ? ` (${c.reason})` : ''
      }${c.message ? `: ${c.message}` : ''}`,
    },
  ];
}

/** True when some condition of the list has been decided (True or False). */
const reported = (conditions: readonly GatewayApiCondition[], type: string) =>
  conditions.some(c => c.type === type && c.status !== 'Unknown');

/**
 * Findings from the conditions the controller wrote: `Accepted`,
 * `ResolvedRefs` and `Programmed` set to `False` on the Gateways, their
 * listeners and the routes' parents (with the reason and message), and a
 * note where no controller has decided yet.
 */
export function gatewayApiConditionFindings(
  routes: readonly HttpRoute[],
  gateways: readonly K8sGateway[],
): Finding[] {
  const findings: Finding[] = [];
  for (const g of gateways) {
    const object = gatewayObject(g);
    if (!reported(g.conditions, 'Accepted')) {
      const pending = g.conditions.find(c => c.type === 'Accepted');
      findings.push({
        id: 'gateway-api-not-reconciled',
        severity: 'info',
        object,
        message: `no controller has accepted Gateway ${g.ref} yet${
          pending?.reason ? ` (Accepted=Unknown, ${pending.reason})` : ''
        }: is GatewayClass '${g.gatewayClassName}' installed?`,
        fix: `kubectl get gatewayclass ${g.gatewayClassName}`,
      });
    }
    for (const c of g.conditions) {
      findings.push(...conditionFinding(c, object, `Gateway ${g.ref}`));
    }
    for (const l of g.listeners) {
      for (const c of l.status?.conditions ?? []) {
        findings.push(
          ...conditionFinding(
            c,
            object,
            `listener '${l.name}' of Gateway ${g.ref}`,
          ),
        );
      }
    }
  }
  const existing = new Set(gateways.map(g => g.ref));
  for (const route of routes) {
    const object = routeObject(route);
    for (const parentRef of route.parentRefs) {
      const conditions = parentConditions(route, parentRef);
      const on = `${parentRef.kind} ${parentRef.ref}${
        parentRef.sectionName ? ` (listener '${parentRef.sectionName}')` : ''
      }`;
      if (
        isGatewayParentRef(parentRef) &&
        existing.has(parentRef.ref) &&
        !reported(conditions, 'Accepted')
      ) {
        findings.push({
          id: 'gateway-api-not-reconciled',
          severity: 'info',
          object,
          message: `no controller has reported on HTTPRoute ${route.ref} for ${on} yet`,
        });
      }
      for (const c of conditions) {
        findings.push(
          ...conditionFinding(c, object, `HTTPRoute ${route.ref} on ${on}`),
        );
      }
    }
  }
  return findings;
}

/**
 * The Deployment istiod runs a Gateway of class `istio` in: missing (nothing
 * serves the Gateway), no ready replica (error) or fewer than desired
 * (warning).
 */
export function gatewayDeploymentFindings(
  gateway: K8sGateway,
  deployment: NonNullable<K8sGatewayTraffic['deployment']>,
): Finding[] {
  const object = gatewayObject(gateway);
  const where = `${deployment.namespace}/${deployment.name}`;
  const pods = `kubectl get pods -n ${gateway.namespace} -l gateway.networking.k8s.io/gateway-name=${gateway.name}`;
  if (!deployment.exists) {
    return [
      {
        id: 'gateway-deployment-missing',
        severity: 'error',
        object,
        message: `Gateway ${gateway.ref} (class ${gateway.gatewayClassName}) has no Deployment ${where}: istiod has not deployed it, so nothing serves its listeners`,
        fix: `Check the Gateway's conditions and istiod's logs: kubectl get gateway.gateway.networking.k8s.io ${gateway.name} -n ${gateway.namespace} -o yaml`,
      },
    ];
  }
  if (deployment.ready) {
    return [];
  }
  const available = deployment.availableReplicas ?? 0;
  const counts = `${deployment.readyReplicas} of ${
    deployment.desired
  } replicas ready${
    available < deployment.readyReplicas ? `, ${available} available` : ''
  }`;
  if (deployment.desired === 0) {
    return [
      {
        id: 'gateway-deployment-not-ready',
        severity: 'error',
        object,
        message: `Deployment ${where} of Gateway ${gateway.ref} is scaled to 0 replicas: nothing serves its listeners`,
        fix: `kubectl scale deployment ${deployment.name} -n ${deployment.namespace} --replicas=1`,
      },
    ];
  }
  return [
    {
      id: 'gateway-deployment-not-ready',
      severity:
        deployment.readyReplicas === 0 || available === 0 ? 'error' : 'warning',
      object,
      message: `Deployment ${where} of Gateway ${gateway.ref} has ${counts}`,
      fix: pods,
    },
  ];
}

/**
 * The rule book's Gateway API rules (status purpose) over the routes and
 * Gateways shown, judging only what was read: without the Gateways, no
 * attachment, hostname or listener rule; without the ReferenceGrants (when
 * a reference crosses namespaces), no cross-namespace reference rule.
 */
export function gatewayApiRuleFindings(
  model: GatewayApiModel,
  routes: readonly HttpRoute[],
  gateways: readonly K8sGateway[],
  known: { gateways: boolean; referenceGrants: boolean },
): Finding[] {
  const grantRules = new Set([
    'backend-ref-not-permitted',
    'certificate-ref-not-permitted',
  ]);
  const findings: RuleFinding[] = [
    ...routes.flatMap(route =>
      known.gateways
        ? httpRouteFindings(model, route, { purpose: 'status' })
        : [
            ...httpRouteBackendFindings(model, route),
            ...httpRouteReferenceGrantFindings(model, route),
            ...httpRouteUnreachableFindings(route),
          ],
    ),
    ...gateways.flatMap(g =>
      k8sGatewayFindings(model, g, { purpose: 'status' }),
    ),
  ];
  return findings
    .filter(f => known.referenceGrants || !grantRules.has(f.id))
    .map(({ missingReference, ...finding }) => finding);
}

/** What the status shows of the Gateway API for an entity. */
export type GatewayApiStatus = {
  httpRoutes: HttpRouteTraffic[];
  k8sGateways: K8sGatewayTraffic[];
  topology: Topology;
  credentials: GatewayCredential[];
  findings: Finding[];
};

/**
 * The Gateway API part of an entity's status, from what was read:
 *
 * - `model`: every Gateway, HTTPRoute (and, when needed, ReferenceGrant) of
 *   the cluster, the Services of the entity's namespaces and the namespace
 *   labels read;
 * - `known`: which of the Gateways and ReferenceGrants reads succeeded;
 * - `deployments`: the `<name>-istio` Deployment of each Gateway shown by
 *   ref (`null`: it does not exist; absent: not read).
 */
export function gatewayApiStatus(input: {
  model: GatewayApiModel;
  known: { gateways: boolean; referenceGrants: boolean };
  services: readonly MeshService[];
  workloads: readonly TrafficWorkload[];
  deployments: ReadonlyMap<string, DeploymentObject | null>;
}): GatewayApiStatus {
  const { model, known, services, workloads, deployments } = input;
  const routes = httpRoutesTo(model.httpRoutes, services);
  const gateways = parentGatewaysOf(model.gateways, routes);
  const deploymentOf = new Map(
    gateways.flatMap(g =>
      gatewayDeploymentName(g) && deployments.has(g.ref)
        ? [
            [
              g.ref,
              gatewayDeploymentStatus(g, deployments.get(g.ref)!),
            ] as const,
          ]
        : [],
    ),
  );
  return {
    httpRoutes: routes.map(r => httpRouteTraffic(model, r)),
    k8sGateways: gateways.map(g =>
      k8sGatewayTraffic(g, deploymentOf.get(g.ref)),
    ),
    topology: gatewayApiTopology(model, routes, services, workloads),
    credentials: listenerCredentials(model, routes),
    findings: [
      ...gatewayApiRuleFindings(model, routes, gateways, known),
      ...gatewayApiConditionFindings(routes, gateways),
      ...gateways.flatMap(g => {
        const d = deploymentOf.get(g.ref);
        return d ? gatewayDeploymentFindings(g, d) : [];
      }),
    ],
  };
}
