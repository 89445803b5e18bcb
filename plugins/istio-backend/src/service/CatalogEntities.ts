import type { AuthService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { KeptPerCaller } from './KeptPerCaller';

/** The default time an entity read is kept. */
export const DEFAULT_ENTITY_CACHE_TTL_MS = 5_000;

/**
 * The catalog's entities, read with the plugin's own credentials and kept
 * per entity for `ttlMs`, shared by every caller. Whether a caller may see
 * an entity is not this read's business: MeshQueries asks the permission
 * backend for `catalog.entity.read` on the entity with the caller's
 * credentials, in the same request as its own permission, and answers 404
 * without an ALLOW — the decision the catalog itself applies to a read on
 * the caller's behalf, without the catalog's own round trip to the
 * permission backend, and without a read per caller. Only entities found
 * are kept: a new entity shows at once, a changed one within `ttlMs`.
 */
export class CatalogEntities {
  private readonly kept: KeptPerCaller<Entity | undefined>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      /** 0 reads the catalog every time. */
      ttlMs: number;
      now?: () => number;
    },
  ) {
    this.kept = new KeptPerCaller({
      auth: options.auth,
      ttlMs: options.ttlMs,
      now: options.now,
      // "not found" is not kept, so a new entity shows at once
      keep: entity => entity !== undefined,
    });
  }

  /** The entity, undefined when the catalog does not have it. */
  async get(entityRef: string): Promise<Entity | undefined> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    // one caller, the plugin itself: kept per entity
    return this.kept.get(credentials, entityRef, () =>
      this.options.catalog.getEntityByRef(entityRef, { credentials }),
    );
  }
}
