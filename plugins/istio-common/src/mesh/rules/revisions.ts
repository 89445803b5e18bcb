import { RuleFinding } from '../model';

/**
 * A namespace labelled `istio.io/rev=<revision>` gets sidecars only from
 * an installed control plane of that revision.
 *
 * @public
 */
export function revisionInstalledFindings(
  namespace: string,
  revision: string | undefined,
  installedRevisions: string[],
): RuleFinding[] {
  if (!revision || installedRevisions.includes(revision)) {
    return [];
  }
  return [
    {
      id: 'revision-not-installed',
      severity: 'error',
      code: 'IST0101',
      object: `Namespace/${namespace}`,
      message: `revision '${revision}' is not installed in the cluster (installed: ${
        installedRevisions.join(', ') || 'none'
      })`,
      fix: `Label the namespace with an installed revision: kubectl label namespace ${namespace} istio.io/rev=${
        installedRevisions[0] ?? '<revision>'
      } --overwrite`,
    },
  ];
}
