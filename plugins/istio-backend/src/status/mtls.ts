import { MtlsMode } from '@meshdeck/plugin-istio-common';
import { KubernetesObject } from '@meshdeck/plugin-istio-node';

/** The mTLS mode in effect for a workload, and the policy that set it. */
export type EffectiveMtls = { mode: MtlsMode; source: string };

function selects(
  policy: KubernetesObject,
  labels: Record<string, string>,
): boolean {
  const match: Record<string, string> | undefined =
    policy.spec?.selector?.matchLabels;
  if (!match || Object.keys(match).length === 0) {
    return false;
  }
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

function modeOf(policy: KubernetesObject): MtlsMode | undefined {
  const mode = policy.spec?.mtls?.mode;
  return mode && mode !== 'UNSET' ? mode : undefined;
}

function ref(policy: KubernetesObject): string {
  return `${policy.metadata.namespace}/PeerAuthentication/${policy.metadata.name}`;
}

/**
 * Resolves PeerAuthentication the way Istio does: a workload policy (selector
 * matching the workload's labels) over the namespace policy (no selector) over
 * the mesh-wide policy (no selector, in the root namespace). A policy whose
 * mode is UNSET inherits from the next level. Without any, Istio's default is
 * PERMISSIVE.
 */
export function effectiveMtls(options: {
  namespace: string;
  workloadLabels: Record<string, string>;
  /** PeerAuthentications of the workload's namespace. */
  namespacePolicies: KubernetesObject[];
  /** PeerAuthentications of the mesh root namespace (usually istio-system). */
  rootPolicies: KubernetesObject[];
}): EffectiveMtls {
  const oldestFirst = (list: KubernetesObject[]) =>
    [...list].sort((a, b) =>
      String(a.metadata.creationTimestamp ?? '').localeCompare(
        String(b.metadata.creationTimestamp ?? ''),
      ),
    );
  const candidates = [
    ...oldestFirst(options.namespacePolicies).filter(p =>
      selects(p, options.workloadLabels),
    ),
    ...oldestFirst(options.namespacePolicies).filter(
      p => !p.spec?.selector?.matchLabels,
    ),
    ...oldestFirst(options.rootPolicies).filter(
      p => !p.spec?.selector?.matchLabels,
    ),
  ];
  for (const policy of candidates) {
    const mode = modeOf(policy);
    if (mode) {
      return { mode, source: ref(policy) };
    }
  }
  return {
    mode: 'PERMISSIVE',
    source: 'Istio default (no PeerAuthentication)',
  };
}
