import type { V1Pod } from '@kubernetes/client-node';
import {
  NamespaceStatus,
  podStatus,
  WorkloadStatus,
} from '@meshdeck/plugin-istio-common';

/*
 * Pod and proxy classification and the sidecar rules live in the mesh rule
 * book of istio-common (`mesh/pods.ts`, `mesh/rules/sidecars.ts`); they are
 * re-exported here for the status assembly. What stays is backend-only:
 * grouping the pods read from a cluster into workloads.
 */
export {
  imageVersion,
  podStatus,
  sidecarFindings,
  sidecarOf,
} from '@meshdeck/plugin-istio-common';

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
