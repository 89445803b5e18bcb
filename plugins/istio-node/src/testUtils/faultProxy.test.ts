import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { FaultProxy, startFaultProxy } from './faultProxy';
import { createTestCertificate } from './testCertificates';

/**
 * A fake API server on loopback: a pod list, a watch that sends an ADDED
 * event every 20 ms until the client leaves, and a PATCH that echoes.
 * It records what reached it.
 */
async function startUpstream(tls?: https.ServerOptions) {
  const seen: Array<{
    method: string;
    url: string;
    auth?: string;
    cn?: string;
  }> = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket as TLSSocket;
    seen.push({
      method: req.method!,
      url: req.url!,
      auth: req.headers.authorization,
      cn: tls ? (socket.getPeerCertificate().subject?.CN as string) : undefined,
    });
    res.setHeader('content-type', 'application/json');
    if (req.url!.includes('watch=true')) {
      res.writeHead(200);
      let n = 0;
      const timer = setInterval(() => {
        n++;
        res.write(
          `${JSON.stringify({
            type: 'ADDED',
            object: { kind: 'Pod', metadata: { name: `p${n}` } },
          })}\n`,
        );
      }, 20);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (req.method === 'PATCH') {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => res.end(body));
      return;
    }
    res.end(
      JSON.stringify({
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '7' },
        items: [{ metadata: { name: 'p1', namespace: 'shop' } }],
      }),
    );
  };
  const server = tls
    ? https.createServer(tls, handler)
    : http.createServer(handler);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise(r => server.close(r));
    },
  };
}

async function kubeConfigFor(
  server: string,
  user: Record<string, string>,
  cluster: Record<string, unknown> = {},
): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigClass } = await import(
    '@kubernetes/client-node'
  );
  const kc = new KubeConfigClass();
  kc.loadFromOptions({
    clusters: [{ name: 'up', server, skipTLSVerify: false, ...cluster }],
    users: [{ name: 'u', ...user }],
    contexts: [{ name: 'up', cluster: 'up', user: 'u' }],
    currentContext: 'up',
  });
  return kc;
}

type Answer = {
  status?: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  error?: string;
  ms: number;
};

/** One request through the proxy; resolves on the end, an error or `waitMs`. */
function call(
  proxy: FaultProxy,
  path: string,
  options: { method?: string; body?: string; waitMs?: number } = {},
): Promise<Answer> {
  const started = Date.now();
  return new Promise(resolve => {
    const answer: Answer = { headers: {}, body: '', ms: 0 };
    const done = (error?: string) => {
      answer.ms = Date.now() - started;
      if (error) {
        answer.error = error;
      }
      resolve(answer);
    };
    const req = http.request(`${proxy.url}${path}`, {
      method: options.method ?? 'GET',
      headers: { authorization: 'Bearer test-token' },
      agent: false,
    });
    const timer =
      options.waitMs === undefined
        ? undefined
        : setTimeout(() => {
            req.destroy();
            done('waited');
          }, options.waitMs);
    req.on('response', res => {
      answer.status = res.statusCode;
      answer.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', c => (answer.body += c));
      res.on('end', () => {
        clearTimeout(timer);
        done();
      });
      res.on('error', e => {
        clearTimeout(timer);
        done((e as NodeJS.ErrnoException).code ?? e.message);
      });
    });
    req.on('error', e => {
      clearTimeout(timer);
      if (!answer.error) {
        done((e as NodeJS.ErrnoException).code ?? e.message);
      }
    });
    req.end(options.body);
  });
}

const PODS = '/api/v1/namespaces/shop/pods';
const lines = (body: string) => body.split('\n').filter(Boolean);

