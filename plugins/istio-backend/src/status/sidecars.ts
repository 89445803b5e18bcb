import type {
  V1Container,
  V1ContainerStatus,
  V1Pod,
} from '@kubernetes/client-node';
import {
  Finding,
  NamespaceStatus,
  PodStatus,
  Sidecar,
  WorkloadStatus,
} from '@meshdeck/plugin-istio-common';

const PROXY = 'istio-proxy';

/** The tag of an image reference (`docker.io/istio/proxyv2:1.30.3` → `1.30.3`). */
export function imageVersion(image?: string): string | undefined {
  if (!image) {
    return undefined;
  }
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

function quantities(
  values?: Record<string, unknown>,
): Record<string, string> | undefined {
  if (!values || Object.keys(values).length === 0) {
    return undefined;
  }
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, String(v)]),
  );
}

function injectedRevision(pod: V1Pod): string | undefined {
  const status = pod.metadata?.annotations?.['sidecar.istio.io/status'];
  if (!status) {
    return undefined;
  }
  try {
    return JSON.parse(status).revision || undefined;
  } catch {
    return undefined;
  }
}

function optedOut(pod: V1Pod): boolean {
  const value =
    pod.metadata?.labels?.['sidecar.istio.io/inject'] ??
    pod.metadata?.annotations?.['sidecar.istio.io/inject'];
  return value === 'false';
}

function createdAt(pod: V1Pod): string | undefined {
  const t = pod.metadata?.creationTimestamp as unknown;
  if (t instanceof Date) {
    return t.toISOString();
  }
  return typeof t === 'string' ? t : undefined;
}

function missingReason(
  pod: V1Pod,
  ns: NamespaceStatus,
): Sidecar['missingReason'] {
  if (
    ns.injection === 'ambient' ||
    pod.metadata?.labels?.['istio.io/dataplane-mode'] === 'ambient'
  ) {
    return 'ambient';
  }
  if (optedOut(pod)) {
    return 'opted-out';
  }
  if (ns.injection === 'none') {
    return 'namespace-not-labelled';
  }
  const created = createdAt(pod);
  if (created && ns.labelledAt && created < ns.labelledAt) {
    return 'created-before-injection';
  }
  return 'unknown';
}

/**
 * The sidecar of a pod: a classic `istio-proxy` container, or a native
 * sidecar (an `istio-proxy` init container with restartPolicy Always). When
 * there is none, why.
 */
export function sidecarOf(pod: V1Pod, ns: NamespaceStatus): Sidecar {
  const classic = pod.spec?.containers?.find(c => c.name === PROXY);
  const native = pod.spec?.initContainers?.find(
    c => c.name === PROXY && c.restartPolicy === 'Always',
  );
  const container: V1Container | undefined = classic ?? native;
  if (!container) {
    return {
      injected: false,
      native: false,
      missingReason: missingReason(pod, ns),
    };
  }
  const statuses: V1ContainerStatus[] = classic
    ? pod.status?.containerStatuses ?? []
    : pod.status?.initContainerStatuses ?? [];
  const status = statuses.find(s => s.name === PROXY);
  const requests = quantities(container.resources?.requests);
  const limits = quantities(container.resources?.limits);
  return {
    injected: true,
    native: !classic,
    image: container.image,
    version: imageVersion(container.image),
    revision: injectedRevision(pod),
    ready: status?.ready ?? false,
    ...((requests || limits) && { resources: { requests, limits } }),
  };
}

/** One pod's status, with its sidecar. */
export function podStatus(pod: V1Pod, ns: NamespaceStatus): PodStatus {
  const statuses = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []).filter(s => s.name === PROXY),
  ];
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready:
      pod.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ) ?? false,
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    createdAt: createdAt(pod),
    sidecar: sidecarOf(pod, ns),
  };
}

/**
 * The Deployment behind a pod's ReplicaSet, read from names alone: the
 * Deployment controller names its ReplicaSets `<deployment>-<pod-template-hash>`
 * and stamps the hash on their pods. Undefined for any other ReplicaSet (a
 * bare one, or one of another controller), whose owner must be read.
 */
export function deploymentFromNames(pod: V1Pod): string | undefined {
  const ref = pod.metadata?.ownerReferences?.find(o => o.controller);
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (ref?.kind !== 'ReplicaSet' || !hash || !ref.name.endsWith(`-${hash}`)) {
    return undefined;
  }
  return ref.name.slice(0, -(hash.length + 1)) || undefined;
}

/** True when a pod belongs to a ReplicaSet whose owner names cannot tell. */
export function needsReplicaSetOwner(pod: V1Pod): boolean {
  const ref = pod.metadata?.ownerReferences?.find(o => o.controller);
  return ref?.kind === 'ReplicaSet' && !deploymentFromNames(pod);
}

/**
 * Groups pods by the workload that owns them: Deployment (through its
 * ReplicaSet), StatefulSet, DaemonSet, Job, or the bare pod itself.
 * `replicaSetOwners` holds the owners of ReplicaSets that were read; others
 * are resolved by {@link deploymentFromNames}.
 */
