import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { KeptPerCaller } from './KeptPerCaller';

/** The default time an entity read for a caller is kept. */
export const DEFAULT_ENTITY_CACHE_TTL_MS = 5_000;

/**
 * The catalog entities a caller may see, read with the caller's
 * credentials — and, for `ttlMs`, kept per caller and entity in this
 * process. The catalog read is most of a warm status request's time (the
 * catalog checks `catalog.entity.read` with the permission backend and
 * queries its database); a card that reloads, or an agent asking again,
 * needs the same answer seconds later. Only entities found are kept: a new
 * entity shows at once, one the caller lost sight of within `ttlMs`.
 */
export class VisibleEntities {
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

  /** The entity as the caller sees it, undefined when they cannot. */
  get(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    return this.kept.get(credentials, entityRef, () =>
      this.options.catalog.getEntityByRef(entityRef, { credentials }),
    );
  }
}
