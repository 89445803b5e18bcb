import { CacheService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';

/** The generation of a cluster nothing has bumped (or whose value expired). */
export const INITIAL_GENERATION = '0';

const DAY_MS = 24 * 60 * 60_000;

/**
 * A per-cluster "generation": an opaque value, kept in the CacheService under
 * `istio:generation:<cluster>` so that every backend replica sharing that
 * cache (Redis/Valkey/memcache) sees the same one. Everything kept about a
 * cluster — cached statuses, memoized cluster reads — is kept under the
 * generation it was read in. Bumping the generation after changing the
 * cluster therefore invalidates all of it on every replica at once, without
 * listing or deleting keys and without read-modify-write races: a reader
 * that started before the bump stores its answer under the old generation,
 * where nobody looks any more.
 *
 * A generation is kept for a day, far longer than any status or read is
 * kept under it; when it expires the cluster falls back to
 * {@link INITIAL_GENERATION}, by then with nothing left under that value.
 */
export class ClusterGenerations {
  /** Used only when no CacheService is given (one process, e.g. tests). */
  private readonly local = new Map<string, string>();

  constructor(
    private readonly cache?: CacheService,
    private readonly ttlMs: number = DAY_MS,
  ) {}

  private static key(cluster: string): string {
    return `istio:generation:${cluster}`;
  }

  /** The current generation of each cluster, read in parallel. */
  async current(clusters: string[]): Promise<Record<string, string>> {
    const values = await Promise.all(
      clusters.map(async cluster =>
        this.cache
          ? await this.cache.get<string>(ClusterGenerations.key(cluster))
          : this.local.get(cluster),
      ),
    );
    return Object.fromEntries(
      clusters.map((cluster, i) => [cluster, values[i] ?? INITIAL_GENERATION]),
    );
  }

  /**
   * Starts a new generation of the cluster (a fresh random value, never one
   * seen before) and returns it.
   */
  async bump(cluster: string): Promise<string> {
    const generation = randomUUID();
    if (this.cache) {
      await this.cache.set(ClusterGenerations.key(cluster), generation, {
        ttl: this.ttlMs,
      });
    } else {
      this.local.set(cluster, generation);
    }
    return generation;
  }
}
