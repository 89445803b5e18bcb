import {
  authorizationPolicyInputSchema,
  buildAuthorizationPolicies,
} from '@meshdeck/plugin-istio-common';
import { createMeshAction, MeshActionDeps } from '../pipeline/runMeshAction';
import { examples } from './authorizationPolicyCreate.examples';

/**
 * `istio:authorizationpolicy:create`: allow named callers, optionally
 * denying everything else.
 *
 * @public
 */
export function createAuthorizationPolicyAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:authorizationpolicy:create',
    description:
      'Creates or updates an ALLOW AuthorizationPolicy for service accounts, namespaces, methods and paths, optionally with a default deny',
    examples,
    schema: authorizationPolicyInputSchema,
    writes: input => ({ namespaces: [input.namespace] }),
    async plan(input, client, versions) {
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
}
