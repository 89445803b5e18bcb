import {
  Finding,
  NamespaceStatus,
  OverviewFinding,
  WorkloadStatus,
} from '@meshdeck/plugin-istio-common';
import { OwnerKey } from './ownership';
import { appendTo } from './appendTo';

/**
 * The findings of the mesh overview: the rule book's findings over a whole
 * cluster, each with the owner keys of the object it is about, sorted
 * errors first and grouped by code. Pure functions.
 */

/**
 * The workloads whose proxies the overview judges: those in namespaces that
 * are in the mesh (labelled for injection or ambient mode, or with a pod
 * that has a proxy). Pods of namespaces outside the mesh are counted as
 * such in the data plane, not reported one by one.
 */
export function workloadsInMesh(
  workloads: readonly WorkloadStatus[],
  namespaces: ReadonlyMap<string, NamespaceStatus>,
): WorkloadStatus[] {
  const withProxy = new Set(
    workloads
      .filter(w => w.pods.some(p => p.sidecar.injected))
      .map(w => w.namespace),
  );
  return workloads.filter(
    w =>
      (namespaces.get(w.namespace)?.injection ?? 'none') !== 'none' ||
      withProxy.has(w.namespace),
  );
}

/** An object a finding may name, with the owner keys of what it serves. */
export type OwnedObject = {
  /** As findings name it: `namespace/Kind/name` or `Namespace/name`. */
  object: string;
  keys: OwnerKey[];
};

/**
 * The owner keys of the object a finding is about: those given for it (a
 * pod's or a route's labels, the routes a certificate serves), else its
 * namespace (`ns/Kind/name`, `Namespace/ns`).
 */
export function findingOwnerKeys(
  objects: readonly OwnedObject[],
): (object: string) => OwnerKey[] {
  const byObject = new Map<string, OwnerKey[]>();
  for (const o of objects) {
    appendTo(byObject, o.object, ...o.keys);
  }
  return object => {
    const known = byObject.get(object);
    if (known) {
      return known;
    }
    const parts = object.split('/');
    if (parts[0] === 'Namespace' && parts.length === 2) {
      return [{ namespace: parts[1] }];
    }
    return parts.length === 3 ? [{ namespace: parts[0] }] : [];
  };
}

const SEVERITY_RANK: Record<Finding['severity'], number> = {
  error: 0,
  warning: 1,
  info: 2,
};

/**
 * Errors first, then warnings, then notes; within a severity grouped by
 * code — those with an IST/KIA code first, by code, then Meshdeck's own by
 * id — then by cluster and object.
 */
export function compareFindings(
  a: OverviewFinding | (Finding & { cluster: string }),
  b: OverviewFinding | (Finding & { cluster: string }),
): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    Number(!a.code) - Number(!b.code) ||
    (a.code ?? a.id).localeCompare(b.code ?? b.id) ||
    a.id.localeCompare(b.id) ||
    a.cluster.localeCompare(b.cluster) ||
    a.object.localeCompare(b.object) ||
    a.message.localeCompare(b.message)
  );
}
