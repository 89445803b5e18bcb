import type { NamespaceStatus, PodStatus, Sidecar } from '../status/schema';
import { arr, num, obj, str } from './json';

/**
 * Pods and their Istio proxies, read the way the sidecar injector writes them.
 * Structural types only: a `V1Pod` from `@kubernetes/client-node`, a pod from
 * raw JSON/YAML, or a Deployment's `spec.template` all fit.
 */

/**
 * The name of Istio's proxy container (classic sidecar, native sidecar,
 * gateway and waypoint alike).
 *
 * @public
 */
export const ISTIO_PROXY_CONTAINER = 'istio-proxy';

/**
 * Pod annotations and labels that decide or record injection.
 *
 * @public
 */
export const POD_INJECTION_KEYS = {
  /** Pod label (preferred) or annotation: `"false"` opts the pod out. */
  inject: 'sidecar.istio.io/inject',
  /** Annotation the injector writes: JSON with what it added. */
  status: 'sidecar.istio.io/status',
  /** Annotation: REDIRECT, TPROXY or NONE. */
  interceptionMode: 'sidecar.istio.io/interceptionMode',
  /** Annotation: the injection templates to use, e.g. `gateway`. */
  templates: 'inject.istio.io/templates',
  /** Pod label or annotation: the control-plane revision. */
  revision: 'istio.io/rev',
  /** Pod (or namespace) label: `ambient` enrols it in ambient mode. */
  dataplaneMode: 'istio.io/dataplane-mode',
} as const;

/**
 * The part of a Kubernetes container Meshdeck reads.
 *
 * @public
 */
export type ContainerObject = {
  name: string;
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
  /** `Always` on an init container makes it a native sidecar. */
  restartPolicy?: string;
  resources?: {
    requests?: Record<string, unknown>;
    limits?: Record<string, unknown>;
  };
};

/**
 * The part of a Kubernetes container status Meshdeck reads.
 *
 * @public
 */
export type ContainerStatusObject = {
  name: string;
  ready?: boolean;
  restartCount?: number;
};

/**
 * The part of a Kubernetes Pod (or pod template) Meshdeck reads. A `V1Pod`
 * from `@kubernetes/client-node` is assignable to it; `creationTimestamp` is a
 * `Date` there and a string (or null, in a template) in raw JSON.
 *
 * @public
 */
export type PodObject = {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: Date | string | null;
    ownerReferences?: Array<{
      kind: string;
      name: string;
      controller?: boolean;
    }>;
  };
  spec?: {
    containers?: ContainerObject[];
    initContainers?: ContainerObject[];
    hostNetwork?: boolean;
  };
  status?: {
    phase?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: ContainerStatusObject[];
    initContainerStatuses?: ContainerStatusObject[];
  };
};

/**
 * What the sidecar injector recorded in a pod's `sidecar.istio.io/status`
 * annotation.
 *
 * @public
 */
export type InjectorStatus = {
  initContainers: string[];
  containers: string[];
  revision?: string;
};

/**
 * The tag of an image reference (`docker.io/istio/proxyv2:1.30.3` → `1.30.3`,
 * `…/proxyv2:latest` → `latest`); undefined without a tag.
 *
 * @public
 */
