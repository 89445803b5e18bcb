import type { PodObject } from '@meshdeck/plugin-istio-common';

/**
 * What the watch-fed cache keeps of each object it is sent: the fields
 * Meshdeck's status, overview and rules read (see `PodObject`,
 * `parseService`, `namespaceStatus`), nothing else — no environment
 * variables, volumes, managed fields of other fields, and never a secret's
 * data. Keeping 10,000 pods then costs megabytes, not hundreds.
 */

type Raw = Record<string, any>;

/**
 * A time as `Date#toISOString` writes it (`…:27.000Z`), which is how the
 * generated client's `Date`s reach the status: the API server sends
 * `…:27Z`, and the answers must not depend on which way an object came.
 */
function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && !(value instanceof Date)) {
    return undefined;
  }
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** The injector's interception mode; the only environment variable read. */
const INTERCEPTION_MODE_ENV = 'ISTIO_META_INTERCEPTION_MODE';

function trimContainer(c: Raw): Raw {
  const proxy = c.name === 'istio-proxy';
  const interception = proxy
    ? (c.env as Raw[] | undefined)?.filter(
        e => e?.name === INTERCEPTION_MODE_ENV,
      )
    : undefined;
  return {
    name: c.name,
    ...(c.image !== undefined && { image: c.image }),
    ...(c.restartPolicy !== undefined && { restartPolicy: c.restartPolicy }),
    // `proxy router` / `proxy waypoint` tell a gateway from a sidecar
    ...(proxy && Array.isArray(c.args) && { args: c.args.slice(0, 2) }),
    ...(interception?.length && {
      env: interception.map(e => ({ name: e.name, value: e.value })),
    }),
    ...(proxy &&
      c.resources && {
        resources: {
          ...(c.resources.requests && { requests: c.resources.requests }),
          ...(c.resources.limits && { limits: c.resources.limits }),
        },
      }),
  };
}

const trimContainerStatus = (s: Raw) => ({
  name: s.name,
  ready: s.ready,
  restartCount: s.restartCount,
});

function trimOwners(owners: Raw[] | undefined) {
  return owners?.map(o => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    uid: o.uid,
    ...(o.controller !== undefined && { controller: o.controller }),
  }));
}

/**
 * A pod as every Meshdeck read needs it: identity, labels, Istio's
 * annotations (`*istio.io/*`), owner, creation time; containers' names,
 * images and restart policies (and of `istio-proxy` its first two args,
 * resources and interception mode); phase, readiness and restarts.
 */
export function trimPod(pod: Raw): PodObject & Raw {
  const m = pod.metadata ?? {};
  const istioAnnotations = Object.entries(
    (m.annotations ?? {}) as Record<string, string>,
  ).filter(([k]) => k.includes('istio.io/'));
  const owners = trimOwners(m.ownerReferences);
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      labels: m.labels ?? {},
      ...(istioAnnotations.length > 0 && {
        annotations: Object.fromEntries(istioAnnotations),
      }),
      ...(isoTime(m.creationTimestamp) && {
        creationTimestamp: isoTime(m.creationTimestamp),
      }),
      ...(owners && { ownerReferences: owners }),
    },
    spec: {
      containers: ((pod.spec?.containers ?? []) as Raw[]).map(trimContainer),
      ...(pod.spec?.initContainers && {
        initContainers: (pod.spec.initContainers as Raw[]).map(trimContainer),
      }),
      ...(pod.spec?.hostNetwork && { hostNetwork: true }),
    },
    status: {
      phase: pod.status?.phase,
      conditions: ((pod.status?.conditions ?? []) as Raw[])
        .filter(c => c.type === 'Ready')
        .map(c => ({ type: c.type, status: c.status })),
      containerStatuses: ((pod.status?.containerStatuses ?? []) as Raw[]).map(
        trimContainerStatus,
      ),
      ...(pod.status?.initContainerStatuses && {
        initContainerStatuses: (pod.status.initContainerStatuses as Raw[])
          .filter(s => s.name === 'istio-proxy')
          .map(trimContainerStatus),
      }),
    },
  };
}

/**
 * A namespace: name, labels, and of its managedFields only the label fields
 * and their time (when an injection label was set).
 */
export function trimNamespace(ns: Raw): Raw {
  const managedFields = ((ns.metadata?.managedFields ?? []) as Raw[]).flatMap(
    f => {
      const labels = f.fieldsV1?.['f:metadata']?.['f:labels'];
      return labels
        ? [
            {
              time: isoTime(f.time),
              fieldsV1: { 'f:metadata': { 'f:labels': labels } },
            },
          ]
        : [];
    },
  );
  return {
    metadata: {
      name: ns.metadata?.name,
      labels: ns.metadata?.labels ?? {},
      ...(managedFields.length > 0 && { managedFields }),
    },
  };
}

/** A Service: identity, labels, type, selector and ports. */
export function trimService(service: Raw): Raw {
  const m = service.metadata ?? {};
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      labels: m.labels ?? {},
    },
    spec: {
      ...(service.spec?.type && { type: service.spec.type }),
      ...(service.spec?.selector && { selector: service.spec.selector }),
      ports: ((service.spec?.ports ?? []) as Raw[]).map(p => ({
        ...(p.name !== undefined && { name: p.name }),
        port: p.port,
        ...(p.targetPort !== undefined && { targetPort: p.targetPort }),
        ...(p.protocol !== undefined && { protocol: p.protocol }),
        ...(p.appProtocol !== undefined && { appProtocol: p.appProtocol }),
      })),
    },
  };
}

/** A ReplicaSet: identity, labels and owner (its Deployment). */
export function trimReplicaSet(rs: Raw): Raw {
  const m = rs.metadata ?? {};
  const owners = trimOwners(m.ownerReferences);
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      labels: m.labels ?? {},
      ...(owners && { ownerReferences: owners }),
    },
  };
}

/**
 * An Istio, Gateway API or external-secrets object: whole, but without
 * managedFields and the last-applied copy of itself.
 */
export function trimConfigObject(object: Raw): Raw {
  const { managedFields, annotations, ...metadata } = object.metadata ?? {};
  void managedFields;
  const kept = annotations
    ? Object.fromEntries(
        Object.entries(annotations as Record<string, string>).filter(
          ([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration',
        ),
      )
    : undefined;
  return {
    ...object,
    metadata: {
      ...metadata,
      ...(kept && Object.keys(kept).length > 0 && { annotations: kept }),
    },
  };
}

/** A Deployment: identity, labels, the first container's image, replica counts. */
export function trimDeployment(d: Raw): Raw {
  const m = d.metadata ?? {};
  const image = d.spec?.template?.spec?.containers?.[0]?.image;
  return {
    metadata: { name: m.name, namespace: m.namespace, labels: m.labels ?? {} },
    spec: {
      replicas: d.spec?.replicas,
      ...(image !== undefined && {
        template: { spec: { containers: [{ name: '', image }] } },
      }),
    },
    status: {
      replicas: d.status?.replicas,
      readyReplicas: d.status?.readyReplicas,
      availableReplicas: d.status?.availableReplicas,
    },
  };
}

/** A DaemonSet (ztunnel): identity and how many of its pods are ready. */
export function trimDaemonSet(d: Raw): Raw {
  return {
    metadata: { name: d.metadata?.name, namespace: d.metadata?.namespace },
    status: {
      desiredNumberScheduled: d.status?.desiredNumberScheduled,
      numberReady: d.status?.numberReady,
    },
  };
}
