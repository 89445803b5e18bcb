import type { KubeConfig } from '@kubernetes/client-node';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
// through the package's main entry point, so that this entry point's API
// refers to that one's ClusterConfig
import type { ClusterConfig } from '@meshdeck/plugin-istio-node';

/**
 * Which requests a fault applies to (and what {@link FaultProxy.count}
 * counts). Every given field must match; an empty matcher matches every
 * request.
 *
 * @public
 */
export type FaultMatcher = {
  /** HTTP method(s), e.g. `'GET'` or `['PATCH', 'POST']`. */
  method?: string | string[];
  /**
   * Tested against the request's path without its query, e.g.
   * `/\/pods$/` (a pod list, in one namespace or all) or
   * `/\/namespaces\/[^/]+\/secrets\//` (a secret get).
   */
  path?: RegExp;
  /**
   * `true`: only watches (`?watch=true`/`watch=1`, or the old
   * `/watch/` paths); `false`: only everything else.
   */
  watch?: boolean;
  /** Anything else, e.g. a label selector in the query. */
  test?: (request: ProxiedRequest) => boolean;
};

/**
 * What the proxy does to a matching request instead of (or on the way to)
 * forwarding it.
 *
 * - `latency`: waits `ms`, then forwards. {@link FaultProxy.clear} lets
 *   waiting requests go on at once.
 * - `status`: answers `status` (500, 503, 429, 504 …) with a Kubernetes
 *   `Status` body (or `body`), like the API server or a load balancer in
 *   front of it; `retryAfterSeconds` adds `Retry-After` (429 and 503 get
 *   1 s unless given). The API server never sees the request.
 * - `reset`: resets the TCP connection (RST) before any answer; the API
 *   server never sees the request.
 * - `hang`: accepts the request and never answers. A watch gets `200` and
 *   its headers first, then nothing, as a watch whose server went quiet.
 *   {@link FaultProxy.clear} (and `close`) destroys hung connections.
 * - `gone`: `410 Gone` for a watch whose `resourceVersion` is too old, as
 *   `as: 'http'` (an HTTP 410 with a `Status` of reason `Expired`, what a
 *   list with an expired `continue` or `resourceVersion` gets) or
 *   `as: 'event'` (HTTP 200, then the API server's in-stream
 *   `{"type":"ERROR","object":{"kind":"Status","code":410,...}}` event, then
 *   the end of the stream). With `afterEvents`, the real watch is forwarded
 *   for that many events first.
 * - `resetMidStream`: forwards the answer (status, headers, body), then
 *   resets the connection after `afterEvents` complete lines (watch events)
 *   or `afterMs`, whichever comes first; with neither, right after the
 *   headers.
 *
 * @public
 */
export type Fault =
  | { kind: 'latency'; ms: number }
  | {
      kind: 'status';
      status: number;
      retryAfterSeconds?: number;
      message?: string;
      /**
       * Another body than the Kubernetes `Status` (JSON unless a string),
       * e.g. an AWS error `{ __type: 'ThrottlingException', message }`.
       */
      body?: unknown;
      headers?: Record<string, string>;
    }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'gone'; as: 'http' | 'event'; afterEvents?: number }
  | { kind: 'resetMidStream'; afterEvents?: number; afterMs?: number };

/**
 * A request that reached the proxy.
 *
 * @public
 */
export type ProxiedRequest = {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Path without the query. */
  path: string;
  /**
   * Query parameters (the last value of a repeated one), a plain object so
   * that records compare and print well in assertions.
   */
  query: Record<string, string>;
  watch: boolean;
  /** The fault injected into this request, if any. */
  fault?: Fault['kind'];
  /** `Date.now()` when it arrived. */
  at: number;
};

/**
 * A fault set with {@link FaultProxy.inject}, with its counters.
 *
 * @public
 */
export type InjectedFault = {
  readonly match: FaultMatcher;
  readonly fault: Fault;
  /** Requests that matched so far (the skipped ones included). */
  readonly matched: number;
  /** Requests the fault was injected into so far. */
  readonly injected: number;
  /** Takes this fault out (what it holds is released as by `clear`). */
  remove(): void;
};

/**
 * A fault-injecting reverse proxy on loopback in front of a cluster's API
 * server. See {@link startFaultProxy}.
 *
 * @public
 */
