import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import {
  getJson,
  KubeHttpError,
  listPage,
  watchStream,
  WatchEvent,
} from './kubeHttp';
import { inListOrder } from './listOrder';

/**
 * How a watch paces itself. Defaults suit production; tests shorten them.
 */
export type WatchTiming = {
  /** Items per list page (`limit`). */
  pageSize: number;
  /** `timeoutSeconds` of each watch request; it is renewed from the last resourceVersion. */
  watchSeconds: number;
  /** A list or watch that sends nothing for this long is cut and retried. */
  idleMs: number;
  /** First retry delay after an error; doubled per failure (with jitter) up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How often a collection the cluster does not serve (CRD missing) is looked for again. */
  unservedRecheckMs: number;
  /** Kept data counts as fresh for this long after the watch was lost; then readers go elsewhere. */
  staleAfterMs: number;
};

export const DEFAULT_WATCH_TIMING: WatchTiming = {
  pageSize: 500,
  watchSeconds: 60,
  idleMs: 75_000,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  unservedRecheckMs: 60_000,
  staleAfterMs: 10_000,
};

/**
 * Where a watch is: `starting` (first list not done), `synced` (list done,
 * watching or about to re-watch), `unserved` (the cluster does not serve
 * the collection, e.g. external-secrets is not installed: it is empty),
 * `failing` (no list has succeeded yet and the last attempt failed).
 */
export type WatchState = 'starting' | 'synced' | 'unserved' | 'failing';

/** Thrown inside the loop when the server says the resourceVersion is gone. */
class ResourceVersionGone extends Error {}

const keyOf = (object: any): { namespace: string; name: string } => ({
  namespace: object?.metadata?.namespace ?? '',
  name: object?.metadata?.name ?? '',
});

/** The one object a by-name watch keeps, or undefined. */
function onlyObject<T>(
  byNamespace: Map<string, Map<string, T>>,
): T | undefined {
  for (const objects of byNamespace.values()) {
    for (const object of objects.values()) {
      return object;
    }
  }
  return undefined;
}

/**
 * One collection of a cluster kept in memory by list + watch, the way
 * client-go's reflector does it: list (in pages) to get a resourceVersion,
 * watch from it (with bookmarks), apply each event, renew the watch from the
 * last resourceVersion when the server ends it, re-list when the server
 * answers `410 Gone` (the version was compacted), and back off (exponential,
 * with jitter) on any other error. Each object is trimmed as it arrives, so
 * only the fields Meshdeck reads are kept (never secret data).
 */
export class ResourceWatch<T> {
  private byNamespace = new Map<string, Map<string, T>>();
  /** Changes applied so far (lists included), and `listed()` as of one. */
  private changeCount = 0;
  private listedCache?: { at: number; value: T[] };
  /** Index key → `namespace/name` → object, when `index` is given. */
  private byIndex = new Map<string, Map<string, T>>();
  private resourceVersion = '';
  private currentState: WatchState = 'starting';
  private lastErrorValue: unknown;
  /** When the data was last known to match the cluster (watch open or list done). */
  private connected = false;
  private lostAt = 0;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly timing: WatchTiming;
  private readyWaiters: Array<() => void> = [];
  private loop?: Promise<void>;
  private path = '';
  /** Requests made (lists pages and watches), for tests and benchmarks. */
  readonly counts = { lists: 0, watches: 0, relists: 0, errors: 0, events: 0 };

  constructor(
    private readonly options: {
      /** Named in logs and errors, e.g. `pods` or `VirtualServices`. */
      description: string;
      /**
       * The collection, e.g. `/api/v1/pods`, or a function that finds it
       * before each list (e.g. the served version of a CRD): undefined when
       * the cluster does not serve it.
       */
      path: string | (() => Promise<string | undefined>);
      /**
       * Keep one object of the collection, by name: read with a get and
       * watched with a `metadata.name` field selector — the verbs `get` and
       * `watch` suffice, never `list` (for secrets).
       */
      name?: string;
      labelSelector?: string;
      fieldSelector?: string;
      /** Keeps what Meshdeck reads of an object; undefined drops it. */
      trim: (object: any) => T | undefined;
      /** The cluster's current credentials (asked again on each reconnect). */
      kubeConfig: () => Promise<KubeConfig>;
      logger?: LoggerService;
      /**
       * Index keys of a kept object (e.g. its `label=value` pairs), for
       * {@link ResourceWatch.indexed}: a lookup then costs what it finds,
       * not the size of the collection.
       */
      index?: (object: T) => string[];
      /**
       * Called after every change applied to the kept objects, with the
       * namespace of the object an event changed (undefined after a list,
       * which may change any).
       */
      onChange?: (namespace?: string) => void;
      timing?: Partial<WatchTiming>;
      now?: () => number;
    },
  ) {
    this.timing = { ...DEFAULT_WATCH_TIMING, ...options.timing };
  }

