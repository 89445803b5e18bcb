/*
 * A small HTTP client for the benchmarks: keep-alive connections and
 * compressed answers (as a browser asks for them), the user's Backstage
 * token on every request, and the time from sending a request to its last
 * byte.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';

/** The body of an answer, decompressed as its content-encoding says. */
function decode(body: Buffer, encoding: string | undefined): string {
  switch (encoding) {
    case 'gzip':
      return zlib.gunzipSync(body).toString('utf8');
    case 'deflate':
      return zlib.inflateSync(body).toString('utf8');
    case 'br':
      return zlib.brotliDecompressSync(body).toString('utf8');
    default:
      return body.toString('utf8');
  }
}

/**
 * The durations of a `Server-Timing` header (`name;dur=1.5, ...`), in
 * milliseconds by name.
 */
export function serverTimings(
  header: string | string[] | undefined,
): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const part of [header ?? []].flat().join(',').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.find(p => p.trim().startsWith('dur='));
    if (name && dur) {
      timings[name] = Number(dur.trim().slice(4));
    }
  }
  return timings;
}

/** One answer, timed. */
export type Timed = {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** From sending the request to the answer's last byte. */
  ms: number;
  /** The answer's size on the wire (compressed when it was). */
  bytes: number;
  body: string;
  /** The body parsed as JSON (lazily). */
  json<T = any>(): T;
};

export class BenchClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  token?: string;

  constructor(readonly baseUrl: string) {}

  /**
   * Sends `method path` (with `body` as JSON) and times the answer; gives
   * up after `timeoutMs` (default 60 s).
   */
  request(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: http.OutgoingHttpHeaders = {},
    timeoutMs = 60_000,
  ): Promise<Timed> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = {
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      ...extraHeaders,
    };
    if (this.token) {
      headers.authorization = `Bearer ${this.token}`;
    }
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    // a kept-alive socket the server closed as it was reused answers
    // ECONNRESET: Node's documented race, sent again once on a new socket
    const send = (retried: boolean): Promise<Timed> =>
      new Promise((resolve, reject) => {
        const start = performance.now();
        const req = http.request(
          url,
          { method, headers, agent: this.agent },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
              const ms = performance.now() - start;
              const wire = Buffer.concat(chunks);
              // decoded and parsed only when asked for: the benchmark's own
              // garbage (a 1.6 MB answer each round) would otherwise be
              // collected while it times the next request
              let text: string | undefined;
              const decoded = () =>
                (text ??= decode(wire, res.headers['content-encoding']));
              let parsed: unknown;
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                ms,
                bytes: wire.length,
                get body() {
                  return decoded();
                },
                json: <T>() => (parsed ??= JSON.parse(decoded())) as T,
              });
            });
          },
        );
        req.setTimeout(timeoutMs, () =>
          req.destroy(
            new Error(`${method} ${path}: no answer in ${timeoutMs} ms`),
          ),
        );
        req.on('error', (e: NodeJS.ErrnoException) => {
          if (!retried && req.reusedSocket && e.code === 'ECONNRESET') {
            resolve(send(true));
          } else {
            reject(e);
          }
        });
        req.end(payload);
      });
    return send(false);
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body: unknown) {
    return this.request('POST', path, body);
  }

  /** Like `request`, but a non-2xx answer is an error (with its body). */
  async ok(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders?: http.OutgoingHttpHeaders,
  ): Promise<Timed> {
    const answer = await this.request(method, path, body, extraHeaders);
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(
        `${method} ${path}: ${answer.status} ${answer.body.slice(0, 500)}`,
      );
    }
    return answer;
  }

  close() {
    this.agent.destroy();
  }
}
