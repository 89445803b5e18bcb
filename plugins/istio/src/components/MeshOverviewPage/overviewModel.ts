import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CertificateStatus,
  Finding,
  MeshOverview,
  OverviewCertificate,
  OverviewFinding,
  OverviewHost,
  OverviewNamespace,
  OverviewProxyVersion,
} from '@meshdeck/plugin-istio-common';
import { certificateTone, Tone } from '../common/meshSummary';

/**
 * What the page works on: the overview's lists, narrowed by the filter bar.
 * Pure functions, so the filters are tested without rendering.
 */

/** How urgent a row is, on the findings' scale. */
export type Level = Finding['severity'];

/** The filter bar's state; empty strings mean "all". */
export type OverviewFilters = {
  cluster: string;
  namespace: string;
  owner: string;
  /** The least severity shown: '' (all), 'warning' or 'error'. */
  severity: '' | 'warning' | 'error';
};

/** The owner filter's value for rows without an owner. */
export const NO_OWNER = '-';

export const NO_FILTERS: OverviewFilters = {
  cluster: '',
  namespace: '',
  owner: '',
  severity: '',
};

const RANK: Record<Level, number> = { info: 0, warning: 1, error: 2 };

export const levelTone: Record<Level, Tone> = {
  error: 'error',
  warning: 'warning',
  info: 'neutral',
};

function toneLevel(tone: Tone): Level {
  if (tone === 'error') {
    return 'error';
  }
  return tone === 'warning' ? 'warning' : 'info';
}

/**
 * An entity ref as the catalog would link it, read with a default kind
 * (`guests` → `group:default/guests`); undefined when it is no ref at all.
 */
