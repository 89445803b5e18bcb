/**
 * What a fuzz test compares before and after it throws hostile input at an
 * action or the HTTP API: every namespace, and every object of the mesh
 * kinds in the cluster with its uid and resourceVersion. Structural types,
 * so a `MeshClusterClient` (istio-node) fits without istio-common importing
 * it. Test-only.
 */

/** The reads a snapshot needs (`MeshClusterClient` has them). */
export type SnapshotReader<T> = {
  listNamespaces(): Promise<string[]>;
  list(type: T): Promise<
    Array<{
      kind?: string;
      metadata?: {
        name?: string;
        namespace?: string;
        uid?: string;
        resourceVersion?: string;
      };
    }>
  >;
};

/** `Kind/namespace/name` → `uid@resourceVersion`. */
export type ClusterSnapshot = Map<string, string>;

/** Every namespace and every object of `types`, cluster-wide. */
export async function clusterSnapshot<T>(
  reader: SnapshotReader<T>,
  types: T[],
): Promise<ClusterSnapshot> {
  const snapshot: ClusterSnapshot = new Map();
  for (const name of await reader.listNamespaces()) {
    snapshot.set(`Namespace//${name}`, 'exists');
  }
  const lists = await Promise.all(types.map(type => reader.list(type)));
  for (const list of lists) {
    for (const o of list) {
      snapshot.set(
        `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`,
        `${o.metadata?.uid}@${o.metadata?.resourceVersion}`,
      );
    }
  }
  return snapshot;
}

/**
 * What changed between two snapshots that a write could have done: objects
 * (and namespaces) that appeared, and objects in `watched` namespaces whose
 * resourceVersion changed. Objects that disappeared are not counted (other
 * test files' namespaces are being deleted by the namespace controller), and
 * neither are objects in other test files' namespaces (`mdt-…`, made by
 * `describeWithCluster`, when another run shares the cluster) unless they are
 * `watched`: no hostile input here names such a namespace.
 */
export function snapshotChanges(
  before: ClusterSnapshot,
  after: ClusterSnapshot,
  watched: string[],
  otherTests: RegExp = /^mdt-/,
): { created: string[]; changed: string[] } {
  const created: string[] = [];
  const changed: string[] = [];
  for (const [key, version] of after) {
    const [kind, namespace, name] = key.split('/');
    const where = kind === 'Namespace' ? name : namespace;
    const ours = watched.includes(where);
    if (!ours && otherTests.test(where)) {
      continue;
    }
    const previous = before.get(key);
    if (previous === undefined) {
      created.push(key);
    } else if (previous !== version && ours) {
      changed.push(key);
    }
  }
  return { created, changed };
}
