import { arr, obj, str } from './json';
import type { AmbientStatus, Dataplane, WaypointUse } from '../status/schema';
import { selectorMatches } from './labels';
import type {
  MeshAuthorizationPolicy,
  MeshObjectMeta,
  MeshService,
  RawObject,
} from './model';
import { parseK8sGateway } from './gatewayApi/parse';
import type { K8sGateway } from './gatewayApi/model';
import { parseAuthorizationPolicy } from './parse';
import { injectorStatus, PodObject, proxyContainer } from './pods';

/**
 * Istio's ambient mode as the rule book sees it: which data plane a pod is
 * in, whether istio-cni captured it for ztunnel, the waypoint that handles
 * its traffic, and the waypoints and ztunnel themselves.
 *
 * What Istio does, and where this follows it (istio/istio):
 * - capture: `cni/pkg/util/podutil.go` — a pod is enrolled when it or its
 *   namespace is labelled `istio.io/dataplane-mode=ambient`, never when it
 *   has a sidecar (`sidecar.istio.io/status`), never on the host network;
 *   the node agent then annotates `ambient.istio.io/redirection: enabled`
 *   (`pending` while only partly done).
 * - waypoints: `pilot/.../ambient/waypoints.go` — `istio.io/use-waypoint`
 *   on the object itself wins over its namespace's, `none` opts out, and
 *   `istio.io/use-waypoint-namespace` names another namespace.
 * - L7 policy: `pilot/.../ambient/authorization.go` — ztunnel gets only the
 *   L4 part of an AuthorizationPolicy; see {@link authorizationPolicyL7Fields}.
 */

/** Labels and annotations of ambient mode. @public */
export const AMBIENT_KEYS = {
  /** Pod or namespace label: `ambient` enrols, `none` (on a pod) opts out. */
  dataplaneMode: 'istio.io/dataplane-mode',
  /** Pod annotation set by the istio-cni node agent: `enabled` once captured. */
  redirection: 'ambient.istio.io/redirection',
  /** Namespace, Service or pod label: the waypoint to use, or `none`. */
  useWaypoint: 'istio.io/use-waypoint',
  /** Label beside `istio.io/use-waypoint`: the waypoint's namespace. */
  useWaypointNamespace: 'istio.io/use-waypoint-namespace',
  /** Waypoint label: the traffic it handles (`service`, `workload`, `all`, `none`). */
  waypointFor: 'istio.io/waypoint-for',
} as const;

/** The GatewayClass of Istio's waypoints. @public */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';

/** The port of a waypoint's HBONE listener. @public */
export const HBONE_PORT = 15008;

/** The name of Istio's ztunnel DaemonSet (in `istio-system` by default). @public */
export const ZTUNNEL_DAEMONSET = 'ztunnel';

/** The namespace Istio installs ztunnel in by default. @public */
export const ZTUNNEL_DEFAULT_NAMESPACE = 'istio-system';

/** A waypoint by name. @public */
export type WaypointRef = { namespace: string; name: string };

/**
 * What an object's `istio.io/use-waypoint` label says: a waypoint (in the
 * object's namespace unless `istio.io/use-waypoint-namespace` names
 * another), `none` (opted out), or nothing (the label is not set).
 *
 * @public
 */
export function useWaypointLabel(
  labels: Record<string, string> | undefined,
  ownNamespace: string,
): WaypointRef | 'none' | undefined {
  const value = labels?.[AMBIENT_KEYS.useWaypoint];
  if (value === undefined) {
    return undefined;
  }
  if (value === 'none') {
    return 'none';
  }
  return {
    namespace: labels?.[AMBIENT_KEYS.useWaypointNamespace] || ownNamespace,
    name: value,
  };
}

/** One level that may choose a waypoint, most specific first. */
type WaypointLevel = {
  source: WaypointUse['source'];
  labels?: Record<string, string>;
};

function firstWaypoint(
  levels: WaypointLevel[],
  namespace: string,
): Omit<WaypointUse, 'programmed'> | undefined {
  for (const level of levels) {
    const choice = useWaypointLabel(level.labels, namespace);
    if (choice === 'none') {
      return undefined;
    }
    if (choice) {
      return { ...choice, source: level.source };
    }
  }
  return undefined;
}

/**
 * The waypoint of a Service: its own `istio.io/use-waypoint` label, else
 * its namespace's (`none` on the Service opts out).
 *
 * @public
 */