export type FaultProxy = {
  /** `http://127.0.0.1:<port>`, or `https://` with `tls: true`. */
  url: string;
  /**
   * A KubeConfig whose current context reaches the API server through the
   * proxy, with the upstream user's token (or, for a user without a static
   * token, a placeholder the proxy swaps for the upstream credentials) and,
   * with `tls: true`, the proxy's CA.
   */
  kubeConfig: KubeConfig;
  /** The same, as a kubeconfig file's YAML (e.g. for a child process). */
  kubeconfigYaml(): string;
  /**
   * The same, as a Backstage `kubernetes.clusterLocatorMethods` cluster
   * (authProvider `serviceAccount`), for `kubernetesAppConfig` and so for a
   * `ClusterRegistry`.
   */
  clusterConfig(name: string): ClusterConfig;
  /** Every request so far, oldest first. */
  readonly requests: ProxiedRequest[];
  /** How many requests so far match (all of them without a matcher). */
  count(match?: FaultMatcher): number;
  /** Faults injected so far, over all rules (also after `clear`). */
  readonly faultsInjected: number;
  /**
   * Injects `fault` into requests matching `match`, from now on: after the
   * first `skip` matching requests (default 0), into the next `times`
   * (default: every one). The first rule, in the order they were set, that
   * fires on a request decides; every matching rule counts the request.
   */
  inject(options: {
    match?: FaultMatcher;
    fault: Fault;
    skip?: number;
    times?: number;
  }): InjectedFault;
  /**
   * Removes every fault. Requests held by `latency` go on at once; hung
   * connections are destroyed (the client sees a reset, as when a load
   * balancer's idle timeout ends them). Counters and `requests` stay.
   */
  clear(): void;
  /**
   * Resets the open connections (e.g. running watches) of requests matching
   * `match` now; how many it reset.
   */
  resetOpen(match?: FaultMatcher): number;
  /** Stops the proxy and ends every connection. */
  close(): Promise<void>;
};

type Rule = {
  match: FaultMatcher;
  fault: Fault;
  skip: number;
  times: number;
  matched: number;
  injected: number;
};

/** A request in progress, with how to end it. */
type Open = { request: ProxiedRequest; abort(): void };

/** A request a `latency` or `hang` fault holds. */
type Held = {
  rule: Rule;
  /** Lets it go: a delayed request is forwarded, a hung one reset. */
  release(): void;
  /** Ends it without forwarding (on close). */
  drop(): void;
};

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
];

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A Kubernetes `Status` object as the API server sends it. */
function statusObject(code: number, message: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'Unknown',
    code,
  };
}

function isWatch(path: string, query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch === 'true' || watch === '1' || /(^|\/)watch\//.test(path);
}

function matches(match: FaultMatcher, request: ProxiedRequest): boolean {
  if (match.method !== undefined) {
    const methods = (
      Array.isArray(match.method) ? match.method : [match.method]
    ).map(m => m.toUpperCase());
    if (!methods.includes(request.method)) {
      return false;
    }
  }
  if (match.path && !match.path.test(request.path)) {
    return false;
  }
  if (match.watch !== undefined && match.watch !== request.watch) {
    return false;
  }
  return !match.test || match.test(request);
}

function withoutHopByHop(
  headers: http.IncomingHttpHeaders,
): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers };
  for (const h of HOP_BY_HOP) {
    delete out[h];
  }
  return out;
}

/** Sends RST where the platform can, else just closes. */
function reset(socket: Socket | null | undefined) {
  if (!socket || socket.destroyed) {
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** A self-signed certificate for 127.0.0.1 (an IP SAN), for `tls: true`. */
async function loopbackCertificate(): Promise<{ cert: string; key: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=meshdeck-fault-proxy',
      notBefore: new Date(now - 60 * 60 * 1000),
      notAfter: new Date(now + 7 * 24 * 60 * 60 * 1000),
      signingAlgorithm: algorithm,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
        ]),
      ],
    },
    webcrypto as unknown as Crypto,
  );
  const pkcs8 = Buffer.from(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
  ).toString('base64');
  return {
    cert: cert.toString('pem'),
    key: `-----BEGIN PRIVATE KEY-----\n${pkcs8
      .match(/.{1,64}/g)!
      .join('\n')}\n-----END PRIVATE KEY-----\n`,
  };
}

