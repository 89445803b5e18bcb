import { INJECTION_LABELS } from '../../manifests/namespace';
import type { Finding, NamespaceStatus } from '../../status/schema';

/**
 * IST0123: a namespace with more than one injection label
 * (`istio-injection`, `istio.io/rev`, `istio.io/dataplane-mode`). Istio
 * follows one of them and ignores the others, so the namespace does not do
 * what one of its labels says. Used by the status (labels as they are) and
 * by `istio:namespace:create` (labels as they would be).
 *
 * @public
 */
export function injectionLabelFindings(
  namespace: string,
  labels: Record<string, string>,
): Finding[] {
  const set = Object.values(INJECTION_LABELS).filter(
    l => labels[l] !== undefined,
  );
  if (set.length < 2) {
    return [];
  }
  const { sidecar, revision } = INJECTION_LABELS;
  const ignored = set.filter(l => l !== sidecar);
  return [
    {
      id: 'namespace-multiple-injection-labels',
      severity: 'error',
      code: 'IST0123',
      object: `Namespace/${namespace}`,
      message:
        set.length === 2 && set.includes(sidecar) && set.includes(revision)
          ? `Namespace has both ${sidecar} and ${revision}; ${sidecar} wins and the revision label is ignored`
          : `Namespace has ${set
              .map(l => `${l}=${labels[l]}`)
              .join(' and ')}; a namespace takes one injection label`,
      fix: `kubectl label namespace ${namespace} ${(set.includes(sidecar)
        ? ignored
        : set.slice(1)
      )
        .map(l => `${l}-`)
        .join(' ')}`,
    },
  ];
}

/**
 * IST0123 on a namespace's status.
 *
 * @public
 */
export function namespaceFindings(ns: NamespaceStatus): Finding[] {
  return injectionLabelFindings(ns.name, ns.labels);
}
