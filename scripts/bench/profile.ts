/*
 * Where the backend's CPU time goes during a phase of the benchmark: reads
 * the V8 CPU profile the backend wrote (`node --cpu-prof`) and sums the
 * samples' own time per package (and per function) within the phase's
 * wall-clock window.
 */
import fs from 'node:fs';
import path from 'node:path';

type ProfileNode = {
  id: number;
  callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
  };
  children?: number[];
};

type CpuProfile = {
  nodes: ProfileNode[];
  /** Microseconds, on the process's monotonic clock. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

/** A phase of the run: its name and wall-clock window (`Date.now()`). */
export type Window = { name: string; from: number; to: number };

export type PhaseProfile = {
  phase: string;
  /** Sampled CPU time of the backend's main thread in the window. */
  busyMs: number;
  /** Share of the window the main thread was busy. */
  busyShare: number;
  /**
   * Own time per package, largest first; the time of Node's own code (a
   * signature check, a socket write) goes to the package that called it.
   */
  packages: Array<{ name: string; ms: number; share: number }>;
  /** Own time per function, largest first. */
  functions: Array<{ name: string; ms: number; share: number }>;
};

/** The package (or part of the runtime) code at `url` belongs to. */
export function packageOf(url: string, functionName: string): string {
  if (!url) {
    // (garbage collector), (program), (idle), (root)
    return functionName || '(native)';
  }
  if (url.startsWith('node:')) {
    return 'node (runtime)';
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const plugin = /\/plugins\/([^/]+)\//.exec(url);
  if (plugin) {
    return `@meshdeck/plugin-${plugin[1]}`;
  }
  if (/\/packages\/backend\//.test(url)) {
    return 'backend (packages/backend)';
  }
  return path.basename(url);
}

/**
 * The newest `.cpuprofile` of a main thread in `dir` (Node names them
 * `CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile`; the main thread is
 * 0, module loader hooks and other workers have their own).
 */
export function latestProfile(dir: string): string | undefined {
  const files = fs
    .readdirSync(dir)
    .filter(f => /\.0\.\d+\.cpuprofile$/.test(f))
    .map(f => path.join(dir, f))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  return files.pop();
}

/**
 * Sums the profile's samples per package and function for each window.
 * `startedAt` is the `Date.now()` the process was started at, which the
 * profile's start stands for (within a few milliseconds).
 */
export function profilePhases(
  file: string,
  startedAt: number,
  windows: Window[],
  top = 12,
): PhaseProfile[] {
  const profile: CpuProfile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      parent.set(c, n.id);
    }
  }
  /** The package of `node`, or for Node's own code, of its nearest caller outside it. */
  const callerPackage = (node: ProfileNode): string => {
    let current: ProfileNode | undefined = node;
    while (current) {
      const { url, functionName } = current.callFrame;
      // Node's JavaScript (node:*) and V8 builtins (no url, e.g.
      // JSON.parse); not "(garbage collector)" or "(program)"
      const runtime =
        url.startsWith('node:') || (!url && !functionName.startsWith('('));
      if (functionName === '(root)') {
        // runtime code the event loop ran (HTTP parsing, sockets, timers)
        break;
      }
      if (!runtime) {
        return packageOf(url, functionName);
      }
      const up = parent.get(current.id);
      current = up === undefined ? undefined : byId.get(up);
    }
    return 'node (runtime: HTTP, sockets, timers)';
  };
  const packageCache = new Map<number, string>();
  return windows.map(window => {
    const packages = new Map<string, number>();
    const functions = new Map<string, number>();
    let at = profile.startTime;
    let busy = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i] ?? 0;
      at += delta;
      const wall = startedAt + (at - profile.startTime) / 1000;
      if (wall < window.from || wall > window.to) {
        continue;
      }
      const node = byId.get(profile.samples[i]);
      if (!node) {
        continue;
      }
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') {
        continue;
      }
      // the time up to the next sample is this sample's
      const next = profile.timeDeltas[i + 1] ?? delta;
      const ms = next / 1000;
      busy += ms;
      const pkg = packageOf(url, functionName);
      let owner = packageCache.get(node.id);
      if (owner === undefined) {
        owner = callerPackage(node);
        packageCache.set(node.id, owner);
      }
      packages.set(owner, (packages.get(owner) ?? 0) + ms);
      const fn = url
        ? `${functionName || '(anonymous)'} ${pkg} ${path.basename(url)}:${
            lineNumber + 1
          }`
        : functionName;
      functions.set(fn, (functions.get(fn) ?? 0) + ms);
    }
    const ranked = (m: Map<string, number>) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, ms]) => ({ name, ms, share: busy > 0 ? ms / busy : 0 }));
    return {
      phase: window.name,
      busyMs: busy,
      busyShare: busy / Math.max(1, window.to - window.from),
      packages: ranked(packages),
      functions: ranked(functions),
    };
  });
}
