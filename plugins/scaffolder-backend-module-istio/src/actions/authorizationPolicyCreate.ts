import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  authorizationPolicyInputSchema,
  buildAuthorizationPolicies,
} from '@meshdeck/plugin-istio-common';
import {
  meshActionOutput,
  MeshActionDeps,
  parseInput,
  runMeshAction,
} from '../pipeline/runMeshAction';
import { examples } from './authorizationPolicyCreate.examples';

/**
 * `istio:authorizationpolicy:create`: allow named callers, optionally
 * denying everything else.
 *
 * @public
 */
export function createAuthorizationPolicyAction(deps: MeshActionDeps) {
  return createTemplateAction({
    id: 'istio:authorizationpolicy:create',
    description:
      'Creates or updates an ALLOW AuthorizationPolicy for service accounts, namespaces, methods and paths, optionally with a default deny',
    examples,
    supportsDryRun: true,
    schema: {
      // istio-common's schema (zod 3) documents the input; the handler parses
      // with it too, since the scaffolder validates only the JSON Schema
      input: () => authorizationPolicyInputSchema as any,
      output: meshActionOutput,
    },
    async handler(ctx) {
      const input = parseInput(authorizationPolicyInputSchema, ctx.input);
      await runMeshAction(ctx, deps, {
        input,
        writes: { namespaces: [input.namespace] },
        async plan(client, versions) {
          const warnings: string[] = [];
          const namespaces = new Set([
            ...input.allow.flatMap(r => r.namespaces ?? []),
            ...input.allow.flatMap(r =>
              (r.serviceAccounts ?? []).map(sa => sa.split('/')[0]),
            ),
          ]);
          for (const ns of namespaces) {
            if (!(await client.getNamespace(ns))) {
              warnings.push(
                `namespace '${ns}' named in the allow rules does not exist (yet); its callers are allowed once it does`,
              );
            }
          }
          return {
            manifests: buildAuthorizationPolicies(
              {
                name: input.name,
                namespace: input.namespace,
                selector: input.selector,
                allow: input.allow,
                defaultDeny: input.defaultDeny,
                kubernetesId: input.kubernetesId,
              },
              versions,
            ),
            problems: [],
            warnings,
            links: { namespace: input.namespace },
          };
        },
      });
    },
  });
}