describe('startFaultProxy', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: FaultProxy;

  beforeEach(async () => {
    upstream = await startUpstream();
    proxy = await startFaultProxy({
      kubeConfig: await kubeConfigFor(
        upstream.url,
        { token: 'test-token' },
        { skipTLSVerify: true },
      ),
    });
  });
  afterEach(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('forwards requests with the client token and counts them, watches apart', async () => {
    const list = await call(proxy, `${PODS}?labelSelector=app%3Dx`);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body).items).toHaveLength(1);
    const watch = await call(proxy, `${PODS}?watch=true`, { waitMs: 150 });
    expect(lines(watch.body).length).toBeGreaterThan(0);
    expect(upstream.seen.map(s => [s.method, s.url, s.auth])).toEqual([
      ['GET', `${PODS}?labelSelector=app%3Dx`, 'Bearer test-token'],
      ['GET', `${PODS}?watch=true`, 'Bearer test-token'],
    ]);
    expect(proxy.count()).toBe(2);
    expect(proxy.count({ watch: true })).toBe(1);
    expect(proxy.count({ watch: false, path: /\/pods$/ })).toBe(1);
    expect(proxy.requests[0].query).toEqual({ labelSelector: 'app=x' });
    expect(proxy.clusterConfig('c')).toEqual({
      name: 'c',
      url: proxy.url,
      authProvider: 'serviceAccount',
      serviceAccountToken: 'test-token',
      skipTLSVerify: true,
    });
  });

  it('answers 500, 503 and 429 (with Retry-After) as the API server would, on schedule', async () => {
    const second = proxy.inject({
      match: { method: 'PATCH' },
      fault: { kind: 'status', status: 500 },
      skip: 1,
      times: 1,
    });
    const patches = [];
    for (let i = 0; i < 3; i++) {
      patches.push(await call(proxy, PODS, { method: 'PATCH', body: '{}' }));
    }
    expect(patches.map(p => p.status)).toEqual([200, 500, 200]);
    expect(JSON.parse(patches[1].body)).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
    });
    expect(second).toMatchObject({ matched: 3, injected: 1 });
    expect(upstream.seen.filter(s => s.method === 'PATCH')).toHaveLength(2);

    proxy.inject({
      match: { path: /\/pods$/, watch: false },
      fault: { kind: 'status', status: 429, retryAfterSeconds: 3 },
      times: 1,
    });
    proxy.inject({
      match: { path: /\/pods$/ },
      fault: { kind: 'status', status: 503 },
    });
    const throttled = await call(proxy, PODS);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('3');
    expect(JSON.parse(throttled.body).reason).toBe('TooManyRequests');
    const unavailable = await call(proxy, PODS);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('1');
    expect(proxy.requests.map(r => r.fault)).toEqual([
      undefined,
      'status',
      undefined,
      'status',
      'status',
    ]);
    expect(proxy.faultsInjected).toBe(3);

    proxy.clear();
    expect((await call(proxy, PODS)).status).toBe(200);
    expect(proxy.faultsInjected).toBe(3);
  });

  it('delays requests, and lets them go at once on clear()', async () => {
    proxy.inject({
      match: { watch: false },
      fault: { kind: 'latency', ms: 300 },
    });
    const slow = await call(proxy, PODS);
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);

    proxy.inject({ fault: { kind: 'latency', ms: 60_000 } });
    const waiting = call(proxy, PODS);
    await new Promise(r => setTimeout(r, 100));
    proxy.clear();
    const released = await waiting;
    expect(released.status).toBe(200);
    expect(released.ms).toBeLessThan(5000);
  });

  it('resets connections before the API server sees them', async () => {
    proxy.inject({ match: { method: 'GET' }, fault: { kind: 'reset' } });
    const answer = await call(proxy, PODS);
    expect(answer.status).toBeUndefined();
    expect(answer.error).toBe('ECONNRESET');
    expect(upstream.seen).toEqual([]);
  });

  it('hangs a request without an answer and a watch after its headers, until clear()', async () => {
    proxy.inject({ fault: { kind: 'hang' } });
    const list = await call(proxy, PODS, { waitMs: 300 });
    expect(list.status).toBeUndefined();
    expect(list.error).toBe('waited');

    const watch = call(proxy, `${PODS}?watch=true&resourceVersion=7`);
    await new Promise(r => setTimeout(r, 300));
    proxy.clear();
    const ended = await watch;
    expect(ended.status).toBe(200);
    expect(ended.body).toBe('');
    expect(ended.error).toBeDefined();
    expect(upstream.seen).toEqual([]);
  });

  it('answers a watch with 410 Gone, as HTTP and as the in-stream ERROR event', async () => {
    proxy.inject({
      match: { watch: true },
      fault: { kind: 'gone', as: 'http' },
      times: 1,
    });
    const http410 = await call(proxy, `${PODS}?watch=true&resourceVersion=5`);
    expect(http410.status).toBe(410);
    expect(JSON.parse(http410.body)).toMatchObject({
      kind: 'Status',
      reason: 'Expired',
      code: 410,
      message: expect.stringContaining('too old resource version: 5'),
    });

    proxy.inject({
      match: { watch: true },
      fault: { kind: 'gone', as: 'event' },
      times: 1,
    });
    const inStream = await call(proxy, `${PODS}?watch=1&resourceVersion=5`);
    expect(inStream.status).toBe(200);
    expect(lines(inStream.body).map(l => JSON.parse(l))).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({ kind: 'Status', code: 410 }),
      },
    ]);

    // the real watch first, then the error, then the end of the stream
    proxy.inject({
      match: { watch: true },
      fault: { kind: 'gone', as: 'event', afterEvents: 3 },
      times: 1,
    });
    const later = await call(proxy, `${PODS}?watch=true&resourceVersion=5`);
    expect(lines(later.body).map(l => JSON.parse(l).type)).toEqual([
      'ADDED',
      'ADDED',
      'ADDED',
      'ERROR',
    ]);
    expect(proxy.count({ watch: true })).toBe(3);
    expect(upstream.seen).toHaveLength(1);
  });

  it('resets a watch in the middle of its stream, by rule or on demand', async () => {
    proxy.inject({
      match: { watch: true },
      fault: { kind: 'resetMidStream', afterEvents: 2 },
      times: 1,
    });
    const cut = await call(proxy, `${PODS}?watch=true`);
    expect(cut.status).toBe(200);
    expect(lines(cut.body)).toHaveLength(2);
    expect(cut.error).toBeDefined();

    const running = call(proxy, `${PODS}?watch=true`);
    await new Promise(r => setTimeout(r, 150));
    expect(proxy.resetOpen({ method: 'PATCH' })).toBe(0);
    expect(proxy.resetOpen({ watch: true })).toBe(1);
    const ended = await running;
    expect(ended.status).toBe(200);
    expect(lines(ended.body).length).toBeGreaterThan(0);
    expect(ended.error).toBeDefined();
  });
});

