import {
  MeshPeerAuthentication,
  MtlsMode,
  selectorMatches,
} from '@meshdeck/plugin-istio-common';

/** The mTLS mode in effect for a workload, and the policy that set it. */
export type EffectiveMtls = { mode: MtlsMode; source: string };

const SET_MODES: ReadonlySet<string> = new Set<MtlsMode>([
  'STRICT',
  'PERMISSIVE',
  'DISABLE',
]);

/** The mode a policy sets; none when it is UNSET (it inherits). */
function modeOf(policy: MeshPeerAuthentication): MtlsMode | undefined {
  const mode = policy.mtlsMode;
  return mode && SET_MODES.has(mode) ? (mode as MtlsMode) : undefined;
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
  namespacePolicies: MeshPeerAuthentication[];
  /** PeerAuthentications of the mesh root namespace (usually istio-system). */
  rootPolicies: MeshPeerAuthentication[];
}): EffectiveMtls {
  const oldestFirst = (list: MeshPeerAuthentication[]) =>
    [...list].sort((a, b) =>
      (a.createdAt ?? '').localeCompare(b.createdAt ?? ''),
    );
  const candidates = [
    ...oldestFirst(options.namespacePolicies).filter(p =>
      selectorMatches(p.selector, options.workloadLabels),
    ),
    ...oldestFirst(options.namespacePolicies).filter(p => !p.selector),
    ...oldestFirst(options.rootPolicies).filter(p => !p.selector),
  ];
  for (const policy of candidates) {
    const mode = modeOf(policy);
    if (mode) {
      return {
        mode,
        source: `${policy.namespace}/PeerAuthentication/${policy.name}`,
      };
    }
  }
  return {
    mode: 'PERMISSIVE',
    source: 'Istio default (no PeerAuthentication)',
  };
}
