import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResourceWatch } from './ResourceWatch';

/**
 * A loopback stand-in for one collection of an API server: pages of a list
 * (`limit`/`continue`, with a resourceVersion), and watches the test writes
 * events into. Enough to check how a ResourceWatch follows a collection.
 */
function fakeApiServer() {
  const objects = new Map<string, any>();
  let resourceVersion = 100;
  const watches: http.ServerResponse[] = [];
  const requests: string[] = [];
  let notFound = false;
  let expiredContinue = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(`${url.pathname}?${url.searchParams}`);
    if (notFound) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 404,
          message: 'the server could not find the requested resource',
        }),
      );
      return;
    }
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      watches.push(res);
      return;
    }
    const byName = /^\/api\/v1\/pods\/([^/]+)$/.exec(url.pathname);
    if (byName) {
      const object = objects.get(decodeURIComponent(byName[1]));
      res.writeHead(object ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          object ?? { kind: 'Status', code: 404, message: 'not found' },
        ),
      );
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const from = Number(url.searchParams.get('continue') ?? 0);
    if (from > 0 && expiredContinue > 0) {
      expiredContinue--;
      res.writeHead(410, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
          message: 'continue token expired',
        }),
      );
      return;
    }
    const all = [...objects.values()].sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    );
    const page = all.slice(from, from + limit);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'PodList',
        metadata: {
          resourceVersion: String(resourceVersion),
          ...(from + limit < all.length && { continue: String(from + limit) }),
        },
        items: page,
      }),
    );
  });
  return {
    server,
    requests,
    set: (name: string, labels: Record<string, string>) => {
      resourceVersion++;
      const o = {
        metadata: {
          name,
          namespace: 'shop',
          labels,
          resourceVersion: String(resourceVersion),
        },
      };
      objects.set(name, o);
      return o;
    },
    event: (type: string, object: any) =>
      watches.forEach(w => w.write(`${JSON.stringify({ type, object })}\n`)),
    endWatches: () => watches.splice(0).forEach(w => w.end()),
    set notFound(v: boolean) {
      notFound = v;
    },
    set expireContinue(n: number) {
      expiredContinue = n;
    },
    get openWatches() {
      return watches.filter(w => !w.writableEnded).length;
    },
  };
}

const until = async (check: () => boolean, ms = 5000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 10));
  }
};

