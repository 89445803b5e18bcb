/*
 * The report of `./run bench app`: the tables it prints and the issue's
 * targets with PASS/MISS, from the numbers of the two runs (watch on, and
 * watch off for before/after).
 */
import os from 'node:os';
import { AppScene, NAMESPACES } from './appScene';
import type {
  BreakdownResult,
  ChangeResult,
  ChurnResult,
  ColdResult,
  FirstResult,
  FloorResult,
  RepeatResult,
  UsersResult,
  WarmResult,
} from './measure';
import type { PhaseProfile } from './profile';
import { mb, ms, summarize, table, times } from './stats';

/** What one backend's run measured. */
export type RunResult = {
  mode: 'watch' | 'ttl';
  config: Record<string, unknown>;
  backendStartSeconds: number;
  rss: Record<string, number | undefined>;
  /** RSS right after the full garbage collection of `heap` (MB), by moment. */
  rssAfterGc?: Record<string, number | undefined>;
  /** The backend's heap after a full garbage collection (MB), by moment. */
  heap: Record<string, number | undefined>;
  cold: ColdResult;
  floor: FloorResult;
  first: FirstResult;
  warm: WarmResult;
  breakdown: BreakdownResult;
  users: UsersResult;
  /** The same users without pauses: what the backend can serve. */
  saturation: UsersResult;
  /** Warm answers while the cluster is quiet and while it is busy. */
  churn: ChurnResult;
  repeat?: RepeatResult;
  changes: ChangeResult[];
  /** The 1-minute load average of the machine at start and end. */
  loadAverage: { start: number; end: number };
  profile?: PhaseProfile[];
};

/**
 * What the watches cost in memory: the watch-on backend minus the watch-off
 * one after the same warm-up (RSS, and heap after a full GC).
 */
function memoryShare(
  watch: RunResult,
  ttl: RunResult | undefined,
): { rssMb: number; rssBeforeGcMb: number; heapMb: number } | undefined {
  const after = (r: RunResult) => r.rssAfterGc?.afterWarmUp;
  if (!ttl || after(watch) === undefined || after(ttl) === undefined) {
    return undefined;
  }
  return {
    rssMb: after(watch)! - after(ttl)!,
    rssBeforeGcMb:
      (watch.rss.afterWarmUp ?? NaN) - (ttl.rss.afterWarmUp ?? NaN),
    heapMb: (watch.heap.afterWarmUp ?? NaN) - (ttl.heap.afterWarmUp ?? NaN),
  };
}

/** One of the issue's targets, measured. */
export type Target = {
  target: string;
  goal: string;
  value: string;
  result: 'PASS' | 'MISS' | '-';
  note?: string;
};

export function targets(
  size: number,
  watch: RunResult,
  ttl: RunResult | undefined,
): Target[] {
  const pass = (ok: boolean): Target['result'] => (ok ? 'PASS' : 'MISS');
  const list: Target[] = [
    {
      target: 'warm p95 (Meshdeck status)',
      goal: '≤ 15 ms',
      value: ms(watch.warm.meshdeck.p95),
      result: pass(watch.warm.meshdeck.p95 <= 15),
    },
    {
      target: 'warm p50 vs Kubernetes backend',
      goal: '≥ 10× faster',
      value: times(watch.warm.ratioP50),
      result: pass(watch.warm.ratioP50 >= 10),
    },
    {
      target: 'warm p95 vs Kubernetes backend',
      goal: '≥ 10× faster',
      value: times(watch.warm.ratioP95),
      result: pass(watch.warm.ratioP95 >= 10),
    },
    {
      target: 'first answer vs raw read floor (p50)',
      goal: '≤ 1.5×',
      value: times(watch.first.ratio),
      result: pass(watch.first.ratio <= 1.5),
    },
    {
      target: `${watch.users.users} concurrent users p95 (~${watch.users.thinkMs} ms think time)`,
      goal: '≤ 50 ms',
      value: ms(watch.users.all.p95),
      result: pass(watch.users.all.p95 <= 50),
    },
    {
      target: `  their ${watch.users.users} first requests at once (burst)`,
      goal: '-',
      value: `p50 ${ms(watch.users.firstPerUser.p50)}, p95 ${ms(
        watch.users.firstPerUser.p95,
      )}, all answered in ${ms(watch.users.burstMs)}`,
      result: '-',
      note: 'reported apart: the CPU of 50 first answers at once',
    },
  ];
  const shares = memoryShare(watch, ttl);
  list.push({
    target: 'Meshdeck RSS share (watch on − off, after warm-up)',
    goal: '≤ 150 MB at 10,000 pods',
    value: shares
      ? `${mb(shares.rssMb)} after a full GC (before it: ${mb(
          shares.rssBeforeGcMb,
        )}; heap: ${mb(shares.heapMb)})`
      : 'needs the compare run',
    result: !shares
      ? '-'
      : size >= 10_000 || shares.rssMb > 150
      ? pass(shares.rssMb <= 150)
      : '-',
    note: size < 10_000 ? 'the goal is set at --pods 10000' : undefined,
  });
  if (watch.repeat) {
    list.push({
      target: `RSS after GC, growth over ${watch.repeat.requests} requests (second half)`,
      goal: '≤ 10 MB (no growth)',
      value: `${mb(watch.repeat.secondHalfGrowthMb)} (whole: ${mb(
        watch.repeat.growthMb,
      )}; RSS before GC: ${mb(
        watch.repeat.beforeGc.secondHalfGrowthMb,
      )}, whole ${mb(watch.repeat.beforeGc.growthMb)})`,
      result: pass(watch.repeat.secondHalfGrowthMb <= 10),
    });
    list.push({
      target: `heap after GC, growth over ${watch.repeat.requests} requests`,
      goal: '≤ 5 MB (nothing kept)',
      value: mb(watch.repeat.heapGrowthMb),
      result: pass(watch.repeat.heapGrowthMb <= 5),
    });
  }
  for (const c of watch.changes) {
    list.push({
      target: `change: ${c.change}`,
      goal: '≤ 2 s',
      value:
        c.ms === undefined ? `not seen in ${ms(c.timedOutAfterMs)}` : ms(c.ms),
      result: pass(c.ms !== undefined && c.ms <= 2000),
    });
  }
  return list;
}

