import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  OverviewOwnership,
} from '@meshdeck/plugin-istio-common';

/**
 * Who a Kubernetes object of the overview belongs to: the catalog entities
 * that select it and their owners. The overview is read once per cluster
 * and shared by every caller; what it names is resolved per caller, from the
 * entities that caller may see.
 */

/**
 * What tells whom an object belongs to: its namespace and, for objects that
 * carry them (pods, routes, Gateways), its labels.
 */
export type OwnerKey = {
  namespace?: string;
  labels?: Record<string, string>;
};

/** The fields of a catalog entity the overview reads. */
export const OWNERSHIP_ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.owner',
];

/** One term of a label selector: `k=v`, `k==v`, `k!=v`, `k` or `!k`. */
type SelectorTerm =
  | { key: string; op: 'eq' | 'ne'; value: string }
  | { key: string; op: 'exists' | 'absent' };

/**
 * A Kubernetes equality-based label selector (`app=a,tier!=db,canary`), as
 * the `backstage.io/kubernetes-label-selector` annotation holds it; undefined
 * when it is not one (set-based terms included), so the entity selects
 * nothing by labels.
 */
export function parseLabelSelector(
  selector: string,
): SelectorTerm[] | undefined {
  const terms = selector
    .split(',')
    .map(t => t.trim())
    .filter(Boolean);
  const parsed: SelectorTerm[] = [];
  for (const term of terms) {
    const m = /^([\w./-]+)\s*(!=|==|=)\s*([\w.-]*)$/.exec(term);
    if (m) {
      parsed.push({ key: m[1], op: m[2] === '!=' ? 'ne' : 'eq', value: m[3] });
    } else if (/^![\w./-]+$/.test(term)) {
      parsed.push({ key: term.slice(1), op: 'absent' });
    } else if (/^[\w./-]+$/.test(term)) {
      parsed.push({ key: term, op: 'exists' });
    } else {
      return undefined;
    }
  }
  return parsed.length > 0 ? parsed : undefined;
}

function selects(
  terms: SelectorTerm[],
  labels: Record<string, string>,
): boolean {
  return terms.every(t => {
    const has = Object.prototype.hasOwnProperty.call(labels, t.key);
    switch (t.op) {
      case 'eq':
        return has && labels[t.key] === t.value;
      case 'ne':
        return !has || labels[t.key] !== t.value;
      case 'exists':
        return has;
      default:
        return !has;
    }
  });
}

/** A catalog entity as the overview maps objects to it. */
export type CatalogTarget = {
  entityRef: string;
  /** `spec.owner` as an entity ref (`group:default/team-shop`). */
  owner?: string;
  cluster?: string;
  namespace?: string;
  /** By `backstage.io/kubernetes-label-selector`, else `kubernetes-id`. */
  selector?: SelectorTerm[];
};

/**
 * The entities that map to Kubernetes objects the way the entity status maps
 * them (see `entityTarget`): a label selector, else the label
 * `backstage.io/kubernetes-id=<id>`, narrowed by the
 * `backstage.io/kubernetes-namespace` and `-cluster` annotations. An entity
 * with only a namespace annotation owns that namespace. Others are left out.
 */
