/*
 * What `./run bench app` measures against one running backend: each phase
 * is a function of the run's context and returns plain numbers (the JSON
 * report holds them as they are).
 */
import type { Entity } from '@backstage/catalog-model';
import type { KubeConfig } from '@kubernetes/client-node';
import type { FaultProxy } from '@meshdeck/plugin-istio-node/testUtils';
import { performance } from 'node:perf_hooks';
import type { AppBackend } from './backend';
import {
  AppScene,
  BenchEntity,
  replaceChangedPod,
  rotateCertificate,
  setCanaryWeights,
} from './appScene';
import type { BenchClient, Timed } from './http';
import { serverTimings } from './http';
import type { RawReader } from './rawRead';
import { CANARY_WEIGHTS } from './seed';
import { Summary, summarize } from './stats';

export type RunContext = {
  /** `watch` (the default config) or `ttl` (`istio.watch.enabled: false`). */
  mode: 'watch' | 'ttl';
  client: BenchClient;
  backend: AppBackend;
  proxy: FaultProxy;
  scene: AppScene;
  /** Admin access to the cluster, for the writes of the change tests. */
  kubeConfig: KubeConfig;
  /** The floor: straight to the API server. */
  raw: RawReader;
  /** The same through the counting proxy (the backend's path). */
  rawProxied: RawReader;
  /** The scene's entities as the catalog returns them. */
  entities: Map<string, Entity>;
  log: (line: string) => void;
};

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export const statusPath = (name: string) =>
  `/api/istio/v1/status?entityRef=${encodeURIComponent(
    `component:default/${name}`,
  )}`;

/** Meshdeck's status of the entity `name`. */
export function meshdeckStatus(ctx: RunContext, name: string): Promise<Timed> {
  return ctx.client.ok('GET', statusPath(name));
}

/**
 * Backstage's Kubernetes backend for the entity `name`, with the body its
 * frontend (`KubernetesBackendClient.getObjectsByEntity`) sends: the entity
 * and the auth its cluster's provider adds (none for `serviceAccount`).
 */
export function kubernetesObjects(
  ctx: RunContext,
  name: string,
): Promise<Timed> {
  const entity = ctx.entities.get(name);
  if (!entity) {
    throw new Error(`entity ${name} is not in the catalog`);
  }
  return ctx.client.ok('POST', `/api/kubernetes/services/${name}`, {
    auth: {},
    entity,
  });
}

/** Requests to the API server (not watches) since request number `from`. */
export function apiRequestsSince(ctx: RunContext, from: number): number {
  let n = 0;
  for (let i = from; i < ctx.proxy.requests.length; i++) {
    if (!ctx.proxy.requests[i].watch) {
      n++;
    }
  }
  return n;
}

/**
 * Whether Meshdeck kept the answer from an earlier request (`cache.hit`),
 * without parsing it.
 */