describe('ResourceWatch', () => {
  let api: ReturnType<typeof fakeApiServer>;
  let kubeConfig: KubeConfig;
  let watch: ResourceWatch<any> | undefined;

  beforeEach(async () => {
    api = fakeApiServer();
    await new Promise<void>(r => api.server.listen(0, '127.0.0.1', () => r()));
    const { KubeConfig: KubeConfigClass } = await import(
      '@kubernetes/client-node'
    );
    kubeConfig = new KubeConfigClass();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'fake',
          server: `http://127.0.0.1:${
            (api.server.address() as AddressInfo).port
          }`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'fake', user: 'u' }],
      currentContext: 'c',
    });
  });
  afterEach(async () => {
    await watch?.stop();
    api.endWatches();
    api.server.closeAllConnections();
    await new Promise(r => api.server.close(r));
  });

  const start = (timing = {}) =>
    (watch = new ResourceWatch<any>({
      description: 'pods',
      path: '/api/v1/pods',
      trim: o => ({ metadata: o.metadata }),
      index: o =>
        Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`),
      kubeConfig: async () => kubeConfig,
      timing: {
        pageSize: 2,
        backoffMs: 10,
        maxBackoffMs: 50,
        unservedRecheckMs: 50,
        ...timing,
      },
    }).start());

  it('lists in pages, then follows ADDED, MODIFIED and DELETED events, index included', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e'])
      api.set(n, { app: n === 'e' ? 'x' : 'y' });
    const w = start();
    expect(await w.ready(5000)).toBe(true);
    expect(w.listed().map(o => o.metadata.name)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
    // three pages of two, then a watch from the list's resourceVersion
    expect(api.requests.filter(r => r.includes('limit=2'))).toHaveLength(3);
    await until(() => api.openWatches === 1);
    expect(api.requests.at(-1)).toMatch(
      /resourceVersion=105.*|.*resourceVersion=105/,
    );
    expect([...w.indexed('app=y')!].map(o => o.metadata.name).sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);

    api.event('ADDED', api.set('f', { app: 'x' }));
    api.event('MODIFIED', api.set('a', { app: 'x' }));
    api.event('DELETED', {
      metadata: { name: 'e', namespace: 'shop', resourceVersion: '200' },
    });
    await until(() => w.counts.events === 3);
    expect(w.listed().map(o => o.metadata.name)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'f',
    ]);
    expect([...w.indexed('app=x')!].map(o => o.metadata.name).sort()).toEqual([
      'a',
      'f',
    ]);
    expect(w.indexedCount('app=y')).toBe(3);
    expect(w.fresh).toBe(true);
  });

  it('renews an ended watch from the last resourceVersion and lists again after an in-stream 410', async () => {
    api.set('a', {});
    const w = start();
    await w.ready(5000);
    await until(() => api.openWatches === 1);
    api.event('ADDED', api.set('b', {}));
    await until(() => w.counts.events === 1);
    api.endWatches(); // the server's timeoutSeconds
    await until(() => api.openWatches === 1);
    expect(api.requests.at(-1)).toContain('resourceVersion=102');
    expect(w.counts.lists).toBe(1);

    api.set('c', {}); // missed by the watch: only a new list shows it
    api.event('ERROR', {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version',
    });
    await until(() => w.counts.relists === 1 && api.openWatches >= 1);
    await until(() => w.listed().length === 3);
    expect(w.listed().map(o => o.metadata.name)).toEqual(['a', 'b', 'c']);
  });

  describe('what counts as a change', () => {
    /** A trim that keeps labels but not the resourceVersion, as the real ones do. */
    const startCounting = (name?: string) => {
      const changes: Array<string | undefined> = [];
      watch = new ResourceWatch<any>({
        description: 'pods',
        path: '/api/v1/pods',
        name,
        trim: o => ({ name: o.metadata.name, labels: o.metadata.labels }),
        kubeConfig: async () => kubeConfig,
        timing: { pageSize: 2, backoffMs: 10, maxBackoffMs: 50 },
        onChange: namespace => changes.push(namespace),
      }).start();
      return { w: watch, changes };
    };

    it('is an event that changes what is kept, not every event', async () => {
      api.set('a', { app: 'y' });
      const { w, changes } = startCounting();
      await w.ready(5000);
      await until(() => api.openWatches === 1);
      expect(changes).toEqual([undefined]); // the list
      const kept = w.listed();

      // a write of fields the trim drops (only the resourceVersion moves)
      api.event('MODIFIED', api.set('a', { app: 'y' }));
      // the delete of an object it never had
      api.event('DELETED', {
        metadata: { name: 'zz', namespace: 'shop', resourceVersion: '300' },
      });
      await until(() => w.counts.events === 2);
      expect(changes).toEqual([undefined]);
      expect(w.listed()).toBe(kept);

      api.event('MODIFIED', api.set('a', { app: 'x' }));
      api.event('DELETED', {
        metadata: { name: 'a', namespace: 'shop', resourceVersion: '301' },
      });
      await until(() => w.counts.events === 4);
      expect(changes).toEqual([undefined, 'shop', 'shop']);
      expect(w.listed()).toEqual([]);
    });

    it('is not a by-name watch reading its unchanged object again after each renewal', async () => {
      api.set('cert', { rotation: '1' });
      const { w, changes } = startCounting('cert');
      await w.ready(5000);
      await until(() => api.openWatches === 1);
      expect(changes).toHaveLength(1);
      // the watch from resourceVersion 0 sends the object as it stands
      api.event('ADDED', api.set('cert', { rotation: '1' }));
      await until(() => w.counts.events === 1);
      api.endWatches(); // the server's timeoutSeconds: get again, watch again
      await until(() => w.counts.lists === 2 && api.openWatches === 1);
      expect(changes).toHaveLength(1);
      expect(w.listed()).toEqual([{ name: 'cert', labels: { rotation: '1' } }]);
      api.event('ADDED', api.set('cert', { rotation: '1' }));
      await until(() => w.counts.events === 2);

      // a rotation the watch missed (between two watches) is seen by the get
      api.set('cert', { rotation: '2' });
      api.endWatches();
      await until(() => w.counts.lists === 3 && api.openWatches === 1);
      expect(changes).toHaveLength(2);
      expect(w.listed()).toEqual([{ name: 'cert', labels: { rotation: '2' } }]);
    });
  });

  it('starts a list over when its continue token expires', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) api.set(n, {});
    api.expireContinue = 1;
    const w = start();
    expect(await w.ready(5000)).toBe(true);
    expect(w.listed()).toHaveLength(5);
  });

  it('keeps an unserved collection empty and finds it once it is served', async () => {
    api.notFound = true;
    const w = start();
    expect(await w.ready(5000)).toBe(true);
    expect(w.state).toBe('unserved');
    expect(w.listed()).toEqual([]);
    api.set('a', {});
    api.notFound = false;
    await until(() => w.state === 'synced');
    expect(w.listed()).toHaveLength(1);
  });

  it('is not fresh once the watch has been lost for longer than staleAfterMs, and says why', async () => {
    api.set('a', {});
    const w = start({ staleAfterMs: 100 });
    await w.ready(5000);
    await until(() => api.openWatches === 1);
    api.notFound = false;
    // the API server goes away
    api.endWatches();
    api.server.closeAllConnections();
    await new Promise(r => api.server.close(r));
    await until(() => !w.fresh, 3000);
    expect(String(w.lastError)).toMatch(/ECONNREFUSED|connect/);
    // what it knew is still there for whoever wants it
    expect(w.listed()).toHaveLength(1);
    api.server.listen(0); // for afterEach's close
  });
});
