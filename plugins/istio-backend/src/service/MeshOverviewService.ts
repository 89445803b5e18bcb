import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MeshOverview,
  OverviewCertificate,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { AcmReader } from '../acm/AcmReader';
import { compareCertificates } from '../overview/certificates';
import {
  ClusterOverview,
  clusterOverview,
  emptyClusterOverview,
} from '../overview/clusterOverview';
import { compareVersions } from '../overview/dataPlane';
import { compareFindings } from '../overview/findings';
import { compareHosts } from '../overview/hosts';
import {
  catalogTargets,
  Ownership,
  OWNERSHIP_ENTITY_FIELDS,
} from '../overview/ownership';
import { CertificateThresholds } from '../status/certificates';
import { classifyClusterError, withTimeout } from '../status/errors';
import { ClusterGenerations } from './ClusterGenerations';
import { MeshReads } from './MeshReads';
import {
  DEFAULT_STATUS_CACHE_TTL_MS,
  TRANSIENT_ERROR_CACHE_TTL_MS,
} from './StatusService';

type Kept = { expires: number; value: Promise<ClusterOverview> };

/** The mapping of the clusters' objects to these (the caller's) entities. */
function ownershipOf(clusters: ClusterOverview[], entities: Entity[]) {
  return new Ownership(
    catalogTargets(entities),
    Object.fromEntries(clusters.map(c => [c.name, c.podLabels])),
  );
}

/**
 * The mesh overview of every configured cluster: gateway certificates,
 * public hosts, the data plane per namespace and proxy version, and the rule
 * book's findings, each naming the catalog entities and owners it concerns.
 *
 * Each cluster is read and assembled at most once per TTL (under its
 * current generation, so a refresh on any replica is seen) and shared by
 * every caller and concurrent request; its reads are `MeshReads`'s
 * cluster-wide lists, kept by `ClusterReads` and shared with the entity
 * status. Clusters are read in parallel with a timeout each; a failing
 * cluster gives an error entry, never a failed answer. The mapping to
 * entities is per caller: entities are read from the catalog with the
 * caller's credentials, so only those the caller may see are named.
 */
