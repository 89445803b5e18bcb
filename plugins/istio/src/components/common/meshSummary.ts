import {
  CertificateStatus,
  ClusterStatus,
  conditionHealthy,
  conditionProblemIsWarning,
  NEGATIVE_POLARITY_CONDITIONS,
  Dataplane,
  GatewayApiConditionStatus,
  MtlsMode,
  NamespaceStatus,
  PodStatus,
  WaypointUse,
} from '@meshdeck/plugin-istio-common';

/** Why a pod has no sidecar, in words a service owner reads. */
export const MISSING_REASON_TEXT: Record<
  NonNullable<PodStatus['sidecar']['missingReason']>,
  string
> = {
  'namespace-not-labelled': 'namespace not labelled for injection',
  'opted-out': 'opted out with sidecar.istio.io/inject=false',
  'created-before-injection': 'created before injection was enabled',
  ambient: 'ambient mode',
  unknown: 'reason unknown',
};

/** How a namespace joins the mesh, in a few words. */
export function injectionText(ns: NamespaceStatus): string {
  switch (ns.injection) {
    case 'sidecar':
      return 'sidecar injection';
    case 'revision':
      return `revision ${ns.revision ?? ''}`.trim();
    case 'ambient':
      return 'ambient mode';
    default:
      return 'not in the mesh';
  }
}

export type SidecarSummary = {
  injected: number;
  /** Pods that should have a sidecar (ambient pods do not need one). */
  total: number;
  injection: string;
  /** The first problem, e.g. "2 pods have no sidecar: namespace not labelled". */
  problem?: string;
  ready: number;
};

/**
 * True when the pod should have a sidecar: not an ambient pod, nor one that
 * opted out of ambient mode.
 */
export function expectsSidecar(pod: PodStatus): boolean {
  return (
    pod.sidecar.missingReason !== 'ambient' && pod.dataplane?.mode !== 'ambient'
  );
}

/** True when some pod of the cluster has a sidecar or should have one. */
export function usesSidecars(cluster: ClusterStatus): boolean {
  return cluster.workloads.some(w =>
    w.pods.some(p => p.sidecar.injected || expectsSidecar(p)),
  );
}

export function sidecarSummary(cluster: ClusterStatus): SidecarSummary {
  const pods = cluster.workloads.flatMap(w => w.pods);
  const expected = pods.filter(expectsSidecar);
  const missing = expected.filter(p => !p.sidecar.injected);
  const injection =
    [...new Set(cluster.namespaces.map(injectionText))].join(', ') ||
    'namespace unknown';
  let problem: string | undefined;
  if (missing.length > 0) {
    const reason = missing[0].sidecar.missingReason ?? 'unknown';
    const sameReason = missing.filter(
      p => (p.sidecar.missingReason ?? 'unknown') === reason,
    ).length;
    problem = `${sameReason} ${
      sameReason === 1 ? 'pod has' : 'pods have'
    } no sidecar: ${MISSING_REASON_TEXT[reason]}`;
  }
  return {
    injected: expected.length - missing.length,
    total: expected.length,
    injection,
    problem,
    ready: pods.filter(p => p.ready).length,
  };
}

/**
 * A pod's data plane; answers from older backends carry none, so it is read
 * from the sidecar then.
 */
export function dataplaneMode(pod: PodStatus): Dataplane['mode'] {
  if (pod.dataplane) {
    return pod.dataplane.mode;
  }
  if (pod.sidecar.injected) {
    return 'sidecar';
  }
  return pod.sidecar.missingReason === 'ambient' ? 'ambient' : 'none';
}

/** True when the cluster's answer involves ambient mode. */
export function usesAmbient(cluster: ClusterStatus): boolean {
  return (
    cluster.ambient !== undefined ||
    cluster.namespaces.some(n => n.injection === 'ambient') ||
    cluster.workloads.some(w =>
      w.pods.some(p => p.dataplane?.mode === 'ambient'),
    )
  );
}

/**
 * A waypoint as `namespace/name`, e.g. "shop/waypoint": waypoints are
 * often just called `waypoint`, which says nothing without its namespace.
 */
export function waypointName(waypoint: WaypointUse): string {
  return `${waypoint.namespace}/${waypoint.name}`;
}

const pods = (n: number) => `${n} ${n === 1 ? 'pod' : 'pods'}`;