export function catalogTargets(entities: Entity[]): CatalogTarget[] {
  return entities.flatMap(entity => {
    const a = entity.metadata.annotations ?? {};
    const id = a[KUBERNETES_ID_ANNOTATION];
    const labelSelector = a[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
    const namespace = a[KUBERNETES_NAMESPACE_ANNOTATION] || undefined;
    const selector = labelSelector
      ? parseLabelSelector(labelSelector)
      : id && [{ key: KUBERNETES_ID_ANNOTATION, op: 'eq' as const, value: id }];
    if (!selector && !namespace) {
      return [];
    }
    const entityRef = stringifyEntityRef(entity);
    const rawOwner = (entity.spec as { owner?: unknown } | undefined)?.owner;
    let owner: string | undefined;
    if (typeof rawOwner === 'string' && rawOwner) {
      try {
        owner = stringifyEntityRef(
          parseEntityRef(rawOwner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        );
      } catch {
        owner = undefined; // not an entity ref: no owner to name
      }
    }
    return [
      {
        entityRef,
        ...(owner && { owner }),
        ...(a[KUBERNETES_CLUSTER_ANNOTATION] && {
          cluster: a[KUBERNETES_CLUSTER_ANNOTATION],
        }),
        ...(namespace && { namespace }),
        ...(selector && { selector }),
      },
    ];
  });
}

/**
 * Maps the overview's objects to catalog entities and owners, for one
 * caller's entities.
 *
 * An object with labels belongs to the entities whose selector matches them
 * (in the entity's namespace, when it names one); an object without labels,
 * or whose labels no entity selects, to the entities of its namespace: those
 * whose `backstage.io/kubernetes-namespace` names it, and those whose pods
 * run there (by `podLabels`, the label sets of each namespace's pods).
 */
export class Ownership {
  private readonly byNamespace = new Map<string, string[]>();

  constructor(
    private readonly targets: CatalogTarget[],
    /** Per cluster, per namespace: the distinct label sets of its pods. */
    private readonly podLabels: Record<
      string,
      Record<string, Array<Record<string, string>>>
    >,
  ) {}

  private inCluster(t: CatalogTarget, cluster: string): boolean {
    return !t.cluster || t.cluster === cluster;
  }

  private byLabels(
    cluster: string,
    namespace: string | undefined,
    labels: Record<string, string>,
  ): CatalogTarget[] {
    return this.targets.filter(
      t =>
        this.inCluster(t, cluster) &&
        t.selector &&
        (!t.namespace || t.namespace === namespace) &&
        selects(t.selector, labels),
    );
  }

  /** The entities of a namespace, by annotation or by the pods there. */
  namespaceEntities(cluster: string, namespace: string): string[] {
    const key = `${cluster}\u0000${namespace}`;
    let refs = this.byNamespace.get(key);
    if (!refs) {
      const pods = this.podLabels[cluster]?.[namespace] ?? [];
      refs = this.targets
        .filter(
          t =>
            this.inCluster(t, cluster) &&
            (t.namespace === namespace ||
              (!t.namespace &&
                t.selector &&
                pods.some(labels => selects(t.selector!, labels)))),
        )
        .map(t => t.entityRef);
      this.byNamespace.set(key, refs);
    }
    return refs;
  }

  /** The entities (and their owners) of objects with these keys, together. */
  of(cluster: string, keys: readonly OwnerKey[]): OverviewOwnership {
    const entities = new Set<string>();
    for (const key of keys) {
      const matched = key.labels
        ? this.byLabels(cluster, key.namespace, key.labels).map(
            t => t.entityRef,
          )
        : [];
      const refs =
        matched.length > 0 || key.namespace === undefined
          ? matched
          : this.namespaceEntities(cluster, key.namespace);
      refs.forEach(r => entities.add(r));
    }
    const owners = new Set(
      this.targets
        .filter(t => entities.has(t.entityRef) && t.owner)
        .map(t => t.owner!),
    );
    return {
      entities: [...entities].sort(),
      owners: [...owners].sort(),
    };
  }
}

/** Labels the controllers set per pod, which no entity selects by. */
const PER_POD_LABELS = [
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
];

/** A pod's labels without those its controller sets per pod. */
export function workloadLabels(
  labels: Record<string, string> | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels ?? {}).filter(([k]) => !PER_POD_LABELS.includes(k)),
  );
}

/** The distinct label sets among objects, e.g. of a namespace's pods. */
export function distinctLabelSets(
  labels: Iterable<Record<string, string>>,
): Array<Record<string, string>> {
  const seen = new Map<string, Record<string, string>>();
  for (const l of labels) {
    const key = JSON.stringify(Object.entries(l).sort());
    if (!seen.has(key)) {
      seen.set(key, l);
    }
  }
  return [...seen.values()];
}
