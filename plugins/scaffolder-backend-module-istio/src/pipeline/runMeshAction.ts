import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ActionContext,
  createTemplateAction,
  TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import {
  dedupe,
  describeFinding,
  formatInputIssues,
  IstioApiVersions,
  Manifest,
  manifestRef,
  RuleFinding,
} from '@meshdeck/plugin-istio-common';
import {
  ApplyResult,
  ClusterRegistry,
  kubernetesErrorMessage,
  MeshClusterClient,
  PlannedWrites,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { ZodType } from 'zod';
import { applyFailure } from './applyFailure';
import { buildMeshLinks } from './meshLinks';

/** What every Meshdeck action needs. @public */
export type MeshActionDeps = {
  clusters: ClusterRegistry;
  policy: WritePolicy;
};

/** The fields every action input has (see commonActionFields). */
export type CommonInput = {
  cluster: string;
  mode: 'apply' | 'render';
  renderPath: string;
  force: boolean;
};

/** What an action wants to write, worked out against the cluster. */
export type MeshPlan = {
  manifests: Manifest[];
  /** Failed checks; any of them stops the action before it writes. */
  problems: string[];
  /**
   * Referenced objects that do not exist in the cluster. They stop an apply;
   * in render mode they are warnings, since the same pull request may add
   * them, and in a dry run, since an earlier step (which wrote nothing) may.
   */
  missing?: string[];
  /** Facts worth telling the user that do not stop the action. */
  warnings?: string[];
  /** For the Kiali/Jaeger links. */
  links: { namespace: string; app?: string };
  /** Public hosts, reported as https URLs. */
  hosts?: string[];
  /** Lines for the task log after a successful apply. */
  nextSteps?: string[];
};

/**
 * Sorts the rule book's findings about a planned write into the plan's
 * problems (refuse), missing references (refuse when applying) and warnings.
 * A refusal carries the finding's fix, so the task log says what to do.
 */
export function checksFromFindings(
  findings: RuleFinding[],
): Pick<MeshPlan, 'problems' | 'missing' | 'warnings'> {
  const problems: string[] = [];
  const missing: string[] = [];
  const warnings: string[] = [];
  for (const finding of dedupe(findings)) {
    const line = describeFinding(finding);
    if (finding.severity === 'warning') {
      warnings.push(line);
    } else if (finding.severity !== 'error') {
      continue;
    } else if (finding.missingReference) {
      missing.push(line);
    } else {
      problems.push(finding.fix ? `${line}\n  fix: ${finding.fix}` : line);
    }
  }
  return { problems, missing, warnings };
}

/** The output every Meshdeck action produces. */
export const meshActionOutput = {
  objects: (z: any) =>
    z
      .array(z.string())
      .describe('The objects applied or rendered, as namespace/Kind/name'),
  results: (z: any) =>
    z
      .array(
        z.object({
          ref: z.string(),
          outcome: z.enum(['created', 'configured', 'unchanged', 'rendered']),
          dryRun: z.boolean(),
        }),
      )
      .describe('What happened to each object'),
  manifests: (z: any) =>
    z.string().describe('The objects as a multi-document YAML string'),
  files: (z: any) =>
    z.array(z.string()).optional().describe('Rendered files (render mode)'),
  urls: (z: any) =>
    z.array(z.string()).optional().describe('Public https URL of each host'),
  kialiGraphUrl: (z: any) => z.string().optional(),
  kialiServiceUrl: (z: any) => z.string().optional(),
  jaegerSearchUrl: (z: any) => z.string().optional(),
};

/**
 * Validates action input with one of istio-common's schemas, throwing
 * InputError that lists every problem.
 */
export function parseInput<T>(schema: ZodType<T, any, any>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InputError(
      `Invalid input:\n- ${formatInputIssues(result.error).join('\n- ')}`,
    );
  }
  return result.data;
}

function toYaml(manifests: Manifest[]): string {
  return manifests.map(m => yaml.stringify(m)).join('---\n');
}

function fileFor(manifest: Manifest): string {
  const dir = manifest.metadata.namespace ?? manifest.metadata.name;
  return path.join(
    dir,
    `${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`,
  );
}

/**
 * The shared life of every Meshdeck action: policy, cluster, API versions,
 * checks (all before the first write), then apply with server-side apply or
 * render YAML files, then outputs. An apply that stops part-way fails the
 * step with what was applied before it and what was not (`applyFailure`);
 * each object applied is in the task log as it happens.
 */