export class MeshOverviewService {
  private readonly kept = new Map<string, Kept>();
  private readonly ttlMs: number;

  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      reads: MeshReads;
      generations: ClusterGenerations;
      catalog: CatalogService;
      /** For callers without credentials (a scheduled task). */
      auth: AuthService;
      logger: LoggerService;
      /** Per cluster (`istio.requestTimeout`). */
      timeoutMs: number;
      /** How long a cluster's overview is kept (`istio.statusCacheTtl`). */
      ttlMs?: number;
      thresholds?: CertificateThresholds;
      acm?: AcmReader;
      now?: () => number;
    },
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_STATUS_CACHE_TTL_MS;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * The overview as the caller may see it. Without credentials, as the
   * plugin itself sees it (every entity): for scheduled tasks.
   */
  async overview(credentials?: BackstageCredentials): Promise<MeshOverview> {
    const [clusters, entities] = await Promise.all([
      this.clusterOverviews(),
      this.entities(credentials),
    ]);
    const ownership = ownershipOf(clusters, entities);
    const order = new Map(clusters.map((c, i) => [c.name, i]));
    const byCluster = (a: { cluster: string }, b: { cluster: string }) =>
      order.get(a.cluster)! - order.get(b.cluster)!;
    return {
      generatedAt: new Date().toISOString(),
      clusters: clusters.map(c => ({
        name: c.name,
        ...(c.title && { title: c.title }),
        controlPlane: c.controlPlane,
        ...(c.kialiUrl && { kialiUrl: c.kialiUrl }),
        errors: c.errors,
      })),
      certificates: this.certificatesOf(clusters, ownership),
      hosts: clusters
        .flatMap(c =>
          c.hosts.map(({ keys, ...host }) => ({
            cluster: c.name,
            ...host,
            ...ownership.of(c.name, keys),
          })),
        )
        .sort(compareHosts),
      namespaces: clusters
        .flatMap(c =>
          c.namespaces.map(ns => ({
            cluster: c.name,
            ...ns,
            ...ownership.of(c.name, [{ namespace: ns.name }]),
          })),
        )
        .sort((a, b) => byCluster(a, b) || a.name.localeCompare(b.name)),
      proxyVersions: clusters
        .flatMap(c =>
          c.proxyVersions.map(({ namespaces, ...version }) => ({
            cluster: c.name,
            ...version,
            namespaces: namespaces.map(({ keys, ...ns }) => ({
              ...ns,
              ...ownership.of(c.name, keys),
            })),
          })),
        )
        .sort(
          (a, b) =>
            compareVersions(a.version, b.version) ||
            byCluster(a, b) ||
            a.revision.localeCompare(b.revision),
        ),
      findings: clusters
        .flatMap(c =>
          c.findings.map(({ finding, keys }) => ({
            ...finding,
            cluster: c.name,
            ...ownership.of(c.name, keys),
          })),
        )
        .sort(compareFindings),
    };
  }

  /**
   * Every gateway certificate of every cluster, most urgent first, with the
   * entities whose hosts it serves and their owners — for notifications and
   * tools. Without credentials, as the plugin itself sees the catalog.
   */
  async certificates(
    credentials?: BackstageCredentials,
  ): Promise<OverviewCertificate[]> {
    const [clusters, entities] = await Promise.all([
      this.clusterOverviews(),
      this.entities(credentials),
    ]);
    return this.certificatesOf(clusters, ownershipOf(clusters, entities));
  }

  private certificatesOf(
    clusters: ClusterOverview[],
    ownership: Ownership,
  ): OverviewCertificate[] {
    return clusters
      .flatMap(c =>
        c.certificates.map(({ status, keys }) => ({
          ...status,
          cluster: c.name,
          ...ownership.of(c.name, keys),
        })),
      )
      .sort(compareCertificates);
  }

  /**
   * The catalog entities that map to Kubernetes objects, as the caller may
   * see them (only the fields the mapping reads).
   */
  private async entities(
    credentials: BackstageCredentials | undefined,
  ): Promise<Entity[]> {
    const { items } = await this.options.catalog.getEntities(
      { fields: OWNERSHIP_ENTITY_FIELDS },
      {
        credentials:
          credentials ?? (await this.options.auth.getOwnServiceCredentials()),
      },
    );
    return items.filter(e => {
      const a = e.metadata?.annotations ?? {};
      return Boolean(
        a[KUBERNETES_ID_ANNOTATION] ||
          a[KUBERNETES_LABEL_SELECTOR_ANNOTATION] ||
          a[KUBERNETES_NAMESPACE_ANNOTATION],
      );
    });
  }

  /** Every configured cluster's overview, kept or read now, in parallel. */
  private async clusterOverviews(): Promise<ClusterOverview[]> {
    const names = this.options.clusters.list().map(c => c.name);
    const generations = await this.options.generations.current(names);
    return Promise.all(
      names.map(name => this.clusterOverview(name, generations[name])),
    );
  }

  /**
   * One cluster's overview under its generation: kept for the TTL (seconds
   * only when the cluster timed out or was unreachable), shared by
   * concurrent callers.
   */
  private clusterOverview(
    name: string,
    generation: string,
  ): Promise<ClusterOverview> {
    const key = `${name}\u0000${generation}`;
    const kept = this.kept.get(key);
    if (kept && kept.expires > this.now()) {
      return kept.value;
    }
    for (const k of this.kept.keys()) {
      if (k.startsWith(`${name}\u0000`)) {
        this.kept.delete(k); // older generations and expired answers
      }
    }
    const entry: Kept = {
      expires: this.now() + this.ttlMs,
      value: this.read(name, generation).then(overview => {
        if (
          overview.errors.some(
            e => e.kind === 'timeout' || e.kind === 'unreachable',
          )
        ) {
          entry.expires = Math.min(
            entry.expires,
            this.now() + TRANSIENT_ERROR_CACHE_TTL_MS,
          );
        }
        return overview;
      }),
    };
    this.kept.set(key, entry);
    return entry.value;
  }

  private async read(
    name: string,
    generation: string,
  ): Promise<ClusterOverview> {
    const { clusters, logger } = this.options;
    const title = clusters.get(name).title;
    try {
      const overview = await withTimeout(
        clusterOverview({
          reads: this.options.reads.cluster(name, generation),
          name,
          title,
          mesh: clusters.meshSettings(name),
          thresholds: this.options.thresholds,
          acm: this.options.acm,
        }),
        this.options.timeoutMs,
        name,
      );
      for (const error of overview.errors) {
        logger.warn(
          `Mesh overview of cluster '${name}' is partial (${error.source}, ${error.kind}): ${error.message}`,
        );
      }
      return overview;
    } catch (e) {
      const error = classifyClusterError(e);
      logger.warn(
        `Mesh overview of cluster '${name}' failed (${error.kind}): ${error.message}`,
      );
      return emptyClusterOverview(name, title, [error]);
    }
  }
}