/** ztunnel in a few words, for the ambient part of the data-plane line. */
function ztunnelText(cluster: ClusterStatus): { text: string; ok: boolean } {
  const ztunnel = cluster.ambient?.ztunnel;
  if (ztunnel) {
    return ztunnel.ready < ztunnel.desired
      ? { text: `ztunnel ${ztunnel.ready}/${ztunnel.desired} ready`, ok: false }
      : { text: 'ztunnel', ok: true };
  }
  if (!cluster.ambient) {
    // an older backend, or nothing read: say no more than the mode
    return { text: 'ztunnel', ok: true };
  }
  const unread = cluster.errors.some(e =>
    e.message.startsWith('ztunnel DaemonSet'),
  );
  return { text: unread ? 'ztunnel unknown' : 'no ztunnel found', ok: unread };
}

export type DataplaneSummary = {
  /**
   * The data plane in words, e.g. "ambient (ztunnel) · 3/3 pods captured ·
   * waypoint shop/shop-waypoint", "sidecar" or "not in the mesh"; several modes
   * are joined with "; " and say how many pods each has.
   */
  text: string;
  tone: Tone;
};

/** How the entity's pods in a cluster join the mesh, in words. */
export function dataplaneSummary(cluster: ClusterStatus): DataplaneSummary {
  const all = cluster.workloads.flatMap(w =>
    w.pods.map(pod => ({ pod, namespace: w.namespace })),
  );
  const byMode = (mode: Dataplane['mode']) =>
    all.filter(p => dataplaneMode(p.pod) === mode);
  const ambient = byMode('ambient');
  const sidecar = byMode('sidecar');
  const none = byMode('none');
  const modes = [ambient, sidecar, none].filter(m => m.length > 0).length;
  const parts: string[] = [];
  let ok = true;
  if (ambient.length > 0) {
    const ztunnel = ztunnelText(cluster);
    const captured = ambient.filter(p => p.pod.dataplane?.captured).length;
    const known = ambient.some(p => p.pod.dataplane?.captured !== undefined);
    const waypoints = [
      ...new Map(
        ambient.flatMap(({ pod }) => {
          const w = pod.dataplane?.waypoint;
          return w
            ? [
                [
                  `${w.namespace}/${w.name}`,
                  `${waypointName(w)}${
                    w.programmed === false ? ' (not programmed)' : ''
                  }`,
                ] as const,
              ]
            : [];
        }),
      ).values(),
    ];
    const waypointProblem = ambient.some(
      p => p.pod.dataplane?.waypoint?.programmed === false,
    );
    ok = ok && ztunnel.ok && (!known || captured === ambient.length);
    ok = ok && !waypointProblem;
    parts.push(
      [
        `ambient (${ztunnel.text})`,
        ...(known ? [`${captured}/${pods(ambient.length)} captured`] : []),
        ...(waypoints.length > 0
          ? [
              `${
                waypoints.length === 1 ? 'waypoint' : 'waypoints'
              } ${waypoints.join(', ')}`,
            ]
          : []),
      ].join(' · '),
    );
  }
  if (sidecar.length > 0) {
    parts.push(modes > 1 ? `sidecar (${pods(sidecar.length)})` : 'sidecar');
  }
  if (none.length > 0) {
    ok = false;
    parts.push(
      modes > 1 ? `not in the mesh (${pods(none.length)})` : 'not in the mesh',
    );
  }
  return { text: parts.join('; '), tone: ok ? 'ok' : 'warning' };
}