  get description(): string {
    return this.options.description;
  }

  /** The collection's path, once found (a CRD's after its first list). */
  get collection(): string | undefined {
    return typeof this.options.path === 'string'
      ? this.options.path
      : this.path || undefined;
  }

  get state(): WatchState {
    return this.currentState;
  }

  /** The last error of a list or watch, until the next success. */
  get lastError(): unknown {
    return this.lastErrorValue;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Whether the kept objects can answer a read: listed, and the watch open
   * or lost for less than `staleAfterMs` (a re-watch is usually quicker).
   */
  get fresh(): boolean {
    if (this.currentState !== 'synced' && this.currentState !== 'unserved') {
      return false;
    }
    return (
      this.connected || this.now() - this.lostAt < this.timing.staleAfterMs
    );
  }

  /** Starts listing and watching; idempotent. */
  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Stops for good: the open request is aborted, nothing is retried. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.readyWaiters.forEach(w => w());
    this.readyWaiters = [];
    await this.loop?.catch(() => undefined);
  }

  /**
   * Resolves true once the first list is done (or the collection is known
   * not to be served), false when `timeoutMs` passes first.
   */
  ready(timeoutMs: number): Promise<boolean> {
    if (this.currentState === 'synced' || this.currentState === 'unserved') {
      return Promise.resolve(true);
    }
    return new Promise(resolve => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(
          this.currentState === 'synced' || this.currentState === 'unserved',
        );
      });
    });
  }

  /** The kept objects of one namespace (`''` for cluster-scoped ones). */
  inNamespace(namespace: string): Iterable<T> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }

  /**
   * The kept objects with an index key (see the `index` option); undefined
   * without an index.
   */
  indexed(key: string): Iterable<T> | undefined {
    if (!this.options.index) {
      return undefined;
    }
    return this.byIndex.get(key)?.values() ?? [];
  }

  /** How many kept objects have an index key (0 without an index). */
  indexedCount(key: string): number {
    return this.byIndex.get(key)?.size ?? 0;
  }

  /** One kept object. */
  get(namespace: string, name: string): T | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  /**
   * Every kept object in the order a list request gives them (by namespace,
   * then name: etcd's key order), as one array kept until the next change —
   * reads of the mesh's config objects cost nothing while it does not move.
   */
  listed(): T[] {
    if (this.listedCache?.at === this.changeCount) {
      return this.listedCache.value;
    }
    const value = inListOrder(this.all());
    this.listedCache = { at: this.changeCount, value };
    return value;
  }

  /** Every kept object. */
  *all(): Iterable<T> {
    for (const objects of this.byNamespace.values()) {
      yield* objects.values();
    }
  }

  /** How many objects are kept. */
  get size(): number {
    let n = 0;
    for (const objects of this.byNamespace.values()) n += objects.size;
    return n;
  }

  private changed(namespace?: string) {
    this.changeCount++;
    this.options.onChange?.(namespace);
  }

  private markReady(state: WatchState) {
    this.currentState = state;
    this.readyWaiters.forEach(w => w());
    this.readyWaiters = [];
  }

  private lost(error: unknown) {
    if (this.connected) {
      this.lostAt = this.now();
    }
    this.connected = false;
    this.lastErrorValue = error;
    this.counts.errors++;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          const served = await this.list();
          if (failures > 0) {
            this.options.logger?.info(
              `Watch of ${this.options.description} recovered after ${failures} failed attempt(s)`,
            );
          }
          failures = 0;
          if (!served) {
            await this.sleep(this.timing.unservedRecheckMs);
            continue;
          }
          needList = false;
        }
        await this.watch();
        failures = 0; // the server ended the watch normally: renew it
        // a by-name watch re-reads its object (a deletion between two
        // watches from resourceVersion 0 would otherwise go unseen)
        needList = this.options.name !== undefined;
      } catch (error) {
        if (this.stopped) break;
        if (
          error instanceof ResourceVersionGone ||
          (error instanceof KubeHttpError && error.code === 410)
        ) {
          // compacted: list again at once, keeping what is known meanwhile
          this.counts.relists++;
          needList = true;
          this.lost(error);
          continue;
        }
        // a watch that was open counts as a fresh start of the backoff
        if (this.connected) {
          failures = 0;
        }
        this.lost(error);
        if (failures === 0) {
          this.options.logger?.warn(
            `Watch of ${this.options.description} failed, retrying with backoff: ${error}`,
          );
        }
        if (this.currentState === 'starting') {
          this.markReady('failing');
        }
        failures++;
        const delay = Math.min(
          this.timing.maxBackoffMs,
          this.timing.backoffMs * 2 ** Math.min(failures - 1, 16),
        );
        this.options.logger?.debug(
          `watch of ${this.options.description} failed (${failures}x), retrying in ${delay} ms: ${error}`,
        );
        await this.sleep(delay * (0.8 + Math.random() * 0.4));
        // a failed list must be repeated; a failed watch resumes from its
        // resourceVersion (a 410 then leads to a re-list)
        needList ||=
          this.resourceVersion === '' ||
          (error instanceof KubeHttpError && error.code === 404);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      if (this.stopped) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Lists every page; false when the cluster does not serve the collection. */
  private async list(): Promise<boolean> {
    const kubeConfig = await this.options.kubeConfig();
    const path =
      typeof this.options.path === 'string'
        ? this.options.path
        : await this.options.path();
    if (path === undefined) {
      return this.unserved();
    }
    this.path = path;
    if (this.options.name !== undefined) {
      return this.getOne(kubeConfig);
    }
    const next = new Map<string, Map<string, T>>();
    const nextIndex = new Map<string, Map<string, T>>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    for (;;) {
      this.counts.lists++;
      let page;
      try {
        page = await listPage(
          kubeConfig,
          path,
          {
            labelSelector: this.options.labelSelector,
            fieldSelector: this.options.fieldSelector,
            limit: this.timing.pageSize,
            continue: continueToken,
          },
          { idleMs: this.timing.idleMs, signal: this.abort.signal },
        );
      } catch (e) {
        if (e instanceof KubeHttpError && e.code === 404 && !continueToken) {
          return this.unserved();
        }
        if (e instanceof KubeHttpError && e.code === 410 && continueToken) {
          // the continue token expired: start the list over
          continueToken = undefined;
          next.clear();
          nextIndex.clear();
          continue;
        }
        throw e;
      }
      for (const item of page.items) {
        this.keep(next, item, nextIndex);
      }
      continueToken = page.continue;
      resourceVersion = page.resourceVersion;
      if (!continueToken || this.stopped) {
        break;
      }
    }
    this.byNamespace = next;
    this.byIndex = nextIndex;
    this.resourceVersion = resourceVersion;
    this.connected = true;
    this.lastErrorValue = undefined;
    this.changed();
    this.markReady('synced');
    return true;
  }

  /** The cluster does not serve the collection: it is empty, and known to be. */
  private unserved(): false {
    this.byNamespace = new Map();
    this.byIndex = new Map();
    this.resourceVersion = '';
    this.connected = true;
    this.lastErrorValue = undefined;
    if (this.currentState !== 'unserved') {
      this.changed();
    }
    this.markReady('unserved');
    return false;
  }

  /**
   * The one object of a by-name watch: a get (absent on 404). The watch
   * that follows starts at resourceVersion 0, which sends the object's
   * current state first, so nothing between the get and the watch is lost.
   */
  private async getOne(kubeConfig: KubeConfig): Promise<boolean> {
    this.counts.lists++;
    const next = new Map<string, Map<string, T>>();
    const nextIndex = new Map<string, Map<string, T>>();
    try {
      const object = await getJson(
        kubeConfig,
        `${this.path}/${encodeURIComponent(this.options.name!)}`,
        {},
        { idleMs: this.timing.idleMs, signal: this.abort.signal },
      );
      this.keep(next, object, nextIndex);
    } catch (e) {
      if (!(e instanceof KubeHttpError && e.code === 404)) {
        throw e;
      }
    }
    // read again after every renewed watch (each minute): the same object
    // changes nothing, so answers kept from it stay kept
    const same =
      this.currentState === 'synced' &&
      isDeepStrictEqual(onlyObject(this.byNamespace), onlyObject(next));
    if (!same) {
      this.byNamespace = next;
      this.byIndex = nextIndex;
    }
    this.resourceVersion = '0';
    this.connected = true;
    this.lastErrorValue = undefined;
    if (!same) {
      this.changed();
    }
    this.markReady('synced');
    return true;
  }

  /**
   * Keeps `object` as `trim` makes it; whether what is kept changed (an
   * update of fields `trim` drops — a heartbeat, managedFields, a status
   * time — keeps the object that was there and changes nothing).
   */
  private keep(
    into: Map<string, Map<string, T>>,
    object: unknown,
    index: Map<string, Map<string, T>> = this.byIndex,
  ): boolean {
    const { namespace, name } = keyOf(object);
    const trimmed = this.options.trim(object);
    let objects = into.get(namespace);
    const previous = objects?.get(name);
    if (previous !== undefined && isDeepStrictEqual(previous, trimmed)) {
      return false;
    }
    if (previous !== undefined) {
      this.unindex(index, namespace, name, previous);
    }
    if (trimmed === undefined) {
      objects?.delete(name);
      return previous !== undefined;
    }
    if (!objects) {
      objects = new Map();
      into.set(namespace, objects);
    }
    objects.set(name, trimmed);
    for (const key of this.options.index?.(trimmed) ?? []) {
      let entries = index.get(key);
      if (!entries) {
        entries = new Map();
        index.set(key, entries);
      }
      entries.set(`${namespace}/${name}`, trimmed);
    }
    return true;
  }

  private unindex(
    index: Map<string, Map<string, T>>,
    namespace: string,
    name: string,
    object: T,
  ) {
    for (const key of this.options.index?.(object) ?? []) {
      const entries = index.get(key);
      entries?.delete(`${namespace}/${name}`);
      if (entries?.size === 0) {
        index.delete(key);
      }
    }
  }

  private async watch(): Promise<void> {
    const kubeConfig = await this.options.kubeConfig();
    this.counts.watches++;
    const opened = this.now();
    const eventsBefore = this.counts.events;
    const { name } = this.options;
    await watchStream(
      kubeConfig,
      this.path,
      {
        labelSelector: this.options.labelSelector,
        fieldSelector:
          name !== undefined
            ? `metadata.name=${name}`
            : this.options.fieldSelector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.timing.watchSeconds,
      },
      {
        idleMs: this.timing.idleMs,
        signal: this.abort.signal,
        onOpen: () => {
          this.connected = true;
          this.lastErrorValue = undefined;
        },
        onEvent: event => this.apply(event),
      },
    );
    // a watch the server ends at once without a word is a failure (else a
    // misbehaving proxy would have it renewed in a tight loop)
    if (this.now() - opened < 1000 && this.counts.events === eventsBefore) {
      throw new Error('the watch ended as soon as it was opened');
    }
  }

  private apply(event: WatchEvent) {
    if (event.type === 'ERROR') {
      const status = event.object ?? {};
      if (status.code === 410) {
        throw new ResourceVersionGone(
          status.message ?? 'resourceVersion too old',
        );
      }
      throw new KubeHttpError(
        status.message ?? 'the watch sent an error',
        status.code ?? 500,
        status,
      );
    }
    const version = event.object?.metadata?.resourceVersion;
    if (version) {
      this.resourceVersion = version;
    }
    if (event.type === 'BOOKMARK') {
      return;
    }
    this.counts.events++;
    let changed: boolean;
    if (event.type === 'DELETED') {
      const { namespace, name } = keyOf(event.object);
      const objects = this.byNamespace.get(namespace);
      const previous = objects?.get(name);
      if (previous !== undefined) {
        this.unindex(this.byIndex, namespace, name, previous);
        objects!.delete(name);
      }
      changed = previous !== undefined;
    } else {
      changed = this.keep(this.byNamespace, event.object);
    }
    if (changed) {
      this.changed(keyOf(event.object).namespace);
    }
  }
}
