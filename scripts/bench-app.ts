/*
 * Benchmark (not a test): Meshdeck's status through the real app, side by
 * side with Backstage's Kubernetes backend, against a real API server.
 *
 *   MESHDECK_TEST_KUBECONFIG=... ./run bench app [--pods 2000] [--rounds 200]
 *     [--fresh 8] [--user-requests 20] [--think-ms 1000] [--gap-ms 0]
 *     [--repeat 10000]
 *     [--no-compare] [--profile]
 *
 * Starts the demo backend (packages/backend: real catalog, permission
 * backend with the app's policy, guest sign-in, Kubernetes backend,
 * Meshdeck) on a free loopback port, with the test cluster behind a counting
 * proxy, signs in as guest the way the frontend does and uses that token
 * for every request. Seeds the scene of scripts/bench/appScene.ts (reused
 * when present). Then, in one run: Meshdeck's status alternated request by
 * request with the Kubernetes backend's objects for the same entity (warm),
 * the raw read floor, the first answer for entities nobody asked about yet,
 * 50 concurrent users, where a warm status's time goes, backend RSS (and
 * its growth over many requests), and the time from an API write to the
 * status showing it. By default the same again with `istio.watch.enabled:
 * false` (a second backend), for before/after. With `--profile` the
 * backend runs with `node --cpu-prof` and the report says which packages
 * the backend's CPU time went to while it answered statuses (the profiler
 * slows it a little: compare latencies from runs without it).
 *
 * Prints a table with the issue's targets (PASS/MISS) and writes the
 * numbers as JSON to .run/bench/. Leaves the seeded namespaces for the next
 * run: `kubectl delete namespace -l meshdeck.io/bench` deletes them.
 */
import type { Entity } from '@backstage/catalog-model';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubernetesAppConfig } from '@meshdeck/plugin-istio-node';
import {
  FaultProxy,
  startFaultProxy,
} from '@meshdeck/plugin-istio-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import {
  AppScene,
  NAMESPACES,
  repairAppScene,
  seedAppScene,
  seededNamespaces,
} from './bench/appScene';
import { AppBackend, freePort, startAppBackend, tail } from './bench/backend';
import { BenchClient } from './bench/http';
import {
  breakdown,
  changes,
  churn,
  coldStart,
  concurrentUsers,
  firstAnswers,
  floor,
  repeated,
  RepeatResult,
  RunContext,
  sequentialStatus,
  warmAlternating,
  warmUp,
} from './bench/measure';
import {
  latestProfile,
  PhaseProfile,
  profilePhases,
  Window,
} from './bench/profile';
import { rawReader, RawReader } from './bench/rawRead';
import { report, RunResult, targets } from './bench/report';
import { seedClients } from './bench/seed';
import { ms } from './bench/stats';

const ROOT = path.resolve(__dirname, '..');
/** Unrelated writes per second in the busy-cluster phase. */
const CHURN_WRITES_PER_SECOND = 10;
/** Meshdeck's default `istio.statusCacheTtl`. */
const STATUS_CACHE_TTL_MS = 30_000;

type Options = {
  pods: number;
  rounds: number;
  fresh: number;
  userRequests: number;
  thinkMs: number;
  /** Pause before each request of the warm rounds. */
  gapMs: number;
  repeat: number;
  compare: boolean;
  profile: boolean;
};

function parseOptions(argv: string[]): Options {
  const options: Options = {
    pods: 2000,
    rounds: 200,
    fresh: 8,
    userRequests: 20,
    thinkMs: 1000,
    gapMs: 0,
    repeat: 10_000,
    compare: true,
    profile: false,
  };
  const numbers: Record<string, keyof Options> = {
    '--pods': 'pods',
    '--rounds': 'rounds',
    '--fresh': 'fresh',
    '--user-requests': 'userRequests',
    '--think-ms': 'thinkMs',
    '--gap-ms': 'gapMs',
    '--repeat': 'repeat',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    if (flag in numbers) {
      const value = Number(inline ?? argv[++i]);
      if (!Number.isInteger(value) || value < 0) {
        throw new Error(`${flag} needs a whole number`);
      }
      (options as any)[numbers[flag]] = value;
    } else if (arg === '--no-compare') {
      options.compare = false;
    } else if (arg === '--compare-ttl') {
      options.compare = true;
    } else if (arg === '--profile') {
      options.profile = true;
    } else {
      throw new Error(
        `unknown argument ${arg}; usage: ./run bench app [--pods N] [--rounds N] [--fresh N] [--user-requests N] [--think-ms N] [--gap-ms N] [--repeat N] [--no-compare] [--profile]`,
      );
    }
  }
  return options;
}

