import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** The default time an entity read for a caller is kept. */
export const DEFAULT_ENTITY_CACHE_TTL_MS = 5_000;

/** At most this many (caller, entity) answers are kept. */
const MAX_KEPT = 10_000;

/**
 * The catalog entities a caller may see, read with the caller's
 * credentials — and, for `ttlMs`, kept per caller and entity in this
 * process. The catalog read is most of a warm status request's time (the
 * catalog checks `catalog.entity.read` with the permission backend and
 * queries its database); a card that reloads, or an agent asking again,
 * needs the same answer seconds later. Only entities found are kept: a new
 * entity shows at once, one the caller lost sight of within `ttlMs`. The
 * permission decision itself is never kept (see `MeshQueries`).
 */
export class VisibleEntities {
  private readonly kept = new Map<
    string,
    { expires: number; entity: Promise<Entity | undefined> }
  >();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      /** 0 reads the catalog every time. */
      ttlMs: number;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Who is asking, as a key: a user's entity ref or a service's subject. */
  private callerKey(credentials: BackstageCredentials): string | undefined {
    const { auth } = this.options;
    if (auth.isPrincipal(credentials, 'user')) {
      return `user:${credentials.principal.userEntityRef}`;
    }
    if (auth.isPrincipal(credentials, 'service')) {
      return `service:${credentials.principal.subject}`;
    }
    return undefined;
  }

  /** The entity as the caller sees it, undefined when they cannot. */
  async get(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    const read = () =>
      this.options.catalog.getEntityByRef(entityRef, { credentials });
    const caller = this.callerKey(credentials);
    if (this.options.ttlMs <= 0 || !caller) {
      return read();
    }
    const key = `${caller}\u0000${entityRef}`;
    const now = this.now();
    const entry = this.kept.get(key);
    if (entry && entry.expires > now) {
      return entry.entity;
    }
    if (this.kept.size >= MAX_KEPT) {
      for (const [k, e] of this.kept) {
        if (e.expires <= now || this.kept.size >= MAX_KEPT) {
          this.kept.delete(k);
        } else {
          break;
        }
      }
    }
    const entity = read();
    this.kept.set(key, { expires: now + this.options.ttlMs, entity });
    // neither a failure nor "not found" is kept
    const forget = () => {
      if (this.kept.get(key)?.entity === entity) {
        this.kept.delete(key);
      }
    };
    entity.then(found => found || forget(), forget);
    return entity;
  }
}
