import {
  dataplaneOf,
  MeshControlPlane,
  MeshPeerAuthentication,
  NamespaceObject,
  namespaceStatus,
  OverviewNamespace,
  OverviewProxyVersion,
  PodObject,
  sidecarOf,
} from '@meshdeck/plugin-istio-common';
import { effectiveMtls } from '../status/mtls';
import { distinctLabelSets, OwnerKey, workloadLabels } from './ownership';
import { appendTo } from './appendTo';

/**
 * The data plane of a cluster: per namespace how its pods join the mesh
 * (injection mode, pods in and outside the mesh, the namespace-wide mTLS
 * mode), and per control-plane revision the proxy versions its pods run.
 * Pure functions over the cluster-wide pod and namespace reads.
 */

/** The mesh root namespace, whose PeerAuthentication is mesh-wide. */
export const MESH_ROOT_NAMESPACE = 'istio-system';

/** Pods that still run or will: finished Jobs' pods are left out. */
export function activePods<T extends PodObject>(pods: readonly T[]): T[] {
  return pods.filter(
    p => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
}

/** A namespace entry before its owners are known (its key is its name). */
export type NamespaceEntry = Omit<
  OverviewNamespace,
  'cluster' | 'entities' | 'owners'
>;

/**
 * The namespaces with pods or a mesh label: injection mode and revision,
 * pods with a proxy or captured by ztunnel against the rest, and the
 * namespace-wide mTLS mode (the namespace's PeerAuthentication without a
 * selector, else the mesh's, else Istio's default PERMISSIVE; `UNSET` when
 * the PeerAuthentications could not be read). Sorted by name.
 */
export function namespaceEntries(input: {
  namespaces: readonly NamespaceObject[];
  pods: readonly PodObject[];
  /** Undefined when they could not be read. */
  peerAuthentications?: readonly MeshPeerAuthentication[];
}): NamespaceEntry[] {
  const objects = new Map(
    input.namespaces.map(n => [n.metadata?.name ?? '', n]),
  );
  const podsByNamespace = new Map<string, PodObject[]>();
  for (const pod of activePods(input.pods)) {
    const ns = pod.metadata?.namespace ?? '';
    appendTo(podsByNamespace, ns, pod);
  }
  const policies = input.peerAuthentications;
  const policiesIn = (ns: string) =>
    (policies ?? []).filter(p => p.namespace === ns);
  const names = new Set([...objects.keys(), ...podsByNamespace.keys()]);
  const entries: NamespaceEntry[] = [];
  for (const name of [...names].sort()) {
    const object = objects.get(name) ?? { metadata: { name } };
    const status = namespaceStatus(object);
    const pods = podsByNamespace.get(name) ?? [];
    if (pods.length === 0 && Object.keys(status.labels).length === 0) {
      continue;
    }
    const namespaceLabels = object.metadata?.labels ?? {};
    const inMesh = pods.filter(p => {
      const dataplane = dataplaneOf(p, { namespaceLabels });
      return (
        dataplane.mode === 'sidecar' ||
        (dataplane.mode === 'ambient' && dataplane.captured === true)
      );
    }).length;
    entries.push({
      name,
      injection: status.injection,
      ...(status.revision && { revision: status.revision }),
      podsInMesh: inMesh,
      podsOutsideMesh: pods.length - inMesh,
      mtls: policies
        ? effectiveMtls({
            namespace: name,
            workloadLabels: {},
            namespacePolicies:
              name === MESH_ROOT_NAMESPACE
                ? []
                : policiesIn(name).filter(p => !p.selector),
            rootPolicies: policiesIn(MESH_ROOT_NAMESPACE),
          }).mode
        : 'UNSET',
    });
  }
  return entries;
}

/**
 * Per namespace, the distinct label sets of its pods (without the labels
 * controllers set per pod): what tells the entities whose pods run there.
 */
export function podLabelSets(
  pods: readonly PodObject[],
): Record<string, Array<Record<string, string>>> {
  const byNamespace = new Map<string, Array<Record<string, string>>>();
  for (const pod of activePods(pods)) {
    const ns = pod.metadata?.namespace ?? '';
    appendTo(byNamespace, ns, workloadLabels(pod.metadata?.labels));
  }
  return Object.fromEntries(
    [...byNamespace].map(([ns, sets]) => [ns, distinctLabelSets(sets)]),
  );
}

/**
 * Compares Istio versions part by part, numbers as numbers
 * (`1.9.0` < `1.29.2` < `1.30.0-rc.1` < `1.30.0`); a version that does not
 * start with a number (e.g. `latest`) sorts last.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.+-]/);
  const numeric = (v: string) => /^\d/.test(v.replace(/^v/, ''));
  if (numeric(a) !== numeric(b)) {
    return numeric(a) ? -1 : 1;
  }
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    let diff: number;
    if (!isNaN(nx) && !isNaN(ny)) {
      diff = nx - ny;
    } else if (x === '' || y === '') {
      // a release sorts after its pre-releases (1.30.0 > 1.30.0-rc.1)
      diff = Number(x === '') - Number(y === '');
    } else {
      diff = x.localeCompare(y);
    }
    if (diff !== 0) {
      return diff;
    }
  }
  return 0;
}

/** A proxy version entry before its owners are known. */
export type ProxyVersionEntry = Omit<
  OverviewProxyVersion,
  'cluster' | 'namespaces'
> & {
  namespaces: Array<{ namespace: string; pods: number; keys: OwnerKey[] }>;
};

/** The version of proxies whose image has no tag. */
export const UNKNOWN_VERSION = 'unknown';

/**
 * The proxies of the cluster by version and control-plane revision (the
 * injector's, else the pod's `istio.io/rev`, else `default`): how many pods
 * run each, in which namespaces (with the pods' label sets as owner keys),
 * and whether a control plane of the revision runs a newer version. Oldest
 * version first.
 */
export function proxyVersionEntries(
  pods: readonly PodObject[],
  controlPlanes: readonly MeshControlPlane[],
): ProxyVersionEntry[] {
  const groups = new Map<
    string,
    {
      version: string;
      revision: string;
      byNamespace: Map<string, PodObject[]>;
    }
  >();
  for (const pod of activePods(pods)) {
    const sidecar = sidecarOf(pod, { injection: 'none' });
    if (!sidecar.injected) {
      continue;
    }
    const version = sidecar.version ?? UNKNOWN_VERSION;
    const revision = sidecar.revision ?? 'default';
    const id = `${version}\u0000${revision}`;
    const group = groups.get(id) ?? {
      version,
      revision,
      byNamespace: new Map(),
    };
    const ns = pod.metadata?.namespace ?? '';
    appendTo(group.byNamespace, ns, pod);
    groups.set(id, group);
  }
  return [...groups.values()]
    .map(({ version, revision, byNamespace }) => {
      const namespaces = [...byNamespace]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([namespace, list]) => ({
          namespace,
          pods: list.length,
          keys: distinctLabelSets(
            list.map(p => workloadLabels(p.metadata?.labels)),
          ).map(labels => ({ namespace, labels })),
        }));
      return {
        version,
        revision,
        pods: namespaces.reduce((sum, n) => sum + n.pods, 0),
        outdated:
          version !== UNKNOWN_VERSION &&
          controlPlanes.some(
            c =>
              c.revision === revision &&
              c.version !== undefined &&
              compareVersions(c.version, version) > 0,
          ),
        namespaces,
      };
    })
    .sort(
      (a, b) =>
        compareVersions(a.version, b.version) ||
        a.revision.localeCompare(b.revision),
    );
}