const started = performance.now();
function log(line: string) {
  const s = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`[${s} s] ${line}`);
}

/** Set on Ctrl-C: what fails after it is the clean-up's doing. */
let interrupted = false;

/** Stopped on the way out, also on Ctrl-C: the backend, the proxy. */
const cleanups: Array<() => Promise<unknown>> = [];
async function cleanUp() {
  while (cleanups.length > 0) {
    await cleanups.pop()!().catch(e => console.error(`clean-up: ${e}`));
  }
}

/** The signed-in guest's token, from the guest provider's refresh endpoint. */
async function signIn(client: BenchClient): Promise<string> {
  const answer = await client.ok(
    'GET',
    '/api/auth/guest/refresh?optional&env=development',
    undefined,
    { 'x-requested-with': 'XMLHttpRequest' },
  );
  const token = answer.json().backstageIdentity?.token;
  if (!token) {
    throw new Error(
      `guest sign-in gave no token: ${answer.body.slice(0, 300)}`,
    );
  }
  return token;
}

/** Waits until the catalog holds every entity of the scene. */
async function waitForCatalog(client: BenchClient, scene: AppScene) {
  const query = `/api/catalog/entities/by-query?filter=${encodeURIComponent(
    `kind=component,metadata.labels.meshdeck.io/bench=${scene.size}`,
  )}&limit=1&fields=metadata.name`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const total = (await client.ok('GET', query)).json().totalItems;
    if (total >= scene.entities.length) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the catalog has ${total} of the ${scene.entities.length} bench entities after 3 minutes`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

/** The catalog locations of app-config.yaml, plus the bench's file. */
function catalogLocations(catalogFile: string) {
  const appConfig = parseYaml(
    fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8'),
  );
  return [
    ...(appConfig.catalog?.locations ?? []),
    { type: 'file', target: catalogFile },
  ];
}

async function runBackend(options: {
  mode: 'watch' | 'ttl';
  opts: Options;
  scene: AppScene;
  proxy: FaultProxy;
  kubeConfig: KubeConfig;
  raw: RawReader;
  rawProxied: RawReader;
  workDir: string;
  logDir: string;
}): Promise<RunResult> {
  const { mode, opts, scene, proxy, workDir } = options;
  const port = await freePort();
  const config = {
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { host: '127.0.0.1', port },
    },
    catalog: {
      locations: catalogLocations(path.join(workDir, 'catalog.yaml')),
    },
    kubernetes: kubernetesAppConfig([proxy.clusterConfig('bench')]),
    istio: { watch: { enabled: mode === 'watch' } },
  };
  // JSON is YAML; the file holds the cluster's token
  const configFile = path.join(workDir, `app-config.bench-${mode}.yaml`);
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2), {
    mode: 0o600,
  });
  const logFile = path.join(
    options.logDir,
    `backend-${scene.size}-${mode}.log`,
  );
  const profileDir = path.join(options.logDir, `profile-${scene.size}-${mode}`);
  if (opts.profile) {
    fs.rmSync(profileDir, { recursive: true, force: true });
    fs.mkdirSync(profileDir, { recursive: true });
  }
  const windows: Window[] = [];
  /** Runs `fn` as the profile's phase `name`. */
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const from = Date.now();
    try {
      return await fn();
    } finally {
      windows.push({ name, from, to: Date.now() });
    }
  };
  const loadStart = os.loadavg()[0];
  log(
    `starting the backend (${
      mode === 'watch'
        ? 'istio.watch on, the default'
        : 'istio.watch.enabled: false'
    }) on 127.0.0.1:${port}; log: ${path.relative(ROOT, logFile)}`,
  );
  const t = performance.now();
  const backend: AppBackend = await startAppBackend({
    root: ROOT,
    port,
    configFile,
    logFile,
    env: opts.profile
      ? {
          NODE_OPTIONS: `${
            process.env.NODE_OPTIONS ?? ''
          } --cpu-prof --cpu-prof-dir=${profileDir}`.trim(),
        }
      : undefined,
  });
  const stop = () => backend.stop();
  cleanups.push(stop);
  const backendStartSeconds = (performance.now() - t) / 1000;
  const rss: Record<string, number | undefined> = { ready: backend.rss() };
  const heap: Record<string, number | undefined> = {};
  const rssAfterGc: Record<string, number | undefined> = {};
  /**
   * RSS as it is, then the heap after a full garbage collection, then RSS
   * again: what the process holds without the garbage the collector had not
   * got to yet (when it runs is chance, and it moves RSS by 100s of MB).
   */
  const memory = async (moment: string) => {
    rss[moment] = backend.rss();
    heap[moment] = (await backend.heap())?.usedMb;
    rssAfterGc[moment] = backend.rss();
  };
  heap.ready = (await backend.heap())?.usedMb;
  rssAfterGc.ready = backend.rss();
  const client = new BenchClient(backend.url);
  try {
    log(
      `ready in ${backendStartSeconds.toFixed(0)} s (pid ${
        backend.pid
      }); signing in as guest`,
    );
    client.token = await signIn(client);
    await waitForCatalog(client, options.scene);
    const entities = new Map<string, Entity>();
    const main = await client.ok(
      'GET',
      `/api/catalog/entities/by-name/component/default/${scene.main.name}`,
    );
    entities.set(scene.main.name, main.json());
    const ctx: RunContext = {
      mode,
      client,
      backend,
      proxy,
      scene,
      kubeConfig: options.kubeConfig,
      raw: options.raw,
      rawProxied: options.rawProxied,
      entities,
      log,
    };
    log('catalog has the bench entities; the first status after start');
    const cold = await coldStart(ctx);
    rss.afterFirstStatus = backend.rss();
    log(
      `first status ${ms(cold.firstAfterStartMs)}; ${cold.pods} pods (${
        cold.sidecars
      } with sidecar), verdict ${cold.verdict}; warming up`,
    );
    await warmUp(ctx, 20);
    await memory('afterWarmUp');
    log('raw read floor');
    const floorResult = await floor(ctx, 20);
    const fresh = scene.fresh.slice(0, opts.fresh);
    log(`first answers for ${fresh.length} entities nobody asked about yet`);
    const first = await phase('first answers', () => firstAnswers(ctx, fresh));
    log(
      `${opts.rounds} warm rounds, alternating Meshdeck and the Kubernetes backend`,
    );
    const warm = await warmAlternating(ctx, opts.rounds, opts.gapMs);
    if (opts.profile) {
      log('200 warm statuses in a row (profiled)');
      await phase('warm status, one at a time', () =>
        sequentialStatus(ctx, 200),
      );
    }
    rss.afterWarmRounds = backend.rss();
    log('where a warm status spends its time');
    const bd = await breakdown(ctx, 30);
    log(
      `${scene.users.length} concurrent users, ${opts.userRequests} requests each, ~${opts.thinkMs} ms apart`,
    );
    const users = await phase(`${scene.users.length} concurrent users`, () =>
      concurrentUsers(ctx, opts.userRequests, opts.thinkMs),
    );
    await memory('afterUsers');
    log(
      `the same users back to back (${Math.ceil(opts.userRequests / 2)} each)`,
    );
    const saturation = await phase(
      `${scene.users.length} users back to back`,
      () => concurrentUsers(ctx, Math.ceil(opts.userRequests / 2), 0),
    );
    log(
      `warm answers in a quiet cluster, then with ${CHURN_WRITES_PER_SECOND} unrelated writes/s`,
    );
    const churnResult = await churn(ctx, 300, CHURN_WRITES_PER_SECOND);
    let repeat: RepeatResult | undefined;
    if (mode === 'watch' && opts.repeat > 0) {
      log(`${opts.repeat} repeated status requests (RSS growth)`);
      repeat = await phase(`${opts.repeat} repeated requests`, () =>
        repeated(ctx, opts.repeat, 8),
      );
      await memory('afterRepeat');
    }
    log(
      mode === 'watch'
        ? 'changes: API write → status'
        : `change: API write → status (up to the ${
            STATUS_CACHE_TTL_MS / 1000
          } s cache TTL)`,
    );
    const changeResults = await changes(ctx, {
      all: mode === 'watch',
      timeoutMs: mode === 'watch' ? 15_000 : STATUS_CACHE_TTL_MS + 15_000,
    });
    await memory('end');
    const loadEnd = os.loadavg()[0];
    cleanups.splice(cleanups.indexOf(stop), 1);
    await backend.stop();
    log(`backend stopped (${mode})`);
    let profile: PhaseProfile[] | undefined;
    if (opts.profile) {
      const file = latestProfile(profileDir);
      if (file) {
        profile = profilePhases(file, backend.startedAt, windows);
        log(`CPU profile: ${path.relative(ROOT, file)}`);
      } else {
        log(`no CPU profile in ${path.relative(ROOT, profileDir)}`);
      }
    }
    return {
      mode,
      config: { istio: config.istio },
      backendStartSeconds,
      rss,
      rssAfterGc,
      heap,
      cold,
      floor: floorResult,
      first,
      warm,
      breakdown: bd,
      users,
      saturation,
      churn: churnResult,
      repeat,
      changes: changeResults,
      loadAverage: { start: loadStart, end: loadEnd },
      profile,
    };
  } catch (e) {
    if (!interrupted) {
      console.error(`the end of ${logFile}:\n${tail(logFile)}`);
    }
    throw e;
  } finally {
    client.close();
    if (cleanups.includes(stop)) {
      cleanups.splice(cleanups.indexOf(stop), 1);
      await backend.stop();
      log(`backend stopped (${mode})`);
    }
  }
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const file = process.env.MESHDECK_TEST_KUBECONFIG;
  if (!file) {
    throw new Error(
      'set MESHDECK_TEST_KUBECONFIG to a test cluster kubeconfig',
    );
  }
  const scene = new AppScene(opts.pods);
  if (opts.fresh > scene.fresh.length) {
    throw new Error(`--fresh is at most ${scene.fresh.length}`);
  }
  const { KubeConfig: KubeConfigClass } = await import(
    '@kubernetes/client-node'
  );
  const kubeConfig = new KubeConfigClass();
  kubeConfig.loadFromFile(file);
  const clients = await seedClients(kubeConfig);

  const seeded = await seededNamespaces(clients, scene);
  if (seeded.complete === NAMESPACES) {
    log(
      `reusing the seed: ${NAMESPACES} namespaces labelled meshdeck.io/bench=${scene.size}`,
    );
  } else {
    log(
      `seeding ${scene.size} pods in ${NAMESPACES} namespaces (${seeded.complete} complete already)`,
    );
    const t = performance.now();
    await seedAppScene(kubeConfig, scene, log);
    log(`seeded in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  const repaired = await repairAppScene(kubeConfig, scene);
  if (repaired.length > 0) {
    log(`put back what an earlier run left changed: ${repaired.join(', ')}`);
  }
  const podList = await clients.core.listPodForAllNamespaces({ limit: 1 });
  const clusterPods =
    podList.items.length + (podList.metadata?.remainingItemCount ?? 0);

  const proxy = await startFaultProxy({ kubeConfig, tls: true });
  cleanups.push(() => proxy.close());
  log(`counting proxy in front of the API server: ${proxy.url}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshdeck-bench-'));
  cleanups.push(async () =>
    fs.rmSync(workDir, { recursive: true, force: true }),
  );
  fs.writeFileSync(path.join(workDir, 'catalog.yaml'), scene.catalogYaml());
  const logDir = path.join(ROOT, '.run', 'bench');
  fs.mkdirSync(logDir, { recursive: true });
  const raw = await rawReader(kubeConfig);
  const rawProxied = await rawReader(proxy.kubeConfig);
  cleanups.push(async () => {
    raw.close();
    rawProxied.close();
  });

  const common = {
    opts,
    scene,
    proxy,
    kubeConfig,
    raw,
    rawProxied,
    workDir,
    logDir,
  };
  const watch = await runBackend({ mode: 'watch', ...common });
  const ttl = opts.compare
    ? await runBackend({ mode: 'ttl', ...common })
    : undefined;

  const text = report(scene, clusterPods, watch, ttl);
  console.log(text);
  const jsonFile = path.join(
    logDir,
    `app-${scene.size}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  fs.writeFileSync(
    jsonFile,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        options: opts,
        size: scene.size,
        namespaces: NAMESPACES,
        clusterPods,
        kubernetesApiRequestsThroughProxy: proxy.count({ watch: false }),
        runs: { watch, ttl },
        targets: targets(scene.size, watch, ttl),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nnumbers as JSON: ${path.relative(ROOT, jsonFile)}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the backend and the proxy`);
    cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

main()
  .then(cleanUp)
  .then(
    () => process.exit(0),
    async e => {
      if (interrupted) {
        // the signal handler cleans up and exits
        return;
      }
      console.error(e);
      await cleanUp();
      process.exit(1);
    },
  );
