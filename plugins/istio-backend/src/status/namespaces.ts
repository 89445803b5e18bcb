import type { V1Namespace } from '@kubernetes/client-node';
import {
  Finding,
  INJECTION_LABELS,
  NamespaceStatus,
} from '@meshdeck/plugin-istio-common';

/**
 * When the namespace's injection label was last set, from the managedFields
 * entry that owns it (the best the API server can tell).
 */
function labelledAt(ns: V1Namespace, label: string): string | undefined {
  const key = `f:${label}`;
  const owner = (ns.metadata?.managedFields ?? []).find(
    f => (f.fieldsV1 as any)?.['f:metadata']?.['f:labels']?.[key] !== undefined,
  );
  const time = owner?.time as unknown;
  if (time instanceof Date) {
    return time.toISOString();
  }
  return typeof time === 'string' ? time : undefined;
}

/**
 * How a namespace's pods join the mesh, decided by its labels the way
 * istiod decides it: ambient, then `istio-injection`, then `istio.io/rev`.
 */
export function namespaceStatus(ns: V1Namespace): NamespaceStatus {
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

/** IST0123: more than one injection label on a namespace. */
export function namespaceFindings(ns: NamespaceStatus): Finding[] {
  const set = Object.keys(ns.labels);
  if (
    set.includes(INJECTION_LABELS.sidecar) &&
    set.includes(INJECTION_LABELS.revision)
  ) {
    return [
      {
        id: 'namespace-multiple-injection-labels',
        severity: 'error',
        code: 'IST0123',
        object: `Namespace/${ns.name}`,
        message: `Namespace has both ${INJECTION_LABELS.sidecar} and ${INJECTION_LABELS.revision}; ${INJECTION_LABELS.sidecar} wins and the revision label is ignored`,
        fix: `kubectl label namespace ${ns.name} ${INJECTION_LABELS.revision}-`,
      },
    ];
  }
  return [];
}