export function serviceWaypoint(
  service: Pick<MeshService, 'namespace' | 'labels'>,
  namespaceLabels: Record<string, string> | undefined,
): Omit<WaypointUse, 'programmed'> | undefined {
  return firstWaypoint(
    [
      { source: 'service', labels: service.labels },
      { source: 'namespace', labels: namespaceLabels },
    ],
    service.namespace,
  );
}

/**
 * The waypoint that handles an ambient pod's traffic. The most specific
 * `istio.io/use-waypoint` label decides: the pod's, then that of a Service
 * selecting the pod (by name, when several do), then the namespace's; `none`
 * at the deciding level means no waypoint.
 *
 * Istio resolves this per address — traffic to a Service by the Service's
 * label (else the namespace's), traffic to the pod itself by the pod's
 * (else the namespace's) — so a pod label names the waypoint of direct pod
 * traffic; one answer per pod is what a status can show.
 *
 * @public
 */
export function podWaypoint(
  pod: Pick<PodObject, 'metadata'>,
  context: {
    namespaceLabels?: Record<string, string>;
    /** Services of the pod's namespace; those selecting it count. */
    services?: Array<
      Pick<MeshService, 'namespace' | 'name' | 'labels' | 'selector'>
    >;
  },
): Omit<WaypointUse, 'programmed'> | undefined {
  const namespace = pod.metadata?.namespace ?? '';
  const labels = pod.metadata?.labels ?? {};
  const selecting = (context.services ?? [])
    .filter(
      s => s.namespace === namespace && selectorMatches(s.selector, labels),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const service = selecting.find(
    s => s.labels[AMBIENT_KEYS.useWaypoint] !== undefined,
  );
  return firstWaypoint(
    [
      { source: 'pod', labels },
      { source: 'service', labels: service?.labels },
      { source: 'namespace', labels: context.namespaceLabels },
    ],
    namespace,
  );
}

/** A status condition as a Gateway API controller writes it. @public */
export type AmbientCondition = {
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
};

/**
 * A Gateway API Gateway as ambient mode needs it: every Gateway is parsed
 * (a policy may target any of them), and `waypoint` tells Istio's waypoints
 * (`gatewayClassName: istio-waypoint`) apart.
 *
 * @public
 */
export type AmbientGateway = MeshObjectMeta & {
  kind: 'Gateway';
  gatewayClassName: string;
  /** `gatewayClassName: istio-waypoint`. */
  waypoint: boolean;
  /** It has the HBONE listener (protocol `HBONE`, port 15008). */
  hbone: boolean;
  /** `istio.io/waypoint-for`, when set (Istio's default is `service`). */
  waypointFor?: string;
  /** Its `Programmed` condition, when a controller wrote one. */
  programmed?: AmbientCondition;
};

/**
 * A Gateway API Gateway, parsed once by the rule book's `parseK8sGateway`,
 * as ambient mode needs it.
 *
 * @public
 */
export function ambientGatewayOf(gateway: K8sGateway): AmbientGateway {
  const { gatewayClassName, labels } = gateway;
  const waypointFor = labels[AMBIENT_KEYS.waypointFor];
  const c = gateway.conditions.find(x => x.type === 'Programmed');
  const programmed: AmbientCondition | undefined = c && {
    status: c.status,
    ...(c.reason && { reason: c.reason }),
    ...(c.message && { message: c.message }),
  };
  return {
    kind: 'Gateway',
    namespace: gateway.namespace,
    name: gateway.name,
    ref: gateway.ref,
    labels,
    ...(gateway.createdAt && { createdAt: gateway.createdAt }),
    ...(gateway.apiVersion && { apiVersion: gateway.apiVersion }),
    gatewayClassName,
    waypoint: gatewayClassName === WAYPOINT_GATEWAY_CLASS,
    hbone: gateway.listeners.some(
      l => l.protocol.toUpperCase() === 'HBONE' && l.port === HBONE_PORT,
    ),
    ...(waypointFor && { waypointFor }),
    ...(programmed && { programmed }),
  };
}

/**
 * A Gateway API Gateway (`gateway.networking.k8s.io`), for ambient mode.
 *
 * @public
 */
export function parseAmbientGateway(o: RawObject): AmbientGateway {
  return ambientGatewayOf(parseK8sGateway(o));
}

/** True when a Gateway's `Programmed` condition is `True`. @public */
export function isProgrammed(gateway: AmbientGateway | undefined): boolean {
  return gateway?.programmed?.status === 'True';
}

/** Why a Gateway is not programmed, in a few words. @public */
export function notProgrammedReason(gateway: AmbientGateway): string {
  const c = gateway.programmed;
  if (!c) {
    return 'no Programmed condition yet (no controller has taken it)';
  }
  return [`Programmed=${c.status}`, c.reason, c.message]
    .filter(Boolean)
    .join(': ');
}

/**
 * The part of a Kubernetes DaemonSet Meshdeck reads. A `V1DaemonSet` from
 * `@kubernetes/client-node` is assignable to it.
 *
 * @public
 */
export type DaemonSetObject = {
  metadata?: { name?: string; namespace?: string };
  status?: { desiredNumberScheduled?: number; numberReady?: number };
};

/** The ztunnel DaemonSet: where it runs and how many of its pods are ready. @public */
export type ZtunnelStatus = NonNullable<AmbientStatus['ztunnel']>;

/**
 * The ztunnel among DaemonSets named `ztunnel`: the one in `istio-system`
 * when there is one, else the first by namespace. Undefined when there is
 * none.
 *
 * @public
 */
export function ztunnelOf(
  daemonSets: DaemonSetObject[],
): ZtunnelStatus | undefined {
  const candidates = daemonSets
    .filter(d => (d.metadata?.name ?? '') === ZTUNNEL_DAEMONSET)
    .sort((a, b) =>
      (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? ''),
    );
  const chosen =
    candidates.find(d => d.metadata?.namespace === ZTUNNEL_DEFAULT_NAMESPACE) ??
    candidates[0];
  if (!chosen) {
    return undefined;
  }
  return {
    namespace: chosen.metadata?.namespace ?? '',
    name: chosen.metadata?.name ?? '',
    desired: chosen.status?.desiredNumberScheduled ?? 0,
    ready: chosen.status?.numberReady ?? 0,
  };
}

/**
 * Where a pod's ambient intent comes from: its own
 * `istio.io/dataplane-mode=ambient` label, or its namespace's (unless the
 * pod opts out with `istio.io/dataplane-mode=none`). Undefined when the pod
 * is not meant for ambient mode.
 *
 * @public
 */
export function ambientIntent(
  podLabels: Record<string, string> | undefined,
  namespaceLabels: Record<string, string> | undefined,
): 'pod' | 'namespace' | undefined {
  const own = podLabels?.[AMBIENT_KEYS.dataplaneMode];
  if (own === 'ambient') {
    return 'pod';
  }
  if (own === 'none') {
    return undefined;
  }
  return namespaceLabels?.[AMBIENT_KEYS.dataplaneMode] === 'ambient'
    ? 'namespace'
    : undefined;
}

/** True when the pod opts out of its ambient namespace (`istio.io/dataplane-mode=none`). @public */
export function optsOutOfAmbient(
  podLabels: Record<string, string> | undefined,
  namespaceLabels: Record<string, string> | undefined,
): boolean {
  return (
    podLabels?.[AMBIENT_KEYS.dataplaneMode] === 'none' &&
    namespaceLabels?.[AMBIENT_KEYS.dataplaneMode] === 'ambient'
  );
}

/**
 * What {@link dataplaneOf} needs besides the pod.
 *
 * @public
 */
export type DataplaneContext = {
  /** All labels of the pod's namespace (not only the injection labels). */
  namespaceLabels?: Record<string, string>;
  /** Services of the pod's namespace, for their `istio.io/use-waypoint`. */
  services?: Array<
    Pick<MeshService, 'namespace' | 'name' | 'labels' | 'selector'>
  >;
  /** The cluster's Gateway API Gateways; undefined when they were not read. */
  gateways?: AmbientGateway[];
};

/**
 * How a pod joins the mesh. `sidecar` when it has an Istio proxy (as
 * {@link proxyContainer} finds it; istio-cni never captures such a pod),
 * else `ambient` when it or its namespace is labelled for ambient mode (not
 * on the host network, which ambient never captures), else `none`. For an
 * ambient pod: whether istio-cni captured it, and its waypoint.
 *
 * @public
 */
export function dataplaneOf(
  pod: PodObject,
  context: DataplaneContext = {},
): Dataplane {
  if (proxyContainer(pod)) {
    return { mode: 'sidecar' };
  }
  if (
    pod.spec?.hostNetwork ||
    !ambientIntent(pod.metadata?.labels, context.namespaceLabels)
  ) {
    return { mode: 'none' };
  }
  const captured =
    pod.metadata?.annotations?.[AMBIENT_KEYS.redirection] === 'enabled';
  const waypoint = podWaypoint(pod, context);
  if (!waypoint) {
    return { mode: 'ambient', captured };
  }
  const gateway = context.gateways?.find(
    g => g.namespace === waypoint.namespace && g.name === waypoint.name,
  );
  return {
    mode: 'ambient',
    captured,
    waypoint: {
      ...waypoint,
      ...(context.gateways && { programmed: isProgrammed(gateway) }),
    },
  };
}

/**
 * True when the sidecar injector processed the pod
 * (`sidecar.istio.io/status`): istio-cni then treats it as a sidecar pod
 * and never captures it, even without an `istio-proxy` container.
 *
 * @public
 */
export function injectorProcessed(pod: PodObject): boolean {
  return injectorStatus(pod) !== undefined;
}

/**
 * An AuthorizationPolicy with the fields of its rules that only a proxy
 * that parses HTTP can match.
 *
 * @public
 */
export type AmbientAuthorizationPolicy = MeshAuthorizationPolicy & {
  /**
   * The HTTP-only fields its rules use, e.g. `to.operation.methods`,
   * `from.source.requestPrincipals`, `when request.headers[x-user]`; empty
   * for a policy ztunnel can enforce as written.
   */
  l7Fields: string[];
};

const L7_OPERATION_FIELDS = [
  'hosts',
  'notHosts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
];
const L7_SOURCE_FIELDS = [
  'requestPrincipals',
  'notRequestPrincipals',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
];
/** The `when` keys ztunnel understands; every other key needs HTTP. */
const L4_WHEN_KEYS = new Set([
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
]);

const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;

/**
 * The HTTP-only fields an AuthorizationPolicy's rules use, as Istio's
 * conversion for ztunnel (`handleRule` in
 * `pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go`)
 * tells them apart: `to.operation` hosts, methods, paths (and their `not`
 * forms), `from.source` requestPrincipals and remoteIpBlocks (and `not`
 * forms), and `when` keys other than source.ip, source.namespace,
 * source.principal, destination.ip and destination.port. Ports, principals,
 * namespaces and ipBlocks are L4. Sorted, without duplicates.
 *
 * @public
 */
export function authorizationPolicyL7Fields(o: RawObject): string[] {
  const fields = new Set<string>();
  for (const rawRule of arr(obj(o.spec).rules)) {
    const rule = obj(rawRule);
    for (const to of arr(rule.to)) {
      const operation = obj(obj(to).operation);
      for (const f of L7_OPERATION_FIELDS) {
        if (nonEmpty(operation[f])) {
          fields.add(`to.operation.${f}`);
        }
      }
    }
    for (const from of arr(rule.from)) {
      const source = obj(obj(from).source);
      for (const f of L7_SOURCE_FIELDS) {
        if (nonEmpty(source[f])) {
          fields.add(`from.source.${f}`);
        }
      }
    }
    for (const when of arr(rule.when)) {
      const key = str(obj(when).key);
      if (key && !L4_WHEN_KEYS.has(key)) {
        fields.add(`when ${key}`);
      }
    }
  }
  return [...fields].sort();
}

/**
 * An AuthorizationPolicy with its HTTP-only fields.
 *
 * @public
 */
export function parseAmbientAuthorizationPolicy(
  o: RawObject,
): AmbientAuthorizationPolicy {
  return {
    ...parseAuthorizationPolicy(o),
    l7Fields: authorizationPolicyL7Fields(o),
  };
}

/**
 * The waypoints the pods use, each once, with what the Gateways say of
 * them: for the cluster's `ambient.waypoints`. A waypoint whose Gateway does
 * not exist is left out (a finding names it).
 *
 * @public
 */
export function waypointsInUse(
  dataplanes: Dataplane[],
  gateways: AmbientGateway[] | undefined,
): AmbientStatus['waypoints'] {
  const seen = new Map<string, AmbientStatus['waypoints'][number]>();
  for (const d of dataplanes) {
    const w = d.waypoint;
    if (!w || seen.has(`${w.namespace}/${w.name}`)) {
      continue;
    }
    const gateway = gateways?.find(
      g => g.namespace === w.namespace && g.name === w.name,
    );
    if (!gateway) {
      continue;
    }
    const programmed = isProgrammed(gateway);
    seen.set(`${w.namespace}/${w.name}`, {
      name: w.name,
      namespace: w.namespace,
      programmed,
      ...(!programmed && { reason: notProgrammedReason(gateway) }),
    });
  }
  return [...seen.values()].sort((a, b) =>
    `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
  );
}
