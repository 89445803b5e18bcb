import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ClusterStatus,
  MeshStatus,
  meshStatusSchema,
  Verdict,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { createHash } from 'node:crypto';
import { AcmReader } from '../acm/AcmReader';
import { CertificateThresholds } from '../status/certificates';
import { clusterStatus, emptyClusterStatus } from '../status/clusterStatus';
import { EntityTarget, entityTarget } from '../status/entityTarget';
import { classifyClusterError, withTimeout } from '../status/errors';
import { ClusterReads } from './ClusterReads';
import { ClusterGenerations } from './ClusterGenerations';
import { MeshReads } from './MeshReads';
import { keptAnswer } from './statusJson';

/** The default time statuses and cluster reads are kept. */
export const DEFAULT_STATUS_CACHE_TTL_MS = 30_000;

/**
 * The longest an answer with a transient cluster error (a timeout or an
 * unreachable API server) is kept: long enough to spare a struggling cluster
 * a stampede, short enough that the next look after it recovers is fresh.
 */
export const TRANSIENT_ERROR_CACHE_TTL_MS = 5_000;

/** How long an answer may be kept: shorter when a cluster failed for now. */
function cacheTtlFor(status: MeshStatus, ttlMs: number): number {
  const transient = status.clusters.some(c =>
    c.errors.some(e => e.kind === 'timeout' || e.kind === 'unreachable'),
  );
  return transient ? Math.min(ttlMs, TRANSIENT_ERROR_CACHE_TTL_MS) : ttlMs;
}

function verdictOf(clusters: ClusterStatus[]): Verdict {
  const findings = clusters.flatMap(c => c.findings);
  if (findings.some(f => f.severity === 'error')) {
    return 'critical';
  }
  if (
    clusters.length === 0 ||
    clusters.every(c => c.errors.length > 0 && c.workloads.length === 0)
  ) {
    return 'unknown';
  }
  if (
    findings.some(f => f.severity === 'warning') ||
    clusters.some(c => c.errors.length > 0)
  ) {
    return 'warning';
  }
  return 'healthy';
}

/**
 * The mesh status of catalog entities: orchestration only. It caches answers
 * (in the CacheService, shared by replicas), lets concurrent requests for
 * one entity share one answer, fans out to the entity's clusters in parallel
 * with a timeout each, and gives the verdict. Reading is `MeshReads`'s job,
 * assembling a cluster's entry `status/clusterStatus`'s. A failing cluster
 * gives an error entry, never a failed response.
 */
export class StatusService {
  private readonly reads: MeshReads;
  private readonly generations: ClusterGenerations;
  private readonly cacheTtlMs: number;

  /** Answers being assembled right now, so concurrent requests share one. */
  private readonly inFlight = new Map<string, Promise<MeshStatus>>();