export async function runMeshAction(
  ctx: ActionContext<any, any>,
  deps: MeshActionDeps,
  options: {
    input: CommonInput;
    writes: PlannedWrites;
    plan: (
      client: MeshClusterClient,
      versions: IstioApiVersions,
    ) => Promise<MeshPlan>;
  },
): Promise<void> {
  const { input } = options;
  const dryRun = Boolean(ctx.isDryRun);

  deps.policy.assertAllowed(options.writes);

  let client: MeshClusterClient;
  try {
    client = await deps.clusters.client(input.cluster);
  } catch (e) {
    if (e instanceof NotFoundError) {
      throw new InputError(e.message);
    }
    throw e;
  }
  ctx.logger.info(`Checking against cluster '${input.cluster}'`);
  let versions: IstioApiVersions;
  try {
    versions = await client.istioApiVersions();
  } catch (e) {
    if (e instanceof NotFoundError) {
      throw e; // the Istio CRDs are missing; the message says so
    }
    throw new Error(
      `Cannot read cluster '${input.cluster}': ${kubernetesErrorMessage(e)}`,
    );
  }
  const plan = await options.plan(client, versions);

  const missing = plan.missing ?? [];
  const problems = [
    ...plan.problems,
    ...(input.mode === 'apply' && !dryRun ? missing : []),
  ];
  if (input.mode === 'render') {
    missing.forEach(m =>
      ctx.logger.warn(
        `${m}; rendering anyway, as the same pull request may add it`,
      ),
    );
  } else if (dryRun) {
    // earlier steps of a dry run write nothing: one of them may create it
    missing.forEach(m =>
      ctx.logger.warn(
        `${m}; a real run fails here unless an earlier step creates it`,
      ),
    );
  }
  plan.warnings?.forEach(w => ctx.logger.warn(w));
  if (problems.length > 0) {
    throw new InputError(
      `Nothing was written; the cluster checks failed:\n- ${problems.join(
        '\n- ',
      )}`,
    );
  }
  ctx.logger.info(
    `Checks passed (${versions.networking} networking, ${versions.security} security APIs)`,
  );

  const manifests = plan.manifests;
  const results: Array<Omit<ApplyResult, 'outcome'> & { outcome: string }> = [];
  if (input.mode === 'render') {
    const base = resolveSafeChildPath(ctx.workspacePath, input.renderPath);
    const files: string[] = [];
    for (const manifest of manifests) {
      const file = fileFor(manifest);
      const target = resolveSafeChildPath(base, file);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, yaml.stringify(manifest));
      files.push(path.join(input.renderPath, file));
      results.push({ ref: manifestRef(manifest), outcome: 'rendered', dryRun });
      ctx.logger.info(`Rendered ${manifestRef(manifest)} to ${files.at(-1)}`);
    }
    ctx.output('files', files);
  } else {
    // namespaces this dry run would create do not exist for the objects in them
    const pendingNamespaces = new Set<string>();
    for (const [index, manifest] of manifests.entries()) {
      const ref = manifestRef(manifest);
      try {
        let result: ApplyResult;
        if (
          dryRun &&
          manifest.metadata.namespace &&
          pendingNamespaces.has(manifest.metadata.namespace)
        ) {
          result = { ref, outcome: 'created', dryRun };
        } else {
          result = await ctx.checkpoint({
            key: `istio-apply:${ref}:${dryRun ? 'dry-run' : 'apply'}`,
            fn: () => client.apply(manifest, { dryRun, force: input.force }),
          });
        }
        if (
          dryRun &&
          manifest.kind === 'Namespace' &&
          result.outcome === 'created'
        ) {
          pendingNamespaces.add(manifest.metadata.name);
        }
        results.push(result);
        ctx.logger.info(
          `${dryRun ? '[dry run] ' : ''}${ref}: ${result.outcome}`,
        );
      } catch (e) {
        throw applyFailure(e, {
          ref,
          cluster: input.cluster,
          applied: results,
          notApplied: manifests.slice(index + 1).map(manifestRef),
          dryRun,
        });
      }
    }
  }

  ctx.output(
    'objects',
    results.map(r => r.ref),
  );
  ctx.output('results', results);
  ctx.output('manifests', toYaml(manifests));
  if (plan.hosts?.length) {
    ctx.output(
      'urls',
      plan.hosts.filter(h => !h.startsWith('*')).map(h => `https://${h}`),
    );
  }
  const links = buildMeshLinks(
    deps.clusters,
    input.cluster,
    plan.links.namespace,
    plan.links.app,
  );
  for (const key of [
    'kialiGraphUrl',
    'kialiServiceUrl',
    'jaegerSearchUrl',
  ] as const) {
    if (links[key]) {
      ctx.output(key, links[key]);
      ctx.logger.info(`${key}: ${links[key]}`);
    }
  }
  if (input.mode === 'apply' && !dryRun) {
    plan.nextSteps?.forEach(step => ctx.logger.info(step));
  }
}

/**
 * A Meshdeck writing action: its id, documentation, input schema and what it
 * writes; parsing, policy, checks, apply/render and outputs are shared.
 */
export function createMeshAction<TInput extends CommonInput>(
  deps: MeshActionDeps,
  options: {
    id: string;
    description: string;
    examples: TemplateExample[];
    schema: ZodType<TInput, any, any>;
    writes: (input: TInput) => PlannedWrites;
    plan: (
      input: TInput,
      client: MeshClusterClient,
      versions: IstioApiVersions,
    ) => Promise<MeshPlan>;
  },
) {
  return createTemplateAction({
    id: options.id,
    description: options.description,
    examples: options.examples,
    supportsDryRun: true,
    schema: {
      // istio-common's schema (zod 3) documents the input; the handler parses
      // with it too, since the scaffolder validates only the JSON Schema
      input: () => options.schema as any,
      output: meshActionOutput,
    },
    async handler(ctx) {
      const input = parseInput(options.schema, ctx.input);
      await runMeshAction(ctx, deps, {
        input,
        writes: options.writes(input),
        plan: (client, versions) => options.plan(input, client, versions),
      });
    },
  });
}