/**
 * Starts a fault-injecting reverse proxy on 127.0.0.1 (a free port) in
 * front of the API server of `kubeConfig`'s current context (or of any
 * `upstream` URL, e.g. the AWS emulator), for tests of how Meshdeck
 * behaves when a cluster (or ACM) is slow, failing or flaky. Faults are
 * set and cleared at runtime ({@link FaultProxy.inject},
 * {@link FaultProxy.clear}); every request is recorded and counted, watches
 * separately from the rest ({@link ProxiedRequest.watch}).
 *
 * Towards the API server the proxy uses the kubeconfig's TLS settings (CA,
 * `skipTLSVerify`, client certificate) and forwards the client's
 * `Authorization` header as it is, so a limited user stays limited through
 * the proxy; the placeholder token of {@link FaultProxy.kubeConfig} (for a
 * user without a static token: client certificates, exec plugins) is
 * replaced with the kubeconfig user's credentials, read once at start.
 * Towards the client it speaks plain HTTP, or HTTPS with a fresh
 * self-signed certificate for 127.0.0.1 with `tls: true` (its CA is in
 * `kubeConfig` and `clusterConfig`).
 *
 * What a watch-fed cache's tests need: `hang` on a watch (headers, then
 * silence), `gone` as an HTTP 410 and as the in-stream ERROR event,
 * `resetMidStream` (or {@link FaultProxy.resetOpen} for watches already
 * running) and `count({ watch: true })`:
 *
 * ```ts
 * const proxy = await startFaultProxy({ kubeConfig });
 * const registry = ClusterRegistry.fromConfig(new ConfigReader({
 *   kubernetes: kubernetesAppConfig([proxy.clusterConfig('faulty')]),
 * }));
 * const failing = proxy.inject({
 *   match: { method: 'GET', path: /\/pods$/, watch: false },
 *   fault: { kind: 'status', status: 503 },
 * });
 * // ... the code under test reads pods: failing.injected === 1
 * proxy.inject({ match: { watch: true }, fault: { kind: 'gone', as: 'event' }, times: 1 });
 * proxy.count({ watch: true }); // watch requests so far
 * proxy.clear();
 * await proxy.close();
 * ```
 *
 * @public
 */