/** The mTLS modes in effect, e.g. "STRICT" or "PERMISSIVE (1 of 2 workloads)". */
export function mtlsSummary(cluster: ClusterStatus): string | undefined {
  const modes = cluster.workloads
    .map(w => w.mtls?.mode)
    .filter((m): m is MtlsMode => Boolean(m));
  if (modes.length === 0) {
    return undefined;
  }
  const counts = new Map<MtlsMode, number>();
  for (const m of modes) {
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  if (counts.size === 1) {
    return modes[0] === 'UNSET' ? 'PERMISSIVE (default)' : modes[0];
  }
  return [...counts.entries()]
    .map(([mode, n]) => `${mode} (${n} of ${modes.length} workloads)`)
    .join(', ');
}

/** `rotation-due` → "rotation due". */
export function verdictText(verdict: CertificateStatus['verdict']): string {
  return verdict.replace(/-/g, ' ');
}

/**
 * Every verdict on a certificate, most urgent first (answers from older
 * backends carry only the top one).
 */
export function certificateVerdicts(
  certificate: CertificateStatus,
): CertificateStatus['verdict'][] {
  return certificate.verdicts?.length
    ? certificate.verdicts
    : [certificate.verdict];
}

/** True when ACM holds a renewed certificate the secret does not have yet. */
export function renewalWaitingInAcm(certificate: CertificateStatus): boolean {
  const waiting = certificate.acm?.renewedCertificateWaiting;
  if (waiting !== undefined) {
    return waiting;
  }
  // older backends: rotation-due always meant a renewal in ACM
  return (
    Boolean(certificate.acm) &&
    certificateVerdicts(certificate).includes('rotation-due')
  );
}

/**
 * One verdict in words: "not covered" (naming the hosts when only some are
 * not), and a renewal waiting in ACM as "renewed certificate waiting in ACM".
 */
export function verdictWords(
  certificate: CertificateStatus,
  verdict: CertificateStatus['verdict'],
): string {
  if (verdict === 'not-covered') {
    const uncovered = certificate.certificate?.uncoveredHosts ?? [];
    return uncovered.length > 0 && uncovered.length < certificate.hosts.length
      ? `not covered: ${uncovered.join(', ')}`
      : 'not covered';
  }
  if (verdict === 'rotation-due' && renewalWaitingInAcm(certificate)) {
    return 'renewed certificate waiting in ACM';
  }
  return verdictText(verdict);
}

/**
 * What is wrong with a certificate, for the card's line: the most urgent
 * verdict, then the others in words, e.g. "sync failing · renewed
 * certificate waiting in ACM". Empty when it is fine.
 */
export function certificateProblems(certificate: CertificateStatus): string[] {
  const verdicts = certificateVerdicts(certificate).filter(v => v !== 'ok');
  return verdicts.map((v, i) =>
    i === 0 && v !== 'not-covered'
      ? verdictText(v)
      : verdictWords(certificate, v),
  );
}

/**
 * The card's certificate line after the hosts: days left (or why there are
 * none), then the problems, e.g. "12 days left · not covered · sync failing".
 */
export function certificateLine(certificate: CertificateStatus): string {
  const problems = certificateProblems(certificate);
  // without a certificate, daysText already names the top verdict
  const rest = certificate.certificate ? problems : problems.slice(1);
  return [daysText(certificate), ...rest].join(' · ');
}

export type Tone = 'ok' | 'warning' | 'error' | 'neutral';

/** The colour a certificate line gets. */
export function certificateTone(certificate: CertificateStatus): Tone {
  if (certificate.severity) {
    return ({ ok: 'ok', warning: 'warning', critical: 'error' } as const)[
      certificate.severity
    ];
  }
  switch (certificate.verdict) {
    case 'ok':
      return 'ok';
    case 'expiring':
    case 'rotation-due':
    case 'unknown':
      return 'warning';
    default:
      return 'error';
  }
}

/** "42 days left", "expired 3 days ago", or the verdict when unreadable. */
export function daysText(certificate: CertificateStatus): string {
  const days = certificate.certificate?.daysLeft;
  if (days === undefined) {
    return verdictText(certificate.verdict);
  }
  if (days < 0) {
    return `expired ${-days} ${-days === 1 ? 'day' : 'days'} ago`;
  }
  return `${days} ${days === 1 ? 'day' : 'days'} left`;
}

/** The cluster's name as people know it. */
export function clusterLabel(cluster: { name: string; title?: string }) {
  return cluster.title && cluster.title !== cluster.name
    ? `${cluster.title} (${cluster.name})`
    : cluster.name;
}

/**
 * How bad an unhealthy condition is: `Unknown`, overlapping TLS
 * configuration and partly invalid routes still serve traffic (warning);
 * anything else does not, or not as configured (error).
 */
export function conditionTone(condition: GatewayApiConditionStatus): Tone {
  if (conditionHealthy(condition)) {
    return 'ok';
  }
  return condition.status === 'Unknown' || conditionProblemIsWarning(condition)
    ? 'warning'
    : 'error';
}

/** The worst of some tones: error, then warning, then neutral, then ok. */
export function worstTone(tones: readonly Tone[]): Tone {
  const order: Tone[] = ['error', 'warning', 'neutral', 'ok'];
  return order.find(t => tones.includes(t)) ?? 'ok';
}

/**
 * Conditions in a few words: a healthy one by its type (`Accepted`), an
 * unhealthy one with its status and reason (`ResolvedRefs=False
 * (RefNotPermitted)`, `Conflicted=True (HostnameConflict)`). A healthy
 * negative-polarity condition (`Conflicted=False`) says nothing and is left
 * out.
 */
export function conditionsText(
  conditions: readonly GatewayApiConditionStatus[],
): string {
  return conditions
    .filter(
      c => !(conditionHealthy(c) && NEGATIVE_POLARITY_CONDITIONS.has(c.type)),
    )
    .map(c =>
      conditionHealthy(c)
        ? c.type
        : `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`,
    )
    .join(', ');
}