export function imageVersion(image?: string): string | undefined {
  if (!image) {
    return undefined;
  }
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

function names(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** Injector records parsed so far, by their text (frozen: shared). */
const parsedStatuses = new Map<string, InjectorStatus | undefined>();
const MAX_PARSED_STATUSES = 1_000;

function parseInjectorStatus(raw: string): InjectorStatus | undefined {
  try {
    const parsed = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return undefined;
    }
    return Object.freeze({
      initContainers: Object.freeze(names(parsed.initContainers)),
      containers: Object.freeze(names(parsed.containers)),
      revision:
        typeof parsed.revision === 'string' && parsed.revision
          ? parsed.revision
          : undefined,
    }) as InjectorStatus;
  } catch {
    return undefined;
  }
}

/**
 * The injector's record on a pod, or undefined when the injector did not
 * process it (or the annotation is not valid JSON).
 *
 * @public
 */
export function injectorStatus(pod: PodObject): InjectorStatus | undefined {
  const raw = pod.metadata?.annotations?.[POD_INJECTION_KEYS.status];
  if (!raw || typeof raw !== 'string') {
    return undefined;
  }
  // the pods of a mesh carry a handful of distinct records (one per
  // injection template and revision): each is parsed once
  if (parsedStatuses.has(raw)) {
    return parsedStatuses.get(raw);
  }
  const status = parseInjectorStatus(raw);
  if (parsedStatuses.size >= MAX_PARSED_STATUSES) {
    parsedStatuses.clear();
  }
  parsedStatuses.set(raw, status);
  return status;
}

/**
 * The Istio proxy of a pod: a classic `istio-proxy` container, or a native
 * sidecar (an `istio-proxy` init container with `restartPolicy: Always`). An
 * `istio-proxy` init container without it is not a proxy (it would block the
 * pod), and neither are `istio-init` or istio-cni's `istio-validation`.
 *
 * @public
 */
export function proxyContainer(
  pod: PodObject,
): { container: ContainerObject; native: boolean } | undefined {
  // read defensively: a pod from a cache or a hand-made object may have
  // anything where the API server would have lists of objects
  const classic = arr(pod.spec?.containers)
    .map(c => obj(c) as ContainerObject)
    .find(c => c.name === ISTIO_PROXY_CONTAINER);
  if (classic) {
    return { container: classic, native: false };
  }
  const native = arr(pod.spec?.initContainers)
    .map(c => obj(c) as ContainerObject)
    .find(
      c => c.name === ISTIO_PROXY_CONTAINER && c.restartPolicy === 'Always',
    );
  return native ? { container: native, native: true } : undefined;
}

/**
 * The pod's own injection choice, as istiod reads it: the label wins over
 * the annotation; `y`/`yes`/`true`/`on` opt in, any other non-empty value
 * opts out, absent means the namespace decides.
 */
function podInjectionChoice(pod: PodObject): 'in' | 'out' | undefined {
  const value = (
    str(pod.metadata?.labels?.[POD_INJECTION_KEYS.inject]) ??
    str(pod.metadata?.annotations?.[POD_INJECTION_KEYS.inject]) ??
    ''
  ).toLowerCase();
  if (value === '') {
    return undefined;
  }
  return ['y', 'yes', 'true', 'on'].includes(value) ? 'in' : 'out';
}

/**
 * When the pod was created, as an ISO string.
 *
 * @public
 */
export function podCreatedAt(pod: PodObject): string | undefined {
  const t = pod.metadata?.creationTimestamp;
  if (t instanceof Date) {
    return t.toISOString();
  }
  return typeof t === 'string' && t ? t : undefined;
}

function quantities(
  values?: Record<string, unknown>,
): Record<string, string> | undefined {
  const entries = Object.entries(obj(values));
  if (entries.length === 0) {
    return undefined;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
}

function proxyKind(
  pod: PodObject,
  container: ContainerObject,
): NonNullable<Sidecar['kind']> {
  const [command, role] = arr(container.args);
  if (command === 'proxy' && role === 'router') {
    return 'gateway';
  }
  if (command === 'proxy' && role === 'waypoint') {
    return 'waypoint';
  }
  const templates = (
    str(pod.metadata?.annotations?.[POD_INJECTION_KEYS.templates]) ?? ''
  )
    .split(',')
    .map(t => t.trim());
  return templates.includes('gateway') ? 'gateway' : 'sidecar';
}

function interceptionMode(
  pod: PodObject,
  container: ContainerObject,
): string | undefined {
  return (
    str(pod.metadata?.annotations?.[POD_INJECTION_KEYS.interceptionMode]) ??
    str(
      arr(container.env)
        .map(obj)
        .find(e => e.name === 'ISTIO_META_INTERCEPTION_MODE')?.value,
    )
  );
}

/**
 * What {@link sidecarOf} needs to know of the pod's namespace: a
 * {@link NamespaceStatus} fits.
 *
 * @public
 */
export type InjectionContext = Pick<
  NamespaceStatus,
  'injection' | 'labelledAt'
>;

function missingReason(
  pod: PodObject,
  ns: InjectionContext,
  injector: InjectorStatus | undefined,
): Sidecar['missingReason'] {
  if (pod.spec?.hostNetwork) {
    // neither istiod's injector nor ambient capture ever take hostNetwork
    // pods; `hostNetwork: true` on the sidecar says so
    return 'unknown';
  }
  if (
    ns.injection === 'ambient' ||
    pod.metadata?.labels?.[POD_INJECTION_KEYS.dataplaneMode] === 'ambient'
  ) {
    return 'ambient';
  }
  const choice = podInjectionChoice(pod);
  if (choice === 'out') {
    return 'opted-out';
  }
  if (injector) {
    // the injector did process the pod, so neither the namespace label nor
    // the creation time explain the absence; `injectedContainers` shows what
    // its template added instead
    return 'unknown';
  }
  // the webhook also injects a pod labelled sidecar.istio.io/inject=true in
  // an unlabelled namespace
  const podLabelOptsIn =
    str(pod.metadata?.labels?.[POD_INJECTION_KEYS.inject])?.toLowerCase() ===
    'true';
  if (ns.injection === 'none' && !podLabelOptsIn) {
    return 'namespace-not-labelled';
  }
  const created = podCreatedAt(pod);
  if (created && ns.labelledAt && created < ns.labelledAt) {
    return 'created-before-injection';
  }
  return 'unknown';
}

/**
 * The Istio proxy of a pod, or why it has none. A classic sidecar is an
 * `istio-proxy` container; a native sidecar an `istio-proxy` init container
 * with `restartPolicy: Always`; a gateway or waypoint pod has `istio-proxy`
 * as its (only) container. Presence is read from the spec, never from the
 * namespace: the namespace only explains an absence.
 *
 * @public
 */
export function sidecarOf(pod: PodObject, ns: InjectionContext): Sidecar {
  const injector = injectorStatus(pod);
  const injectedContainers = injector && [
    ...injector.initContainers,
    ...injector.containers,
  ];
  const proxy = proxyContainer(pod);
  if (!proxy) {
    return {
      injected: false,
      native: false,
      missingReason: missingReason(pod, ns, injector),
      ...(injectedContainers && { injectedContainers }),
      ...(pod.spec?.hostNetwork && { hostNetwork: true }),
    };
  }
  const { container, native } = proxy;
  const statuses = arr(
    native ? pod.status?.initContainerStatuses : pod.status?.containerStatuses,
  ).map(obj);
  const status = statuses.find(s => s.name === ISTIO_PROXY_CONTAINER);
  const requests = quantities(container.resources?.requests);
  const limits = quantities(container.resources?.limits);
  const revision =
    injector?.revision ??
    (str(pod.metadata?.annotations?.[POD_INJECTION_KEYS.revision]) ||
      str(pod.metadata?.labels?.[POD_INJECTION_KEYS.revision]) ||
      undefined);
  const mode = interceptionMode(pod, container);
  return {
    injected: true,
    native,
    kind: proxyKind(pod, container),
    image: str(container.image),
    version: imageVersion(str(container.image)),
    revision,
    ready: status?.ready === true,
    ...((requests || limits) && { resources: { requests, limits } }),
    ...(mode && { interceptionMode: mode }),
    ...(injectedContainers && { injectedContainers }),
  };
}

/**
 * One pod's status, with its proxy. Restarts count the app containers and
 * a native sidecar, not finished init containers.
 *
 * @public
 */
export function podStatus(pod: PodObject, ns: InjectionContext): PodStatus {
  const statuses = [
    ...arr(pod.status?.containerStatuses).map(obj),
    ...arr(pod.status?.initContainerStatuses)
      .map(obj)
      .filter(s => s.name === ISTIO_PROXY_CONTAINER),
  ];
  return {
    name: str(pod.metadata?.name) ?? '',
    phase: str(pod.status?.phase) ?? 'Unknown',
    ready: arr(pod.status?.conditions)
      .map(obj)
      .some(c => c.type === 'Ready' && c.status === 'True'),
    restarts: statuses.reduce(
      (sum, s) => sum + Math.max(0, Math.floor(num(s.restartCount) ?? 0)),
      0,
    ),
    createdAt: podCreatedAt(pod),
    sidecar: sidecarOf(pod, ns),
  };
}
