import {
  CertificateStatus,
  ClusterStatus,
  MtlsMode,
  NamespaceStatus,
  PodStatus,
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

export function sidecarSummary(cluster: ClusterStatus): SidecarSummary {
  const pods = cluster.workloads.flatMap(w => w.pods);
  const expected = pods.filter(p => p.sidecar.missingReason !== 'ambient');
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