export const wasKept = (answer: Timed) =>
  /"cache":\s*\{\s*"hit":\s*true/.test(answer.body);

/** Pods of the status, with their sidecar flag. */
export function podsOf(
  status: any,
): Array<{ name: string; injected: boolean }> {
  return (status.clusters ?? []).flatMap((c: any) =>
    (c.workloads ?? []).flatMap((w: any) =>
      (w.pods ?? []).map((p: any) => ({
        name: p.name,
        injected: Boolean(p.sidecar?.injected),
      })),
    ),
  );
}

/**
 * Waits until Meshdeck answers from its watches: the pod watch runs and
 * nothing but watches reached the API server for `quietMs`. In `ttl` mode
 * there are no watches; it returns at once.
 */
export async function waitForWatches(
  ctx: RunContext,
  timeoutMs = 180_000,
  quietMs = 2_000,
): Promise<number> {
  const start = performance.now();
  if (ctx.mode === 'ttl') {
    return 0;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const watching = ctx.proxy.count({ watch: true, path: /\/pods$/ }) > 0;
    const last = ctx.proxy.requests.filter(r => !r.watch).pop();
    if (watching && (!last || Date.now() - last.at > quietMs)) {
      return performance.now() - start;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Meshdeck's watches did not settle in ${
          timeoutMs / 1000
        } s (pod watch: ${watching})`,
      );
    }
    await sleep(200);
  }
}

export type ColdResult = {
  /** The first status after the backend is ready. */
  firstAfterStartMs: number;
  firstAfterStartApiRequests: number;
  /** How long until the watches were listed and quiet. */
  watchesSettledMs: number;
  pods: number;
  sidecars: number;
  verdict: string;
  findings: string[];
  errors: string[];
};

/** The first status after start, then waits for the watches. */
export async function coldStart(ctx: RunContext): Promise<ColdResult> {
  const { main } = ctx.scene;
  const from = ctx.proxy.requests.length;
  const first = await meshdeckStatus(ctx, main.name);
  const firstAfterStartApiRequests = apiRequestsSince(ctx, from);
  const watchesSettledMs = await waitForWatches(ctx);
  // the answer as it stands with every read served
  const status = (await meshdeckStatus(ctx, main.name)).json();
  const pods = podsOf(status);
  return {
    firstAfterStartMs: first.ms,
    firstAfterStartApiRequests,
    watchesSettledMs,
    pods: pods.length,
    sidecars: pods.filter(p => p.injected).length,
    verdict: status.verdict,
    findings: (status.clusters ?? []).flatMap((c: any) =>
      (c.findings ?? []).map((f: any) =>
        `${f.severity} ${f.code ?? ''} ${f.message}`.trim(),
      ),
    ),
    errors: (status.clusters ?? []).flatMap((c: any) =>
      (c.errors ?? []).map((e: any) => `${e.source}/${e.kind}: ${e.message}`),
    ),
  };
}

/** `n` requests of each backend for the main entity, not timed. */
export async function warmUp(ctx: RunContext, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await meshdeckStatus(ctx, ctx.scene.main.name);
    await kubernetesObjects(ctx, ctx.scene.main.name);
  }
}

export type FloorResult = {
  /** The main entity's pod list straight from the API server. */
  direct: Summary;
  /** The same through the counting proxy, the way the backend reads. */
  proxied: Summary;
  pods: number;
};

/** The raw read floor of the main entity. */
export async function floor(ctx: RunContext, n: number): Promise<FloorResult> {
  const { namespace, app } = ctx.scene.main;
  const direct: number[] = [];
  const proxied: number[] = [];
  let pods = 0;
  for (let i = 0; i < 3; i++) {
    await ctx.raw.podList(namespace, app);
    await ctx.rawProxied.podList(namespace, app);
  }
  for (let i = 0; i < n; i++) {
    const d = await ctx.raw.podList(namespace, app);
    direct.push(d.ms);
    pods = d.pods;
    proxied.push((await ctx.rawProxied.podList(namespace, app)).ms);
  }
  return { direct: summarize(direct), proxied: summarize(proxied), pods };
}

export type FirstResult = {
  rounds: Array<{
    entity: string;
    /** This entity's pod list straight from the API server (median of 3). */
    floorMs: number;
    firstMs: number;
    ratio: number;
    apiRequests: number;
    cacheHit: boolean;
    pods: number;
    /** The answer's `Server-Timing` (authorize, status), if sent. */
    server: Record<string, number>;
  }>;
  first: Summary;
  floor: Summary;
  /** p50 of the first answers over p50 of their floors. */
  ratio: number;
};

/**
 * The first answer for entities nobody asked about yet (a fresh one per
 * round), each against its own raw read floor measured just before.
 */
export async function firstAnswers(
  ctx: RunContext,
  entities: BenchEntity[],
): Promise<FirstResult> {
  const rounds: FirstResult['rounds'] = [];
  for (const e of entities) {
    const floors: number[] = [];
    for (let i = 0; i < 3; i++) {
      floors.push((await ctx.raw.podList(e.namespace, e.app)).ms);
    }
    floors.sort((a, b) => a - b);
    const from = ctx.proxy.requests.length;
    const answer = await meshdeckStatus(ctx, e.name);
    const status = answer.json();
    rounds.push({
      entity: e.name,
      floorMs: floors[1],
      firstMs: answer.ms,
      ratio: answer.ms / floors[1],
      apiRequests: apiRequestsSince(ctx, from),
      cacheHit: Boolean(status.cache?.hit),
      pods: podsOf(status).length,
      server: serverTimings(answer.headers['server-timing']),
    });
  }
  const first = summarize(rounds.map(r => r.firstMs));
  const floorSummary = summarize(rounds.map(r => r.floorMs));
  return {
    rounds,
    first,
    floor: floorSummary,
    ratio: first.p50 / floorSummary.p50,
  };
}

export type WarmResult = {
  rounds: number;
  /** Pause before each request (0: back to back). */
  gapMs: number;
  meshdeck: Summary;
  kubernetes: Summary;
  /** Kubernetes backend time over Meshdeck's. */
  ratioP50: number;
  ratioP95: number;
  ratioP99: number;
  /** Meshdeck answers kept from an earlier request (`cache.hit`). */
  meshdeckKept: number;
  /** API server requests per answer (not watches). */
  apiRequestsPerAnswer: { meshdeck: number; kubernetes: number };
  /** The last answer's size: on the wire (compressed) and as JSON. */
  bytes: {
    meshdeck: number;
    kubernetes: number;
    meshdeckJson: number;
    kubernetesJson: number;
  };
  /** What the Kubernetes backend reported as errors (once each). */
  kubernetesErrors: string[];
};

/**
 * Alternates request by request between Meshdeck's status and the
 * Kubernetes backend's objects for the main entity (who goes first swaps
 * every round), and counts the API server requests each caused; with
 * `gapMs`, each request waits that long first, as a person between clicks
 * would (the other plugin's garbage collection and the API server's work
 * for it then no longer land on the next request).
 */
export async function warmAlternating(
  ctx: RunContext,
  rounds: number,
  gapMs = 0,
): Promise<WarmResult> {
  const { name } = ctx.scene.main;
  const meshdeck: number[] = [];
  const kubernetes: number[] = [];
  const requests = { meshdeck: 0, kubernetes: 0 };
  const bytes = {
    meshdeck: 0,
    kubernetes: 0,
    meshdeckJson: 0,
    kubernetesJson: 0,
  };
  const errors = new Set<string>();
  let kept = 0;
  /** `inspect`: also decode and read the answer (first and last rounds). */
  const one = async (which: 'meshdeck' | 'kubernetes', inspect: boolean) => {
    if (gapMs > 0) {
      await sleep(gapMs);
    }
    const from = ctx.proxy.requests.length;
    const answer =
      which === 'meshdeck'
        ? await meshdeckStatus(ctx, name)
        : await kubernetesObjects(ctx, name);
    requests[which] += apiRequestsSince(ctx, from);
    bytes[which] = answer.bytes;
    if (which === 'meshdeck') {
      meshdeck.push(answer.ms);
      if (wasKept(answer)) {
        kept++;
      }
    } else {
      kubernetes.push(answer.ms);
    }
    if (!inspect) {
      return;
    }
    bytes[which === 'meshdeck' ? 'meshdeckJson' : 'kubernetesJson'] =
      Buffer.byteLength(answer.body);
    if (which === 'kubernetes') {
      for (const item of answer.json().items ?? []) {
        for (const e of item.errors ?? []) {
          errors.add(
            `${e.errorType ?? ''} ${e.resourcePath ?? ''} ${
              e.statusCode ?? ''
            } ${e.message ?? ''}`
              .replace(/\s+/g, ' ')
              .trim(),
          );
        }
      }
    }
  };
  for (let i = 0; i < rounds; i++) {
    const inspect = i === 0 || i === rounds - 1;
    if (i % 2 === 0) {
      await one('meshdeck', inspect);
      await one('kubernetes', inspect);
    } else {
      await one('kubernetes', inspect);
      await one('meshdeck', inspect);
    }
  }
  const m = summarize(meshdeck);
  const k = summarize(kubernetes);
  return {
    rounds,
    gapMs,
    meshdeck: m,
    kubernetes: k,
    ratioP50: k.p50 / m.p50,
    ratioP95: k.p95 / m.p95,
    ratioP99: k.p99 / m.p99,
    meshdeckKept: kept,
    apiRequestsPerAnswer: {
      meshdeck: requests.meshdeck / rounds,
      kubernetes: requests.kubernetes / rounds,
    },
    bytes,
    kubernetesErrors: [...errors],
  };
}

export type BreakdownResult = {
  /** An HTTP round trip to the backend without auth (liveness). */
  http: Summary;
  /** The catalog read the status makes, with the user's token. */
  catalog: Summary;
  /** The permission decision the status asks for. */
  authorize: Summary;
  status: Summary;
  /**
   * The status's own `Server-Timing`, when it sends one: `authorize` (the
   * catalog read and the permission check, in parallel), `status` (the
   * answer from memory or the clusters) and what is left of the time seen
   * outside (token check, routing, JSON, compression, the round trip).
   */
  server?: { authorize: Summary; status: Summary; rest: Summary };
};

/**
 * Where a warm status's time goes: the same round trips the status makes
 * inside the backend (the catalog read and the permission check, which it
 * runs in parallel), timed from outside with the user's token.
 */
export async function breakdown(
  ctx: RunContext,
  n: number,
): Promise<BreakdownResult> {
  const { name } = ctx.scene.main;
  const entityRef = `component:default/${name}`;
  const samples = {
    http: [] as number[],
    catalog: [] as number[],
    authorize: [] as number[],
    status: [] as number[],
  };
  const server = {
    authorize: [] as number[],
    status: [] as number[],
    rest: [] as number[],
  };
  for (let i = 0; i < n; i++) {
    samples.http.push(
      (await ctx.client.ok('GET', '/.backstage/health/v1/liveness')).ms,
    );
    samples.catalog.push(
      (
        await ctx.client.ok(
          'GET',
          `/api/catalog/entities/by-name/component/default/${name}`,
        )
      ).ms,
    );
    const decision = await ctx.client.ok('POST', '/api/permission/authorize', {
      items: [
        {
          id: `bench-${i}`,
          permission: {
            type: 'resource',
            name: 'istio.status.read',
            attributes: { action: 'read' },
            resourceType: 'catalog-entity',
          },
          resourceRef: entityRef,
        },
      ],
    });
    samples.authorize.push(decision.ms);
    const status = await meshdeckStatus(ctx, name);
    samples.status.push(status.ms);
    const timing = serverTimings(status.headers['server-timing']);
    if (timing.authorize !== undefined && timing.status !== undefined) {
      server.authorize.push(timing.authorize);
      server.status.push(timing.status);
      server.rest.push(status.ms - timing.authorize - timing.status);
    }
  }
  return {
    http: summarize(samples.http),
    catalog: summarize(samples.catalog),
    authorize: summarize(samples.authorize),
    status: summarize(samples.status),
    server:
      server.status.length > 0
        ? {
            authorize: summarize(server.authorize),
            status: summarize(server.status),
            rest: summarize(server.rest),
          }
        : undefined,
  };
}

export type UsersResult = {
  users: number;
  /** Requests of each user after its first (the steady phase). */
  requestsPerUser: number;
  /** Mean pause of a user between an answer and its next request. */
  thinkMs: number;
  /**
   * The steady phase: every user asking again and again for its entity,
   * concurrently, once each has had its first answer.
   */
  all: Summary;
  /**
   * Each user's first request, all 50 at the same moment (entities nobody
   * asked about: the catalog read, the permission check and the answer,
   * 50 times at once).
   */
  firstPerUser: Summary;
  /** How long the burst of first requests took, first sent to last answer. */
  burstMs: number;
  seconds: number;
  requestsPerSecond: number;
  apiRequests: number;
  apiRequestsPerSecond: number;
  watchRequests: number;
  /** Answers Meshdeck kept from an earlier request (steady phase). */
  kept: number;
};

/**
 * The scene's 50 users, each on its own entity. First a burst: all 50
 * first requests at the same moment (entities nobody asked about yet).
 * Then, once every user has its answer, the steady phase: each asks for
 * its entity's status `requestsPerUser` more times, all concurrently,
 * pausing between an answer and its next request for `thinkMs` on average
 * (uniformly 0.5–1.5×, as people reload pages; 0: back to back, the
 * backend's capacity). Reported apart, so the steady phase's percentiles
 * do not depend on how many requests a user makes after the burst.
 */
export async function concurrentUsers(
  ctx: RunContext,
  requestsPerUser: number,
  thinkMs: number,
): Promise<UsersResult> {
  const users = ctx.scene.users;
  const all: number[] = [];
  let kept = 0;
  const burstStart = performance.now();
  const firsts = await Promise.all(
    users.map(async user => (await meshdeckStatus(ctx, user.name)).ms),
  );
  const burstMs = performance.now() - burstStart;
  const from = ctx.proxy.requests.length;
  const watchesBefore = ctx.proxy.count({ watch: true });
  const start = performance.now();
  await Promise.all(
    users.map(async user => {
      for (let i = 0; i < requestsPerUser; i++) {
        if (thinkMs > 0) {
          await sleep(thinkMs * (0.5 + Math.random()));
        }
        const answer = await meshdeckStatus(ctx, user.name);
        all.push(answer.ms);
        if (wasKept(answer)) {
          kept++;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const apiRequests = apiRequestsSince(ctx, from);
  return {
    users: users.length,
    requestsPerUser,
    thinkMs,
    all: summarize(all),
    firstPerUser: summarize(firsts),
    burstMs,
    seconds,
    requestsPerSecond: all.length / seconds,
    apiRequests,
    apiRequestsPerSecond: apiRequests / seconds,
    watchRequests: ctx.proxy.count({ watch: true }) - watchesBefore,
    kept,
  };
}

export type ChurnResult = {
  requests: number;
  /** Unrelated writes per second elsewhere in the cluster. */
  writesPerSecond: number;
  quiet: { latency: Summary; kept: number };
  churn: { latency: Summary; kept: number; writes: number };
};

/**
 * What a busy cluster does to warm answers: `requests` statuses round-robin
 * over the main and the users' entities, one at a time, first in a quiet
 * cluster, then while something unrelated to any of them changes
 * `writesPerSecond` times a second (an annotation of a background pod, as
 * rollouts, probes and autoscalers change pods in a real cluster).
 */
export async function churn(
  ctx: RunContext,
  requests: number,
  writesPerSecond: number,
): Promise<ChurnResult> {
  const names = [ctx.scene.main, ...ctx.scene.users].map(e => e.name);
  const run = async () => {
    const latencies: number[] = [];
    let kept = 0;
    for (let i = 0; i < requests; i++) {
      const answer = await meshdeckStatus(ctx, names[i % names.length]);
      latencies.push(answer.ms);
      if (wasKept(answer)) {
        kept++;
      }
    }
    return { latency: summarize(latencies), kept };
  };
  // every entity once, so both runs start with every answer kept
  for (const name of names) {
    await meshdeckStatus(ctx, name);
  }
  const quiet = await run();
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const core = ctx.kubeConfig.makeApiClient(CoreV1Api);
  const namespace = ctx.scene.background[0];
  let writes = 0;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      const at = Date.now();
      await core.patchNamespacedPod({
        name: 'filler-0',
        namespace,
        body: [
          {
            op: 'add',
            path: '/metadata/annotations/meshdeck.io~1bench-churn',
            value: String(++writes),
          },
        ] as any,
      });
      await sleep(Math.max(0, 1000 / writesPerSecond - (Date.now() - at)));
    }
  })();
  let busy;
  try {
    busy = await run();
  } finally {
    writing = false;
    await writer;
  }
  return {
    requests,
    writesPerSecond,
    quiet,
    churn: { ...busy, writes },
  };
}

export type RepeatResult = {
  requests: number;
  concurrency: number;
  latency: Summary;
  seconds: number;
  /**
   * Before the first request and after each quarter (MB): RSS as it is,
   * the heap after a full garbage collection forced then (between quarters,
   * with no request in flight), and RSS right after that collection.
   */
  samples: Array<{
    after: number;
    rssMb?: number;
    heapMb?: number;
    rssAfterGcMb?: number;
  }>;
  /** RSS after GC after the last request minus before the first. */
  growthMb: number;
  /** RSS after GC after the last request minus after the half. */
  secondHalfGrowthMb: number;
  /**
   * The same two for RSS as it is: they move with when the collector last
   * ran (tens of MB between quarters), not only with what is kept.
   */
  beforeGc: { growthMb: number; secondHalfGrowthMb: number };
  /** Heap after GC after the last request minus before the first. */
  heapGrowthMb: number;
};

/**
 * `total` status requests, `concurrency` at a time, round-robin over the
 * main and the users' entities, in four quarters; the backend's RSS, heap
 * after a full GC and RSS after it, before the first and after each.
 */
export async function repeated(
  ctx: RunContext,
  total: number,
  concurrency: number,
): Promise<RepeatResult> {
  const names = [ctx.scene.main, ...ctx.scene.users].map(e => e.name);
  const latencies: number[] = [];
  const sample = async (after: number) => {
    const rssMb = ctx.backend.rss();
    const heapMb = (await ctx.backend.heap())?.usedMb;
    return { after, rssMb, heapMb, rssAfterGcMb: ctx.backend.rss() };
  };
  const samples: RepeatResult['samples'] = [await sample(0)];
  const quarter = Math.ceil(total / 4);
  let next = 0;
  const start = performance.now();
  for (let end = quarter; next < total; end = Math.min(total, end + quarter)) {
    const stop = end;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= stop) {
            next = Math.min(next, stop);
            return;
          }
          latencies.push(
            (await meshdeckStatus(ctx, names[i % names.length])).ms,
          );
        }
      }),
    );
    samples.push(await sample(stop));
  }
  const seconds = (performance.now() - start) / 1000;
  const last = samples.length - 1;
  const half = Math.floor(last / 2);
  const at = (k: number, key: 'rssMb' | 'heapMb' | 'rssAfterGcMb') =>
    samples[k][key] ?? NaN;
  return {
    requests: total,
    concurrency,
    latency: summarize(latencies),
    seconds,
    samples,
    growthMb: at(last, 'rssAfterGcMb') - at(0, 'rssAfterGcMb'),
    secondHalfGrowthMb: at(last, 'rssAfterGcMb') - at(half, 'rssAfterGcMb'),
    beforeGc: {
      growthMb: at(last, 'rssMb') - at(0, 'rssMb'),
      secondHalfGrowthMb: at(last, 'rssMb') - at(half, 'rssMb'),
    },
    heapGrowthMb: at(last, 'heapMb') - at(0, 'heapMb'),
  };
}

export type ChangeResult = {
  change: string;
  /** From the API write to the first status showing it, or undefined. */
  ms?: number;
  polls: number;
  timedOutAfterMs?: number;
};

/** Polls the main entity's status every `everyMs` until `shows` holds. */
async function until(
  ctx: RunContext,
  change: string,
  write: () => Promise<number>,
  shows: (status: any) => boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<ChangeResult> {
  const writtenAt = await write();
  let polls = 0;
  while (Date.now() - writtenAt < timeoutMs) {
    const status = (await meshdeckStatus(ctx, ctx.scene.main.name)).json();
    polls++;
    if (shows(status)) {
      return { change, ms: Date.now() - writtenAt, polls };
    }
    await sleep(everyMs);
  }
  return { change, polls, timedOutAfterMs: timeoutMs };
}

const weightsOf = (status: any, app: string): string =>
  (status.clusters ?? [])
    .flatMap((c: any) => c.traffic?.virtualServices ?? [])
    .filter((vs: any) => String(vs.ref).endsWith(`/${app}`))
    .flatMap((vs: any) =>
      vs.routes.flatMap((r: any) => r.destinations.map((d: any) => d.weight)),
    )
    .join('/');

const serialOf = (status: any, ingress: string): string | undefined =>
  (status.clusters ?? [])
    .flatMap((c: any) => c.certificates ?? [])
    .find(
      (c: any) =>
        c.secret?.namespace === ingress && c.secret?.name === 'gw-cert',
    )?.certificate?.serial;

/**
 * From an API write to the status showing it: a canary weight change,
 * a pod that loses its sidecar and (with `all`) a certificate rotation.
 * What they change is put back afterwards (the certificate stays rotated).
 */
export async function changes(
  ctx: RunContext,
  options: { all: boolean; timeoutMs: number },
): Promise<ChangeResult[]> {
  const { scene, kubeConfig } = ctx;
  const { app } = scene.main;
  const results: ChangeResult[] = [];
  const before = (await meshdeckStatus(ctx, scene.main.name)).json();
  const canary: [number, number] = [80, 20];
  if (weightsOf(before, app) !== CANARY_WEIGHTS.join('/')) {
    ctx.log(
      `  note: the status shows weights ${weightsOf(
        before,
        app,
      )} before the change`,
    );
  }
  try {
    results.push(
      await until(
        ctx,
        'canary weight 90/10 → 80/20',
        async () => {
          const at = Date.now();
          await setCanaryWeights(kubeConfig, scene, canary);
          return at;
        },
        s => weightsOf(s, app) === canary.join('/'),
        options.timeoutMs,
      ),
    );
  } finally {
    await setCanaryWeights(kubeConfig, scene, CANARY_WEIGHTS);
  }
  if (!options.all) {
    return results;
  }
  // wait for the restored weights, so the next change starts from a known state
  await until(
    ctx,
    'restore',
    async () => Date.now(),
    s => weightsOf(s, app) === CANARY_WEIGHTS.join('/'),
    options.timeoutMs,
  );
  try {
    results.push(
      await until(
        ctx,
        `pod ${scene.changedPod} replaced by one without istio-proxy`,
        () => replaceChangedPod(kubeConfig, scene, false),
        s => podsOf(s).some(p => p.name === scene.changedPod && !p.injected),
        options.timeoutMs,
      ),
    );
  } finally {
    await replaceChangedPod(kubeConfig, scene, true);
  }
  const serial = serialOf(
    (await meshdeckStatus(ctx, scene.main.name)).json(),
    scene.ingress,
  );
  results.push(
    await until(
      ctx,
      'gateway certificate rotated (new serial)',
      () => rotateCertificate(kubeConfig, scene),
      s => {
        const now = serialOf(s, scene.ingress);
        return now !== undefined && now !== serial;
      },
      options.timeoutMs,
    ),
  );
  return results;
}

/** `n` warm status requests of the main entity in a row (for the profile). */
export async function sequentialStatus(
  ctx: RunContext,
  n: number,
): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    samples.push((await meshdeckStatus(ctx, ctx.scene.main.name)).ms);
  }
  return summarize(samples);
}