export async function startFaultProxy(options: {
  /** Whose current context the proxy forwards to. */
  kubeConfig?: KubeConfig;
  /**
   * Or any other HTTP(S) server to forward to, e.g. the AWS emulator
   * (`kubeConfig` of the proxy then means nothing).
   */
  upstream?: string;
  /** Serve HTTPS (a self-signed certificate for 127.0.0.1). */
  tls?: boolean;
  /** The port to listen on, e.g. the one of a proxy closed before; else a free one. */
  port?: number;
}): Promise<FaultProxy> {
  const { KubeConfig: KubeConfigClass } = await import(
    '@kubernetes/client-node'
  );
  let source = options.kubeConfig;
  if (!source) {
    if (!options.upstream) {
      throw new Error('startFaultProxy needs a kubeConfig or an upstream');
    }
    source = new KubeConfigClass();
    source.loadFromOptions({
      clusters: [{ name: 'upstream', server: options.upstream }],
      users: [{ name: 'none' }],
      contexts: [{ name: 'upstream', cluster: 'upstream', user: 'none' }],
      currentContext: 'upstream',
    });
  }
  const cluster = source.getCurrentCluster();
  if (!cluster) {
    throw new Error('the kubeconfig has no current cluster');
  }
  const user = source.getCurrentUser();
  const upstream = new URL(cluster.server);
  const secure = upstream.protocol === 'https:';

  // the upstream TLS material and credentials, as client-node applies them
  // (client-node refuses plain HTTP there, so an http:// API server gets
  // the user's static token only)
  const applied: https.RequestOptions = { headers: {} };
  if (secure) {
    await source.applyToHTTPSOptions(applied);
  } else if (user?.token) {
    applied.headers = { Authorization: `Bearer ${user.token}` };
  }
  const upstreamAuthorization = (applied.headers as http.OutgoingHttpHeaders)
    ?.Authorization as string | undefined;
  const agentOptions: https.AgentOptions = {
    keepAlive: true,
    ca: applied.ca,
    cert: applied.cert,
    key: applied.key,
    rejectUnauthorized: applied.rejectUnauthorized ?? true,
    ...(cluster.tlsServerName && { servername: cluster.tlsServerName }),
  };
  const agent = secure
    ? new https.Agent(agentOptions)
    : new http.Agent({ keepAlive: true });

  // the token clients of the proxy send: the user's own, or a placeholder
  // the proxy swaps for the upstream credentials
  const placeholder = `meshdeck-fault-proxy-${randomBytes(12).toString('hex')}`;
  const clientToken = user?.token ?? placeholder;

  const rules: Rule[] = [];
  const requests: ProxiedRequest[] = [];
  const open = new Set<Open>();
  const held = new Set<Held>();
  let faultsInjected = 0;

  const certificate = options.tls ? await loopbackCertificate() : undefined;

  function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    request: ProxiedRequest,
    stream?: {
      /** After this many complete lines, call `then` instead of going on. */
      afterLines?: number;
      afterMs?: number;
      then: () => void;
    },
  ) {
    const headers = withoutHopByHop(req.headers);
    headers.host = upstream.host;
    if (
      headers.authorization === `Bearer ${placeholder}` ||
      (!headers.authorization && upstreamAuthorization)
    ) {
      if (upstreamAuthorization) {
        headers.authorization = upstreamAuthorization;
      } else {
        delete headers.authorization;
      }
    }
    const send = secure ? https.request : http.request;
    const out = send({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port || (secure ? 443 : 80),
      method: req.method,
      path: req.url,
      headers,
      agent,
    });
    const entry: Open = {
      request,
      abort: () => {
        out.destroy();
        reset(req.socket);
      },
    };
    open.add(entry);
    res.once('close', () => {
      open.delete(entry);
      out.destroy();
    });
    out.on('error', e => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            statusObject(502, `fault proxy: upstream failed: ${e.message}`),
          ),
        );
      } else {
        reset(req.socket);
      }
    });
    out.on('response', answer => {
      res.writeHead(
        answer.statusCode ?? 502,
        withoutHopByHop(answer.headers) as http.OutgoingHttpHeaders,
      );
      if (request.watch) {
        res.flushHeaders();
      }
      if (!stream) {
        answer.pipe(res);
        return;
      }
      let done = false;
      let lines = 0;
      let rest = '';
      let timer: NodeJS.Timeout | undefined = undefined;
      const stop = () => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          answer.destroy();
          // what was written reaches the client before a reset, which
          // would discard it
          res.write('', () => setTimeout(stream.then, 50));
        }
      };
      if (stream.afterMs !== undefined) {
        timer = setTimeout(stop, stream.afterMs);
      }
      if ((stream.afterLines ?? 0) <= 0 && stream.afterMs === undefined) {
        stop();
        return;
      }
      answer.setEncoding('utf8');
      answer.on('data', (chunk: string) => {
        rest += chunk;
        let newline = rest.indexOf('\n');
        while (!done && newline >= 0) {
          res.write(rest.slice(0, newline + 1));
          rest = rest.slice(newline + 1);
          lines++;
          if (stream.afterLines !== undefined && lines >= stream.afterLines) {
            stop();
          }
          newline = rest.indexOf('\n');
        }
      });
      answer.on('end', () => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          res.end(rest);
        }
      });
    });
    req.pipe(out);
  }

  function inject(
    rule: Rule,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    request: ProxiedRequest,
  ) {
    const { fault } = rule;
    switch (fault.kind) {
      case 'latency': {
        let timer: NodeJS.Timeout | undefined = undefined;
        const entry: Held = {
          rule,
          release: () => {
            clearTimeout(timer);
            held.delete(entry);
            if (!res.destroyed && !res.headersSent) {
              forward(req, res, request);
            }
          },
          drop: () => {
            clearTimeout(timer);
            held.delete(entry);
            reset(req.socket);
          },
        };
        timer = setTimeout(entry.release, fault.ms);
        held.add(entry);
        // a client that gives up while waiting
        res.once('close', () => {
          clearTimeout(timer);
          held.delete(entry);
        });
        return;
      }
      case 'status': {
        req.resume();
        const retryAfter =
          fault.retryAfterSeconds ??
          (fault.status === 429 || fault.status === 503 ? 1 : undefined);
        res.writeHead(fault.status, {
          'content-type': 'application/json',
          ...(retryAfter !== undefined && {
            'retry-after': String(retryAfter),
          }),
          ...fault.headers,
        });
        const body =
          fault.body ??
          statusObject(
            fault.status,
            fault.message ??
              `fault proxy: injected ${fault.status} ${
                http.STATUS_CODES[fault.status] ?? ''
              }`.trim(),
          );
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
        return;
      }
      case 'reset':
        reset(req.socket);
        return;
      case 'hang': {
        req.resume();
        const entry: Held = {
          rule,
          release: () => {
            held.delete(entry);
            reset(req.socket);
          },
          drop: () => entry.release(),
        };
        held.add(entry);
        res.once('close', () => held.delete(entry));
        if (request.watch) {
          res.writeHead(200, {
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          });
          res.flushHeaders();
        }
        return;
      }
      case 'gone': {
        const version = request.query.resourceVersion ?? '0';
        const message = `too old resource version: ${version} (${
          Number(version) + 1000 || 1000
        })`;
        if (fault.as === 'http') {
          req.resume();
          res.writeHead(410, { 'content-type': 'application/json' });
          res.end(JSON.stringify(statusObject(410, message)));
          return;
        }
        const event = `${JSON.stringify({
          type: 'ERROR',
          object: statusObject(410, message),
        })}\n`;
        const afterEvents = fault.afterEvents ?? 0;
        if (afterEvents <= 0) {
          req.resume();
          res.writeHead(200, {
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          });
          res.end(event);
          return;
        }
        forward(req, res, request, {
          afterLines: afterEvents,
          then: () => res.end(event),
        });
        return;
      }
      case 'resetMidStream':
        forward(req, res, request, {
          afterLines: fault.afterEvents,
          afterMs: fault.afterMs,
          then: () => reset(req.socket),
        });
        return;
      default:
        throw new Error(`unknown fault ${JSON.stringify(fault)}`);
    }
  }

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? '/';
    const parsed = new URL(url, 'http://fault-proxy');
    const request: ProxiedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      url,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      watch: isWatch(parsed.pathname, parsed.searchParams),
      at: Date.now(),
    };
    requests.push(request);
    let chosen: Rule | undefined;
    for (const rule of rules) {
      if (!matches(rule.match, request)) {
        continue;
      }
      rule.matched++;
      if (!chosen && rule.matched > rule.skip && rule.injected < rule.times) {
        chosen = rule;
      }
    }
    if (!chosen) {
      forward(req, res, request);
      return;
    }
    chosen.injected++;
    faultsInjected++;
    request.fault = chosen.fault.kind;
    inject(chosen, req, res, request);
  };

  const server = certificate
    ? https.createServer({ cert: certificate.cert, key: certificate.key })
    : http.createServer();
  server.on('request', handler);
  // the client sees its connection end; nothing to tell it
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${certificate ? 'https' : 'http'}://127.0.0.1:${port}`;
  const caData = certificate
    ? Buffer.from(certificate.cert).toString('base64')
    : undefined;

  const kubeConfig = new KubeConfigClass();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'fault-proxy',
        server: url,
        caData,
        // client-node refuses an http:// server unless told to skip TLS
        // checks; there is no TLS to check then
        skipTLSVerify: !certificate,
      },
    ],
    users: [{ name: 'fault-proxy', token: clientToken }],
    contexts: [
      { name: 'fault-proxy', cluster: 'fault-proxy', user: 'fault-proxy' },
    ],
    currentContext: 'fault-proxy',
  });

  /** Lets go of what the rule's faults (or every fault) hold. */
  const releaseHeld = (rule?: Rule) => {
    for (const entry of [...held]) {
      if (!rule || entry.rule === rule) {
        entry.release();
      }
    }
  };

  return {
    url,
    kubeConfig,
    kubeconfigYaml: () => kubeConfig.exportConfig(),
    clusterConfig: name => ({
      name,
      url,
      authProvider: 'serviceAccount',
      serviceAccountToken: clientToken,
      ...(caData && { caData }),
      skipTLSVerify: !certificate,
    }),
    requests,
    count: match => requests.filter(r => !match || matches(match, r)).length,
    get faultsInjected() {
      return faultsInjected;
    },
    inject({ match = {}, fault, skip = 0, times = Infinity }) {
      const rule: Rule = { match, fault, skip, times, matched: 0, injected: 0 };
      rules.push(rule);
      return {
        match,
        fault,
        get matched() {
          return rule.matched;
        },
        get injected() {
          return rule.injected;
        },
        remove() {
          const i = rules.indexOf(rule);
          if (i >= 0) {
            rules.splice(i, 1);
          }
          releaseHeld(rule);
        },
      };
    },
    clear() {
      rules.length = 0;
      releaseHeld();
    },
    resetOpen(match) {
      let n = 0;
      for (const entry of [...open]) {
        if (!match || matches(match, entry.request)) {
          entry.abort();
          open.delete(entry);
          n++;
        }
      }
      return n;
    },
    async close() {
      rules.length = 0;
      for (const entry of [...held]) {
        entry.drop();
      }
      const closed = new Promise<void>(resolve =>
        server.close(() => resolve()),
      );
      for (const entry of [...open]) {
        entry.abort();
      }
      open.clear();
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}