  /**
   * Answers computed from watch-fed reads, per entity: the last one, with
   * the clusters' versions it was computed at (see `MeshReads.version`).
   */
  private readonly watched = new Map<
    string,
    { versions: string; status: MeshStatus }
  >();

  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      timeoutMs: number;
      logger: LoggerService;
      thresholds?: CertificateThresholds;
      /** Shared by backend replicas when it is Redis/Valkey/memcache. */
      cache?: CacheService;
      cacheTtlMs?: number;
      /** ACM, when configured (`istio.acm`). */
      acm?: AcmReader;
      /** The cluster reads; by default a `ClusterReads` of `clusters`. */
      reads?: MeshReads;
      /**
       * The clusters' generations, shared with whatever changes clusters
       * (the certificate refresh); by default kept in `cache`.
       */
      generations?: ClusterGenerations;
    },
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_STATUS_CACHE_TTL_MS;
    this.reads =
      options.reads ??
      new ClusterReads({ clusters: options.clusters, ttlMs: this.cacheTtlMs });
    this.generations =
      options.generations ?? new ClusterGenerations(options.cache);
  }

  /**
   * The entity's mesh status, from the cache when a fresh answer is there;
   * concurrent requests for the same entity share one set of cluster reads.
   * Callers check permissions first: the cache is keyed by entity only.
   *
   * The key also holds the names and current generations of the entity's
   * clusters, so an answer read before a cluster changed (see
   * `CertificateRefreshService`) is never served after it, on any replica.
   */
  async statusFor(entity: Entity): Promise<MeshStatus> {
    const entityRef = stringifyEntityRef(entity);
    const target = entityTarget(entity);
    const names = this.clusterNames(target);
    const versions = names.map(n => this.reads.version?.(n, target?.namespace));
    if (target && names.length > 0 && versions.every(v => v !== undefined)) {
      return this.watchedStatusFor(entityRef, target, names, versions);
    }
    const generations = await this.generations.current(names);
    const key = `status:${entityRef}:${createHash('sha256')
      .update(
        JSON.stringify([target ?? null, names.map(n => [n, generations[n]])]),
      )
      .digest('base64url')}`;
    const { cache } = this.options;
    const cached = await cache?.get<MeshStatus>(key);
    if (cached) {
      const ageSeconds = Math.max(
        0,
        Math.round((Date.now() - Date.parse(cached.generatedAt)) / 1000),
      );
      return { ...cached, cache: { hit: true, ageSeconds } };
    }
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.assemble(entityRef, target, names, generations)
        .then(async status => {
          await cache?.set(key, status, {
            ttl: cacheTtlFor(status, this.cacheTtlMs),
          });
          return status;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /**
   * The status of an entity whose clusters are all followed by watches: the
   * answer is computed in memory (no cluster request), kept in this process
   * while none of the clusters' versions moves — a change in a cluster
   * shows in the next answer, with no TTL to wait out — and shared by
   * concurrent requests. Not put in the shared cache: every replica watches
   * for itself, and computing is cheaper than a round trip to it.
   */
  private async watchedStatusFor(
    entityRef: string,
    target: EntityTarget,
    names: string[],
    versions: Array<string | undefined>,
  ): Promise<MeshStatus> {
    const entityKey = `${entityRef}:${JSON.stringify(target)}`;
    const at = JSON.stringify(names.map((n, i) => [n, versions[i]]));
    const kept = this.watched.get(entityKey);
    if (
      kept?.versions === at &&
      Date.now() - Date.parse(kept.status.generatedAt) < this.cacheTtlMs
    ) {
      const ageSeconds = Math.max(
        0,
        Math.round((Date.now() - Date.parse(kept.status.generatedAt)) / 1000),
      );
      return keptAnswer(kept.status, { hit: true, ageSeconds });
    }
    const flightKey = `watched:${entityKey}:${at}`;
    let pending = this.inFlight.get(flightKey);
    if (!pending) {
      // reads not served by watches still go by the clusters' generations
      pending = this.generations
        .current(names)
        .then(generations =>
          this.assemble(entityRef, target, names, generations),
        )
        .then(status => {
          if (this.watched.size >= 10_000) {
            // oldest first: a Map iterates in insertion order
            this.watched.delete(this.watched.keys().next().value!);
          }
          this.watched.delete(entityKey);
          this.watched.set(entityKey, { versions: at, status });
          return status;
        })
        .finally(() => this.inFlight.delete(flightKey));
      this.inFlight.set(flightKey, pending);
    }
    return pending;
  }

  /** The clusters an entity's status covers. */
  private clusterNames(target: EntityTarget | undefined): string[] {
    if (!target) {
      return [];
    }
    return this.options.clusters
      .list()
      .map(c => c.name)
      .filter(n => !target.cluster || n === target.cluster);
  }

  private async assemble(
    entityRef: string,
    target: EntityTarget | undefined,
    names: string[],
    generations: Record<string, string>,
  ): Promise<MeshStatus> {
    const results = target
      ? await Promise.all(
          names.map(name => this.clusterEntry(name, generations[name], target)),
        )
      : [];
    return meshStatusSchema.parse({
      entityRef,
      verdict: verdictOf(results),
      generatedAt: new Date().toISOString(),
      clusters: results,
    });
  }

  /** One cluster's entry, or an error entry when it fails or times out. */
  private async clusterEntry(
    name: string,
    generation: string,
    target: EntityTarget,
  ): Promise<ClusterStatus> {
    const { clusters, logger } = this.options;
    const empty = emptyClusterStatus(name, clusters.get(name).title);
    try {
      const read = await withTimeout(
        clusterStatus({
          reads: this.reads.cluster(name, generation),
          target,
          mesh: clusters.meshSettings(name),
          thresholds: this.options.thresholds,
          acm: this.options.acm,
        }),
        this.options.timeoutMs,
        name,
      );
      for (const error of read.errors) {
        logger.warn(
          `Mesh status of cluster '${name}' is partial (${error.source}, ${error.kind}): ${error.message}`,
        );
      }
      return { ...empty, ...read };
    } catch (e) {
      const error = classifyClusterError(e);
      logger.warn(
        `Mesh status of cluster '${name}' failed (${error.kind}): ${error.message}`,
      );
      return { ...empty, errors: [error] };
    }
  }
}
