import { INJECTION_LABELS } from '../manifests/namespace';
import type { NamespaceStatus } from '../status/schema';

/**
 * The part of a Kubernetes Namespace Meshdeck reads. A `V1Namespace` from
 * `@kubernetes/client-node` is assignable to it; managedFields times are a
 * `Date` there and a string in raw JSON.
 *
 * @public
 */
export type NamespaceObject = {
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    managedFields?: Array<{
      time?: Date | string | null;
      fieldsV1?: unknown;
    }>;
  };
};

/**
 * When the namespace's injection label was last set, from the managedFields
 * entry that owns it (the best the API server can tell).
 */
function labelledAt(ns: NamespaceObject, label: string): string | undefined {
  const key = `f:${label}`;
  const owner = (ns.metadata?.managedFields ?? []).find(
    f => (f.fieldsV1 as any)?.['f:metadata']?.['f:labels']?.[key] !== undefined,
  );
  const time = owner?.time;
  if (time instanceof Date) {
    return time.toISOString();
  }
  return typeof time === 'string' ? time : undefined;
}

/**
 * How a namespace's pods join the mesh, decided by its labels the way
 * istiod decides it: ambient, then `istio-injection`, then `istio.io/rev`.
 *
 * @public
 */
export function namespaceStatus(ns: NamespaceObject): NamespaceStatus {
  const labels = ns.metadata?.labels ?? {};
  const name = ns.metadata?.name ?? '';
  const deciding = Object.fromEntries(
    Object.values(INJECTION_LABELS)
      .filter(l => labels[l] !== undefined)
      .map(l => [l, labels[l]]),
  );
  if (labels[INJECTION_LABELS.ambient] === 'ambient') {
    return { name, injection: 'ambient', labels: deciding };
  }
  const sidecar = labels[INJECTION_LABELS.sidecar];
  if (sidecar === 'enabled') {
    return {
      name,
      injection: 'sidecar',
      labels: deciding,
      labelledAt: labelledAt(ns, INJECTION_LABELS.sidecar),
    };
  }
  const revision = labels[INJECTION_LABELS.revision];
  if (revision && sidecar !== 'disabled') {
    return {
      name,
      injection: 'revision',
      revision,
      labels: deciding,
      labelledAt: labelledAt(ns, INJECTION_LABELS.revision),
    };
  }
  return { name, injection: 'none', labels: deciding };
}