export function compoundRef(
  ref: string,
  defaultKind: string,
): CompoundEntityRef | undefined {
  try {
    return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch {
    return undefined;
  }
}

/** An owner ref in full (`group:default/guests`), or as written if none. */
export function ownerKey(ref: string): string {
  const parsed = compoundRef(ref, 'group');
  return parsed ? stringifyEntityRef(parsed) : ref;
}

/** The owner filter's label: `guests`, `user:jane`, `group:other/ops`. */
export function ownerLabel(key: string): string {
  const parsed = compoundRef(key, 'group');
  if (!parsed) {
    return key;
  }
  const kind = parsed.kind.toLocaleLowerCase('en-US');
  const name =
    parsed.namespace === 'default'
      ? parsed.name
      : `${parsed.namespace}/${parsed.name}`;
  return kind === 'group' ? name : `${kind}:${name}`;
}

/** A certificate verdict's tone, for a host's certificate. */
export function verdictTone(verdict: CertificateStatus['verdict']): Tone {
  switch (verdict) {
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

export function certificateLevel(c: OverviewCertificate): Level {
  return toneLevel(certificateTone(c));
}

export function hostLevel(h: OverviewHost): Level {
  if (h.conflict) {
    return 'error';
  }
  return h.certificate ? toneLevel(verdictTone(h.certificate.verdict)) : 'info';
}

/**
 * A namespace in the mesh with pods outside it, or with mTLS disabled,
 * wants a look; a namespace that never joined the mesh is no problem.
 */
export function namespaceLevel(n: OverviewNamespace): Level {
  return (n.injection !== 'none' && n.podsOutsideMesh > 0) ||
    n.mtls === 'DISABLE'
    ? 'warning'
    : 'info';
}

export function proxyVersionLevel(p: OverviewProxyVersion): Level {
  return p.outdated ? 'warning' : 'info';
}

/** The namespace of a finding's object (`namespace/Kind/name`). */
export function findingNamespace(f: OverviewFinding): string | undefined {
  const parts = f.object.split('/');
  if (parts.length >= 3) {
    return parts[0];
  }
  return parts[0] === 'Namespace' ? parts[1] : undefined;
}

const namespaceOf = (ref: string) => ref.split('/')[0];

function matches(
  filters: OverviewFilters,
  row: {
    cluster: string;
    namespaces: Array<string | undefined>;
    owners: string[];
    level: Level;
  },
): boolean {
  if (filters.cluster && row.cluster !== filters.cluster) {
    return false;
  }
  if (filters.namespace && !row.namespaces.includes(filters.namespace)) {
    return false;
  }
  if (filters.owner === NO_OWNER) {
    if (row.owners.length > 0) {
      return false;
    }
  } else if (
    filters.owner &&
    !row.owners.some(o => ownerKey(o) === filters.owner)
  ) {
    return false;
  }
  return !filters.severity || RANK[row.level] >= RANK[filters.severity];
}

export type FilteredOverview = Omit<MeshOverview, 'generatedAt'>;

/** The overview with only the rows the filters let through. */
export function filterOverview(
  overview: MeshOverview,
  filters: OverviewFilters,
): FilteredOverview {
  const proxyVersions = overview.proxyVersions.flatMap(p => {
    if (filters.cluster && p.cluster !== filters.cluster) {
      return [];
    }
    if (
      filters.severity &&
      RANK[proxyVersionLevel(p)] < RANK[filters.severity]
    ) {
      return [];
    }
    const namespaces = p.namespaces.filter(n =>
      matches(
        { ...filters, severity: '' },
        {
          cluster: p.cluster,
          namespaces: [n.namespace],
          owners: n.owners,
          level: 'info',
        },
      ),
    );
    if (namespaces.length === 0) {
      return [];
    }
    return [
      {
        ...p,
        namespaces,
        pods: namespaces.reduce((sum, n) => sum + n.pods, 0),
      },
    ];
  });
  return {
    clusters: overview.clusters.filter(
      c => !filters.cluster || c.name === filters.cluster,
    ),
    certificates: overview.certificates.filter(c =>
      matches(filters, {
        cluster: c.cluster,
        namespaces: [c.secret.namespace, namespaceOf(c.gateway)],
        owners: c.owners,
        level: certificateLevel(c),
      }),
    ),
    hosts: overview.hosts.filter(h =>
      matches(filters, {
        cluster: h.cluster,
        namespaces: [namespaceOf(h.gateway), ...h.routes.map(r => r.namespace)],
        owners: h.owners,
        level: hostLevel(h),
      }),
    ),
    namespaces: overview.namespaces.filter(n =>
      matches(filters, {
        cluster: n.cluster,
        namespaces: [n.name],
        owners: n.owners,
        level: namespaceLevel(n),
      }),
    ),
    proxyVersions,
    findings: overview.findings.filter(f =>
      matches(filters, {
        cluster: f.cluster,
        namespaces: [findingNamespace(f)],
        owners: f.owners,
        level: f.severity,
      }),
    ),
  };
}

/** The choices of the namespace and owner filters, sorted. */
export function filterOptions(overview: MeshOverview): {
  namespaces: string[];
  owners: string[];
  unowned: boolean;
} {
  const namespaces = new Set<string>();
  const owners = new Set<string>();
  let unowned = false;
  const addOwners = (list: string[]) => {
    if (list.length === 0) {
      unowned = true;
    }
    list.forEach(o => owners.add(ownerKey(o)));
  };
  for (const c of overview.certificates) {
    namespaces.add(c.secret.namespace);
    namespaces.add(namespaceOf(c.gateway));
    addOwners(c.owners);
  }
  for (const h of overview.hosts) {
    namespaces.add(namespaceOf(h.gateway));
    h.routes.forEach(r => namespaces.add(r.namespace));
    addOwners(h.owners);
  }
  for (const n of overview.namespaces) {
    namespaces.add(n.name);
    addOwners(n.owners);
  }
  for (const p of overview.proxyVersions) {
    for (const n of p.namespaces) {
      namespaces.add(n.namespace);
      addOwners(n.owners);
    }
  }
  for (const f of overview.findings) {
    const ns = findingNamespace(f);
    if (ns) {
      namespaces.add(ns);
    }
    addOwners(f.owners);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { namespaces: sorted(namespaces), owners: sorted(owners), unowned };
}

/** Findings of one code (or, without one, of one id), with whom they concern. */
export type FindingGroup = {
  key: string;
  code?: string;
  ids: string[];
  severity: Level;
  findings: OverviewFinding[];
  owners: string[];
  entities: string[];
};

const unique = (values: string[]) => [...new Set(values)];

/**
 * Findings grouped by code: the most severe group first, then the larger,
 * then by code. A finding without a code groups with others of its id.
 */
export function groupFindings(findings: OverviewFinding[]): FindingGroup[] {
  const groups = new Map<string, OverviewFinding[]>();
  for (const f of findings) {
    const key = f.code ?? f.id;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.entries()]
    .map(([key, list]) => ({
      key,
      code: list[0].code,
      ids: unique(list.map(f => f.id)),
      severity: list.reduce<Level>(
        (worst, f) => (RANK[f.severity] > RANK[worst] ? f.severity : worst),
        'info',
      ),
      findings: [...list].sort((a, b) => RANK[b.severity] - RANK[a.severity]),
      owners: unique(list.flatMap(f => f.owners.map(ownerKey))),
      entities: unique(list.flatMap(f => f.entities)),
    }))
    .sort(
      (a, b) =>
        RANK[b.severity] - RANK[a.severity] ||
        b.findings.length - a.findings.length ||
        a.key.localeCompare(b.key),
    );
}

/** One control-plane revision of a cluster and how ready its upgrade is. */
export type RevisionReadiness = {
  cluster: string;
  revision: string;
  /** The version istiod of the revision runs, when known. */
  version?: string;
  pods: number;
  /** Pods on an older proxy than the control plane's. */
  outdatedPods: number;
  outdatedVersions: string[];
  /** Namespaces with older proxies, with their owners. */
  outdated: Array<{ namespace: string; pods: number; owners: string[] }>;
};

/** Per cluster and revision, how many proxies still run an older version. */
export function upgradeReadiness(
  proxyVersions: OverviewProxyVersion[],
  clusters: MeshOverview['clusters'],
): RevisionReadiness[] {
  const byRevision = new Map<string, RevisionReadiness>();
  for (const p of proxyVersions) {
    const key = `${p.cluster}\u0000${p.revision}`;
    const readiness = byRevision.get(key) ?? {
      cluster: p.cluster,
      revision: p.revision,
      version: clusters
        .find(c => c.name === p.cluster)
        ?.controlPlane.find(cp => cp.revision === p.revision)?.version,
      pods: 0,
      outdatedPods: 0,
      outdatedVersions: [],
      outdated: [],
    };
    readiness.pods += p.pods;
    if (p.outdated) {
      readiness.outdatedPods += p.pods;
      readiness.outdatedVersions.push(p.version);
      for (const n of p.namespaces) {
        const existing = readiness.outdated.find(
          o => o.namespace === n.namespace,
        );
        if (existing) {
          existing.pods += n.pods;
          existing.owners = unique([...existing.owners, ...n.owners]);
        } else {
          readiness.outdated.push({
            namespace: n.namespace,
            pods: n.pods,
            owners: n.owners,
          });
        }
      }
    }
    byRevision.set(key, readiness);
  }
  return [...byRevision.values()];
}