export function groupWorkloads(
  pods: V1Pod[],
  namespaces: Map<string, NamespaceStatus>,
  replicaSetOwners: Map<string, { kind: string; name: string }>,
): WorkloadStatus[] {
  const workloads = new Map<string, WorkloadStatus>();
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? '';
    const ns = namespaces.get(namespace) ?? {
      name: namespace,
      injection: 'none' as const,
      labels: {},
    };
    const ref =
      pod.metadata?.ownerReferences?.find(o => o.controller) ??
      pod.metadata?.ownerReferences?.[0];
    let owner = ref
      ? { kind: ref.kind, name: ref.name }
      : { kind: 'Pod', name: pod.metadata?.name ?? '' };
    if (ref?.kind === 'ReplicaSet') {
      const deployment = deploymentFromNames(pod);
      owner =
        replicaSetOwners.get(`${namespace}/${ref.name}`) ??
        (deployment ? { kind: 'Deployment', name: deployment } : owner);
    }
    const key = `${namespace}/${owner.kind}/${owner.name}`;
    const workload = workloads.get(key) ?? {
      kind: owner.kind,
      name: owner.name,
      namespace,
      pods: [],
    };
    workload.pods.push(podStatus(pod, ns));
    workloads.set(key, workload);
  }
  return [...workloads.values()].sort((a, b) =>
    `${a.namespace}/${a.kind}/${a.name}`.localeCompare(
      `${b.namespace}/${b.kind}/${b.name}`,
    ),
  );
}

function restartCommand(w: WorkloadStatus, pod: PodStatus): string {
  return ['Deployment', 'StatefulSet', 'DaemonSet'].includes(w.kind)
    ? `kubectl rollout restart ${w.kind.toLowerCase()}/${w.name} -n ${
        w.namespace
      }`
    : `kubectl delete pod ${pod.name} -n ${w.namespace}  # recreate it so the injector sees it`;
}

/**
 * Findings about sidecars: pods without one (IST0103) and why, namespaces
 * not enabled for injection (IST0102), proxies that differ from each other or
 * from the control plane (IST0158).
 */
export function sidecarFindings(
  workloads: WorkloadStatus[],
  controlPlaneVersions: string[],
): Finding[] {
  const findings: Finding[] = [];
  const unlabelled = new Set<string>();
  for (const w of workloads) {
    for (const pod of w.pods) {
      const object = `${w.namespace}/Pod/${pod.name}`;
      switch (pod.sidecar.missingReason) {
        case undefined:
        case 'ambient':
          break;
        case 'opted-out':
          findings.push({
            id: 'sidecar-opted-out',
            severity: 'info',
            object,
            message: `Pod opted out of injection (sidecar.istio.io/inject: "false"); it is outside the mesh`,
          });
          break;
        case 'namespace-not-labelled':
          unlabelled.add(w.namespace);
          findings.push({
            id: 'sidecar-missing',
            severity: 'warning',
            code: 'IST0103',
            object,
            message: `Pod has no sidecar: namespace ${w.namespace} is not enabled for injection`,
            fix: `kubectl label namespace ${
              w.namespace
            } istio-injection=enabled && ${restartCommand(w, pod)}`,
          });
          break;
        default:
          findings.push({
            id: 'sidecar-missing',
            severity: 'warning',
            code: 'IST0103',
            object,
            message:
              pod.sidecar.missingReason === 'created-before-injection'
                ? 'Pod has no sidecar: it was created before its namespace was enabled for injection'
                : 'Pod has no sidecar although its namespace is enabled for injection (was the injector down when it started?)',
            fix: restartCommand(w, pod),
          });
      }
    }
  }
  for (const ns of unlabelled) {
    findings.push({
      id: 'namespace-not-injected',
      severity: 'warning',
      code: 'IST0102',
      object: `Namespace/${ns}`,
      message: 'Namespace is not enabled for sidecar injection',
      fix: `kubectl label namespace ${ns} istio-injection=enabled`,
    });
  }

  const byNamespace = new Map<string, Set<string>>();
  for (const w of workloads) {
    for (const pod of w.pods) {
      if (pod.sidecar.version) {
        const set = byNamespace.get(w.namespace) ?? new Set<string>();
        set.add(pod.sidecar.version);
        byNamespace.set(w.namespace, set);
      }
    }
  }
  for (const [ns, versions] of byNamespace) {
    if (versions.size > 1) {
      findings.push({
        id: 'proxy-versions-differ',
        severity: 'warning',
        code: 'IST0158',
        object: `Namespace/${ns}`,
        message: `Sidecars in the namespace run different proxy versions: ${[
          ...versions,
        ]
          .sort()
          .join(', ')}`,
        fix: `kubectl rollout restart deployment -n ${ns}`,
      });
    }
    const stale = [...versions].filter(
      v => controlPlaneVersions.length > 0 && !controlPlaneVersions.includes(v),
    );
    if (stale.length > 0) {
      findings.push({
        id: 'proxy-version-differs-from-control-plane',
        severity: 'warning',
        code: 'IST0158',
        object: `Namespace/${ns}`,
        message: `Sidecar version ${stale.join(
          ', ',
        )} differs from the control plane (${controlPlaneVersions.join(', ')})`,
        fix: `kubectl rollout restart deployment -n ${ns}`,
      });
    }
  }
  return findings;
}
