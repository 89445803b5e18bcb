import type { KubeConfig } from '@kubernetes/client-node';
import * as http from 'node:http';
import * as https from 'node:https';
import { createInterface } from 'node:readline';

/**
 * The two raw requests a watch-fed cache makes to an API server — a list
 * (one page of JSON) and a watch (a stream of JSON events, one per line) —
 * with the cluster's KubeConfig credentials (client certificates, tokens,
 * EKS tokens set by the registry). Raw rather than through the generated
 * client: objects are trimmed as they arrive, so a 10,000-pod list never
 * sits in memory as full `V1Pod`s, and a watch has an idle timeout, which
 * `@kubernetes/client-node`'s `Watch` lacks.
 */

/** An API server's answer other than 200, shaped like client-node's errors. */
export class KubeHttpError extends Error {
  constructor(
    message: string,
    /** The HTTP status (or, for an in-stream watch error, the Status code). */
    readonly code: number,
    /** The API server's `Status` object, when it sent one. */
    readonly body?: { message?: string; reason?: string; code?: number },
  ) {
    super(message);
    this.name = 'KubeHttpError';
  }
}

/** The query of a list or watch request; undefined values are left out. */
export type KubeQuery = Record<string, string | number | boolean | undefined>;

function requestUrl(kubeConfig: KubeConfig, path: string, query: KubeQuery) {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new Error('the KubeConfig has no current cluster');
  }
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      url.searchParams.set(key, String(value));
    }
  }
  return url;
}

async function readAll(stream: NodeJS.ReadableStream, limit: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size > limit) {
      throw new Error(`the API server's answer is larger than ${limit} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorOf(statusCode: number, text: string): KubeHttpError {
  let status: { message?: string; reason?: string; code?: number } | undefined;
  try {
    status = JSON.parse(text);
  } catch {
    status = text ? { message: text.slice(0, 500) } : undefined;
  }
  return new KubeHttpError(
    status?.message ??
      `${statusCode} ${http.STATUS_CODES[statusCode] ?? 'error'}`,
    statusCode,
    status,
  );
}

/**
 * Sends a GET and resolves with the response once its headers say 200;
 * any other status rejects with a {@link KubeHttpError} carrying the API
 * server's Status. `idleMs` aborts when nothing arrives for that long
 * (headers included), `signal` aborts on demand.
 */
async function get(
  kubeConfig: KubeConfig,
  path: string,
  query: KubeQuery,
  options: { idleMs: number; signal?: AbortSignal },
): Promise<http.IncomingMessage> {
  const url = requestUrl(kubeConfig, path, query);
  const requestOptions: https.RequestOptions = {
    method: 'GET',
    headers: { Accept: 'application/json' },
  };
  await kubeConfig.applyToHTTPSOptions(requestOptions as any);
  // a fresh agent per call from applyToHTTPSOptions: no pooled socket is
  // shared between a long watch and anything else
  const send = url.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const request = send(url, { ...requestOptions, signal: options.signal });
    request.setTimeout(options.idleMs, () =>
      request.destroy(
        Object.assign(
          new Error(`no answer from the API server for ${options.idleMs} ms`),
          { code: 'ETIMEDOUT' },
        ),
      ),
    );
    request.on('error', reject);
    request.on('response', response => {
      if (response.statusCode === 200) {
        resolve(response);
        return;
      }
      readAll(response, 64 * 1024).then(
        text => reject(errorOf(response.statusCode ?? 0, text)),
        reject,
      );
    });
    request.end();
  });
}

/** GETs one JSON document (e.g. an object by name, an API group). */
export async function getJson<T = any>(
  kubeConfig: KubeConfig,
  path: string,
  query: KubeQuery,
  options: { idleMs: number; signal?: AbortSignal },
): Promise<T> {
  const response = await get(kubeConfig, path, query, options);
  return JSON.parse(await readAll(response, 16 * 1024 * 1024)) as T;
}

/** One page of a list: its items, the list's resourceVersion and `continue`. */
export type ListPage = {
  items: unknown[];
  resourceVersion: string;
  continue?: string;
};

/** Lists one page of a collection (`limit`/`continue` paging). */
export async function listPage(
  kubeConfig: KubeConfig,
  path: string,
  query: KubeQuery,
  options: { idleMs: number; signal?: AbortSignal; maxBytes?: number },
): Promise<ListPage> {
  const response = await get(kubeConfig, path, query, options);
  const text = await readAll(response, options.maxBytes ?? 256 * 1024 * 1024);
  const list = JSON.parse(text) as {
    items?: unknown[];
    metadata?: { resourceVersion?: string; continue?: string };
  };
  return {
    items: list.items ?? [],
    resourceVersion: list.metadata?.resourceVersion ?? '',
    ...(list.metadata?.continue && { continue: list.metadata.continue }),
  };
}

/** One event of a watch stream. */
export type WatchEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
};

/**
 * Opens a watch and calls `onEvent` for each event until the stream ends.
 * Resolves when the server closes the stream normally (its
 * `timeoutSeconds`), rejects on a non-200 answer, a broken connection or
 * when no byte (not even a bookmark) arrives for `idleMs`.
 */
export async function watchStream(
  kubeConfig: KubeConfig,
  path: string,
  query: KubeQuery,
  options: {
    idleMs: number;
    signal?: AbortSignal;
    /** Called once the server accepted the watch (200). */
    onOpen?: () => void;
    onEvent: (event: WatchEvent) => void;
  },
): Promise<void> {
  const response = await get(
    kubeConfig,
    path,
    { ...query, watch: true },
    options,
  );
  options.onOpen?.();
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      response.destroy();
      if (error) reject(error);
      else resolve();
    };
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () =>
          finish(
            Object.assign(
              new Error(`the watch was silent for ${options.idleMs} ms`),
              { code: 'ETIMEDOUT' },
            ),
          ),
        options.idleMs,
      );
    };
    armIdle();
    response.on('data', armIdle);
    response.on('error', finish);
    const lines = createInterface({ input: response, crlfDelay: Infinity });
    // readline re-emits the response's errors (a cut stream: "aborted")
    lines.on('error', finish);
    lines.on('line', line => {
      if (settled || line.trim() === '') return;
      let event: WatchEvent;
      try {
        event = JSON.parse(line);
      } catch {
        finish(new Error('the watch sent a line that is not JSON'));
        return;
      }
      try {
        options.onEvent(event);
      } catch (e) {
        finish(e);
      }
    });
    // a stream cut mid-way is an error, not the server's normal close
    lines.on('close', () =>
      finish(
        response.complete
          ? undefined
          : Object.assign(new Error('the watch was cut'), {
              code: 'ECONNRESET',
            }),
      ),
    );
  });
}