/** `60 KB, 2 KB`: an answer's JSON and what went over the wire. */
const size = (json: number, wire: number) =>
  `${(json / 1024).toFixed(0)} KB, ${(wire / 1024).toFixed(0)} KB`;

export function report(
  scene: AppScene,
  clusterPods: number,
  watch: RunResult,
  ttl: RunResult | undefined,
): string {
  const out: string[] = [];
  const w = watch;
  out.push('');
  out.push(
    `Meshdeck through the real app — ${scene.size} pods in ${NAMESPACES} bench namespaces (${clusterPods} pods in the cluster); main entity ${scene.main.name}: ${w.cold.pods} pods, ${w.cold.sidecars} with sidecar, verdict ${w.cold.verdict}`,
  );
  out.push(
    `machine: ${
      os.cpus().length
    } cores; 1-minute load average ${w.loadAverage.start.toFixed(
      1,
    )} → ${w.loadAverage.end.toFixed(1)} (watch on)${
      ttl
        ? `, ${ttl.loadAverage.start.toFixed(
            1,
          )} → ${ttl.loadAverage.end.toFixed(1)} (watch off)`
        : ''
    }${
      // the benchmark itself keeps about 2 busy (the backend, the API server)
      Math.max(w.loadAverage.start, w.loadAverage.end) > os.cpus().length + 2
        ? ' — other work was competing for the CPU: the numbers are slower than on a quiet machine'
        : ''
    }`,
  );
  if (w.cold.findings.length > 0 || w.cold.errors.length > 0) {
    for (const f of [...w.cold.findings, ...w.cold.errors]) {
      out.push(`  ${f}`);
    }
  }
  out.push('');
  out.push(
    `Warm, ${w.warm.rounds} rounds alternating request by request${
      w.warm.gapMs ? `, ${w.warm.gapMs} ms pause before each` : ', back to back'
    } (watch on):`,
  );
  out.push(
    table([
      [
        '',
        'p50',
        'p95',
        'p99',
        'max',
        'API requests/answer',
        'answer: JSON, on the wire',
      ],
      [
        'Meshdeck GET /api/istio/v1/status',
        ms(w.warm.meshdeck.p50),
        ms(w.warm.meshdeck.p95),
        ms(w.warm.meshdeck.p99),
        ms(w.warm.meshdeck.max),
        w.warm.apiRequestsPerAnswer.meshdeck.toFixed(2),
        size(w.warm.bytes.meshdeckJson, w.warm.bytes.meshdeck),
      ],
      [
        'Kubernetes POST /api/kubernetes/services/:name',
        ms(w.warm.kubernetes.p50),
        ms(w.warm.kubernetes.p95),
        ms(w.warm.kubernetes.p99),
        ms(w.warm.kubernetes.max),
        w.warm.apiRequestsPerAnswer.kubernetes.toFixed(2),
        size(w.warm.bytes.kubernetesJson, w.warm.bytes.kubernetes),
      ],
      [
        'Kubernetes backend / Meshdeck',
        times(w.warm.ratioP50),
        times(w.warm.ratioP95),
        times(w.warm.ratioP99),
      ],
    ]),
  );
  out.push(
    `  Meshdeck answers kept from an earlier request: ${w.warm.meshdeckKept}/${
      w.warm.rounds
    }${
      w.warm.meshdeckKept < w.warm.rounds
        ? ' (the others were computed again: something watched had changed in the cluster)'
        : ''
    }`,
  );
  out.push(
    `  every API request of the backend passes the counting proxy, which adds ~${ms(
      w.floor.proxied.p50 - w.floor.direct.p50,
    )} to one (p50 of the floor through it minus straight); the Kubernetes backend makes ${w.warm.apiRequestsPerAnswer.kubernetes.toFixed(
      0,
    )} per answer (in parallel), Meshdeck's watch-fed answers none`,
  );
  if (w.warm.kubernetesErrors.length > 0) {
    out.push(
      `  the Kubernetes backend reported: ${w.warm.kubernetesErrors.join(
        '; ',
      )}`,
    );
  }
  out.push('');
  const bd = w.breakdown;
  out.push(
    `Where a warm status's time goes (p50 of ${bd.status.n}, each timed from outside with the user's token):`,
  );
  out.push(
    table([
      ['HTTP round trip, no auth (liveness)', ms(bd.http.p50)],
      ['catalog GET /entities/by-name/...', ms(bd.catalog.p50)],
      ['permission POST /authorize (istio.status.read)', ms(bd.authorize.p50)],
      ['Meshdeck status', ms(bd.status.p50)],
      ...(bd.server
        ? [
            [
              '  its Server-Timing: catalog ‖ permission (in parallel)',
              ms(bd.server.authorize.p50),
            ],
            [
              '  its Server-Timing: the answer itself',
              ms(bd.server.status.p50),
            ],
            [
              '  outside both: token check, routing, JSON, compression, round trip',
              ms(bd.server.rest.p50),
            ],
          ]
        : [
            [
              '  the rest: token check, reading memory, assembling, JSON',
              ms(bd.status.p50 - Math.max(bd.catalog.p50, bd.authorize.p50)),
            ],
          ]),
      [
        'catalog ‖ permission share of the status',
        `${(
          ((bd.server?.authorize.p50 ??
            Math.max(bd.catalog.p50, bd.authorize.p50)) /
            bd.status.p50) *
          100
        ).toFixed(0)} %`,
      ],
    ]),
  );
  out.push('');
  out.push(
    'First answer for an entity nobody asked about yet, vs the raw read floor:',
  );
  out.push(
    table([
      ['', 'p50', 'p95', 'max'],
      [
        `main entity's pod list, straight from the API server (floor, ${w.floor.pods} pods)`,
        ms(w.floor.direct.p50),
        ms(w.floor.direct.p95),
        ms(w.floor.direct.max),
      ],
      [
        'the same through the counting proxy',
        ms(w.floor.proxied.p50),
        ms(w.floor.proxied.p95),
        ms(w.floor.proxied.max),
      ],
      [
        `fresh entities' own pod lists (${w.first.rounds.length} rounds)`,
        ms(w.first.floor.p50),
        ms(w.first.floor.p95),
        ms(w.first.floor.max),
      ],
      [
        'Meshdeck first answer (watch on)',
        ms(w.first.first.p50),
        ms(w.first.first.p95),
        ms(w.first.first.max),
      ],
      ...(ttl
        ? [
            [
              'Meshdeck first answer (watch off)',
              ms(ttl.first.first.p50),
              ms(ttl.first.first.p95),
              ms(ttl.first.first.max),
            ],
          ]
        : []),
    ]),
  );
  out.push(
    `  ratio first/floor (p50): watch on ${times(w.first.ratio)}${
      ttl ? `, watch off ${times(ttl.first.ratio)}` : ''
    }; API requests per first answer: ${w.first.rounds
      .map(r => r.apiRequests)
      .join(' ')}${
      ttl
        ? ` (watch off: ${ttl.first.rounds.map(r => r.apiRequests).join(' ')})`
        : ''
    }`,
  );
  const serverPart = (r: RunResult, name: string) =>
    summarize(
      r.first.rounds
        .map(x => x.server[name])
        .filter((v): v is number => v !== undefined),
    ).p50;
  if (w.first.rounds.some(r => r.server.status !== undefined)) {
    out.push(
      `  their Server-Timing p50: the answer itself ${ms(
        serverPart(w, 'status'),
      )}, catalog ‖ permission ${ms(serverPart(w, 'authorize'))} (catalog ${ms(
        serverPart(w, 'catalog'),
      )}, permission ${ms(serverPart(w, 'permission'))})${
        ttl
          ? ` (watch off: ${ms(serverPart(ttl, 'status'))}, ${ms(
              serverPart(ttl, 'authorize'),
            )})`
          : ''
      }`,
    );
  }
  out.push(
    `  first status after the backend started: ${ms(
      w.cold.firstAfterStartMs,
    )} (${
      w.cold.firstAfterStartApiRequests
    } API requests); watches listed and quiet ${ms(
      w.cold.watchesSettledMs,
    )} later`,
  );
  out.push('');
  const u = w.users;
  out.push(
    `${u.users} concurrent users on ${u.users} entities: first a burst (all ${u.users} first requests at once, entities nobody asked about yet), then, once all have answers, each reloads ${u.requestsPerUser} times ~${u.thinkMs} ms after its last answer (p50/p95/p99 of these); "back to back" = no pauses (the backend's capacity):`,
  );
  const userRow = (label: string, r: UsersResult) => [
    label,
    ms(r.all.p50),
    ms(r.all.p95),
    ms(r.all.p99),
    `${ms(r.firstPerUser.p95)} (${ms(r.burstMs)})`,
    r.requestsPerSecond.toFixed(0),
    r.apiRequestsPerSecond.toFixed(1),
    String(r.watchRequests),
    `${r.kept}/${r.users * r.requestsPerUser}`,
  ];
  out.push(
    table([
      [
        '',
        'p50',
        'p95',
        'p99',
        'burst p95 (all in)',
        'req/s',
        'API requests/s',
        'watch requests',
        'kept answers',
      ],
      userRow('watch on', u),
      userRow('watch on, back to back', w.saturation),
      ...(ttl
        ? [
            userRow('watch off', ttl.users),
            userRow('watch off, back to back', ttl.saturation),
          ]
        : []),
    ]),
  );
  out.push('');
  const churnRows = (r: RunResult) => {
    const label = r.mode === 'watch' ? 'watch on' : 'watch off';
    const c = r.churn;
    return [
      [
        `${label}, quiet`,
        ms(c.quiet.latency.p50),
        ms(c.quiet.latency.p95),
        `${c.quiet.kept}/${c.requests}`,
      ],
      [
        `${label}, busy (${c.churn.writes} writes)`,
        ms(c.churn.latency.p50),
        ms(c.churn.latency.p95),
        `${c.churn.kept}/${c.requests}`,
      ],
    ];
  };
  out.push(
    `Warm answers in a quiet and in a busy cluster (${
      w.churn.requests
    } statuses one at a time, round-robin over ${
      scene.users.length + 1
    } entities; busy = ${
      w.churn.writesPerSecond
    } writes/s to a pod none of them owns):`,
  );
  out.push(
    table([
      ['', 'p50', 'p95', 'kept answers'],
      ...churnRows(w),
      ...(ttl ? churnRows(ttl) : []),
    ]),
  );
  out.push('');
  out.push(
    'Backend memory (the whole Node process: Backstage and every plugin); heap = V8 heap right after a full GC, what is really kept:',
  );
  const memoryRows = (r: RunResult) => {
    const label = r.mode === 'watch' ? 'watch on' : 'watch off';
    const moments = [
      'ready',
      'afterWarmUp',
      'afterUsers',
      'afterRepeat',
      'end',
    ];
    return [
      [`${label}: RSS`, ...moments.map(m => mb(r.rss[m]))],
      [`${label}: RSS after GC`, ...moments.map(m => mb(r.rssAfterGc?.[m]))],
      [`${label}: heap`, ...moments.map(m => mb(r.heap[m]))],
    ];
  };
  out.push(
    table([
      ['', 'ready', 'warm', 'after users', 'after repeat', 'end'],
      ...memoryRows(w),
      ...(ttl ? memoryRows(ttl) : []),
    ]),
  );
  const shares = memoryShare(w, ttl);
  if (shares) {
    out.push(
      `  the watches' share (watch on − off, after warm-up): RSS after a full GC ${mb(
        shares.rssMb,
      )} (before it ${mb(shares.rssBeforeGcMb)}), heap ${mb(shares.heapMb)}`,
    );
  }
  if (w.repeat) {
    out.push(
      `  ${w.repeat.requests} repeated requests (${
        w.repeat.concurrency
      } at a time, ${w.repeat.seconds.toFixed(0)} s, p50 ${ms(
        w.repeat.latency.p50,
      )}, p95 ${ms(
        w.repeat.latency.p95,
      )}), every quarter: RSS after GC ${w.repeat.samples
        .map(x => mb(x.rssAfterGcMb))
        .join(' → ')}; RSS before GC ${w.repeat.samples
        .map(x => mb(x.rssMb))
        .join(' → ')}; heap ${w.repeat.samples
        .map(x => mb(x.heapMb))
        .join(' → ')}`,
    );
  }
  out.push('');
  out.push('From an API write to the status showing it (polled every 50 ms):');
  out.push(
    table([
      ...w.changes.map(c => [
        `watch on: ${c.change}`,
        c.ms === undefined ? `not seen in ${ms(c.timedOutAfterMs)}` : ms(c.ms),
        `${c.polls} polls`,
      ]),
      ...(ttl?.changes ?? []).map(c => [
        `watch off: ${c.change}`,
        c.ms === undefined ? `not seen in ${ms(c.timedOutAfterMs)}` : ms(c.ms),
        `${c.polls} polls`,
      ]),
    ]),
  );
  if (ttl) {
    out.push('');
    out.push(
      'Before/after (watch off = request-driven reads kept for the 30 s TTL):',
    );
    out.push(
      table([
        ['', 'watch off', 'watch on'],
        ['warm p50', ms(ttl.warm.meshdeck.p50), ms(w.warm.meshdeck.p50)],
        ['warm p95', ms(ttl.warm.meshdeck.p95), ms(w.warm.meshdeck.p95)],
        [
          'warm p50 / p95 vs Kubernetes backend',
          `${times(ttl.warm.ratioP50)} / ${times(ttl.warm.ratioP95)}`,
          `${times(w.warm.ratioP50)} / ${times(w.warm.ratioP95)}`,
        ],
        [
          'Kubernetes backend p50 in the same run',
          ms(ttl.warm.kubernetes.p50),
          ms(w.warm.kubernetes.p50),
        ],
        [
          'kept answers',
          `${ttl.warm.meshdeckKept}/${ttl.warm.rounds}`,
          `${w.warm.meshdeckKept}/${w.warm.rounds}`,
        ],
        ['first answer p50', ms(ttl.first.first.p50), ms(w.first.first.p50)],
        ['first / floor', times(ttl.first.ratio), times(w.first.ratio)],
        ['50 users p95', ms(ttl.users.all.p95), ms(w.users.all.p95)],
        [
          '50 users back to back: p95, req/s',
          `${ms(
            ttl.saturation.all.p95,
          )}, ${ttl.saturation.requestsPerSecond.toFixed(0)}`,
          `${ms(
            w.saturation.all.p95,
          )}, ${w.saturation.requestsPerSecond.toFixed(0)}`,
        ],
        [
          'canary change shows after',
          ttl.changes[0]?.ms === undefined ? '-' : ms(ttl.changes[0].ms),
          w.changes[0]?.ms === undefined ? '-' : ms(w.changes[0].ms),
        ],
        [
          'RSS / heap after warm-up',
          `${mb(ttl.rss.afterWarmUp)} / ${mb(ttl.heap.afterWarmUp)}`,
          `${mb(w.rss.afterWarmUp)} / ${mb(w.heap.afterWarmUp)}`,
        ],
      ]),
    );
  }
  for (const run of [w, ...(ttl ? [ttl] : [])]) {
    for (const p of run.profile ?? []) {
      out.push('');
      out.push(
        `CPU profile, watch ${run.mode === 'watch' ? 'on' : 'off'}, ${
          p.phase
        }: the backend's main thread busy ${(p.busyShare * 100).toFixed(
          0,
        )} % of the time; own time by package:`,
      );
      out.push(
        table(
          p.packages.map(x => [
            `  ${x.name}`,
            `${(x.share * 100).toFixed(1)} %`,
          ]),
        ),
      );
      out.push('  by function:');
      out.push(
        table(
          p.functions
            .slice(0, 8)
            .map(x => [`  ${x.name}`, `${(x.share * 100).toFixed(1)} %`]),
        ),
      );
    }
  }
  out.push('');
  out.push('Targets (issue 14):');
  out.push(
    table([
      ['target', 'goal', 'measured', 'result'],
      ...targets(scene.size, w, ttl).map(t => [
        t.target,
        t.goal,
        t.value,
        t.note ? `${t.result} (${t.note})` : t.result,
      ]),
    ]),
  );
  return out.join('\n');
}