describe('startFaultProxy in front of another server', () => {
  it('forwards to an upstream URL, answers with a body of choice and comes back on its port', async () => {
    const upstream = await startUpstream();
    let proxy = await startFaultProxy({ upstream: upstream.url });
    try {
      expect((await call(proxy, PODS)).status).toBe(200);
      // the placeholder token is not forwarded; a client's own header is
      expect(upstream.seen[0].auth).toBe('Bearer test-token');
      proxy.inject({
        fault: {
          kind: 'status',
          status: 400,
          body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
          headers: { 'x-amzn-errortype': 'ThrottlingException' },
        },
      });
      const throttled = await call(proxy, PODS);
      expect(throttled.status).toBe(400);
      expect(throttled.headers['x-amzn-errortype']).toBe('ThrottlingException');
      expect(JSON.parse(throttled.body)).toEqual({
        __type: 'ThrottlingException',
        message: 'Rate exceeded',
      });

      // down: nothing listens on the port; then up again on the same one
      const port = Number(new URL(proxy.url).port);
      await proxy.close();
      const refused = await call(proxy, PODS);
      expect(refused.error).toBe('ECONNREFUSED');
      proxy = await startFaultProxy({ upstream: upstream.url, port });
      expect((await call(proxy, PODS)).status).toBe(200);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});

describe('startFaultProxy over TLS', () => {
  it('serves HTTPS with its own CA and presents the kubeconfig client certificate upstream', async () => {
    const serverCert = await createTestCertificate({ sans: ['localhost'] });
    const clientCert = await createTestCertificate({
      sans: ['meshdeck-test-client'],
      commonName: 'meshdeck-test-client',
    });
    const upstream = await startUpstream({
      cert: serverCert.certPem,
      key: serverCert.keyPem,
      requestCert: true,
      rejectUnauthorized: true,
      ca: [clientCert.certPem],
    });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const proxy = await startFaultProxy({
      kubeConfig: await kubeConfigFor(
        upstream.url,
        { certData: b64(clientCert.certPem), keyData: b64(clientCert.keyPem) },
        { caData: b64(serverCert.certPem), tlsServerName: 'localhost' },
      ),
      tls: true,
    });
    try {
      expect(proxy.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const { CoreV1Api } = await import('@kubernetes/client-node');
      const core = proxy.kubeConfig.makeApiClient(CoreV1Api);
      const pods = await core.listNamespacedPod({ namespace: 'shop' });
      expect(pods.items.map(p => p.metadata?.name)).toEqual(['p1']);
      // the placeholder token never leaves the proxy
      expect(upstream.seen).toEqual([
        expect.objectContaining({
          cn: 'meshdeck-test-client',
          auth: undefined,
        }),
      ]);
      expect(proxy.clusterConfig('c').caData).toBeTruthy();

      proxy.inject({ fault: { kind: 'status', status: 503 } });
      await expect(
        core.listNamespacedPod({ namespace: 'shop' }),
      ).rejects.toMatchObject({ code: 503 });
      proxy.clear();
      proxy.inject({ fault: { kind: 'reset' } });
      await expect(
        core.listNamespacedPod({ namespace: 'shop' }),
      ).rejects.toThrow();
      expect(upstream.seen).toHaveLength(1);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
