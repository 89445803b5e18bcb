/*
 * Starts the demo backend (packages/backend, the real one `./run start`
 * runs) as its own Node process, the way `backstage-cli package start` runs
 * it (the CLI's TypeScript transform, NODE_ENV=development) but without the
 * CLI's file watcher, so that an edit elsewhere in the repository cannot
 * restart it mid-benchmark. Its config is app-config.yaml plus one extra
 * file; its output goes to a log file. Its Node inspector listens on a free
 * loopback port, so the benchmark can ask for its heap after a full garbage
 * collection.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** The resident set size of process `pid`, in MB (VmRSS), if it runs. */
export function rssMb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** The V8 heap of a process right after a full garbage collection. */
export type HeapAfterGc = { usedMb: number; totalMb: number };

/**
 * Asks the Node inspector on `port` (a process started with
 * `--inspect=127.0.0.1:<port>`) for a full garbage collection and then the
 * heap's size: what the process really keeps, without the garbage RSS
 * still holds. Undefined when the inspector does not answer.
 */
export async function heapAfterGc(
  port: number,
): Promise<HeapAfterGc | undefined> {
  try {
    const targets = (await (
      await fetch(`http://127.0.0.1:${port}/json/list`)
    ).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const pending = new Map<number, (result: any) => void>();
    socket.onmessage = event => {
      const message = JSON.parse(String(event.data));
      pending.get(message.id)?.(message.result);
    };
    let id = 0;
    const call = (method: string) =>
      new Promise<any>(resolve => {
        pending.set(++id, resolve);
        socket.send(JSON.stringify({ id, method }));
      });
    try {
      await call('HeapProfiler.collectGarbage');
      const usage = await call('Runtime.getHeapUsage');
      return {
        usedMb: usage.usedSize / 1024 / 1024,
        totalMb: usage.totalSize / 1024 / 1024,
      };
    } finally {
      socket.close();
    }
  } catch {
    return undefined;
  }
}

export type AppBackend = {
  url: string;
  port: number;
  /** `Date.now()` when the process was started. */
  startedAt: number;
  /** The Node process that runs the backend. */
  pid: number;
  logFile: string;
  /** Its resident set size now, in MB. */
  rss(): number | undefined;
  /** Its heap after a full garbage collection (see {@link heapAfterGc}). */
  heap(): Promise<HeapAfterGc | undefined>;
  /** Stops it (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
};

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Starts packages/backend with `app-config.yaml` and `configFile`, listening
 * on 127.0.0.1:`port`, and resolves when its readiness check answers 200
 * (or rejects with the end of its log).
 */
export async function startAppBackend(options: {
  root: string;
  port: number;
  configFile: string;
  logFile: string;
  /** More environment, e.g. `NODE_OPTIONS` for a CPU profile. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<AppBackend> {
  const { root, port, configFile, logFile } = options;
  // the inspector, on loopback only, for heapAfterGc
  const inspectPort = await freePort();
  const out = fs.openSync(logFile, 'w');
  const startedAt = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      `--inspect=127.0.0.1:${inspectPort}`,
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      path.join(root, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: path.join(root, 'packages', 'backend'),
      env: { ...process.env, NODE_ENV: 'development', ...options.env },
      stdio: ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  let exited: number | string | null | undefined;
  const exit = new Promise<void>(resolve =>
    child.once('exit', (code, signal) => {
      exited = code ?? signal;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const backend: AppBackend = {
    url,
    port,
    startedAt,
    pid: child.pid!,
    logFile,
    rss: () => rssMb(child.pid!),
    heap: () => heapAfterGc(inspectPort),
    async stop(graceMs = 20_000) {
      if (exited !== undefined) {
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 300_000);
  for (;;) {
    if (exited !== undefined) {
      throw new Error(
        `the backend exited (${exited}) before it was ready; the end of ${logFile}:\n${tail(
          logFile,
        )}`,
      );
    }
    const ready = await fetch(`${url}/.backstage/health/v1/readiness`).then(
      r => r.ok,
      () => false,
    );
    if (ready) {
      return backend;
    }
    if (Date.now() > deadline) {
      await backend.stop();
      throw new Error(
        `the backend was not ready in time; the end of ${logFile}:\n${tail(
          logFile,
        )}`,
      );
    }
    await sleep(500);
  }
}

/** The last lines of a log file. */
export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
