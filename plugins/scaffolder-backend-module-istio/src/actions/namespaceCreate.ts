import {
  buildNamespace,
  buildPeerAuthentication,
  INJECTION_LABELS,
  namespaceInputSchema,
} from '@meshdeck/plugin-istio-common';
import { createMeshAction, MeshActionDeps } from '../pipeline/runMeshAction';
import { examples } from './namespaceCreate.examples';

/**
 * `istio:namespace:create`: a mesh-enabled namespace, optionally with a
 * namespace-wide PeerAuthentication.
 *
 * @public
 */
export function createNamespaceAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:namespace:create',
    description:
      'Creates or updates a mesh-enabled namespace (sidecar, revision or ambient injection), optionally with mTLS STRICT',
    examples,
    schema: namespaceInputSchema,
    writes: input => ({ namespaces: [input.name] }),
    async plan(input, client, versions) {
      const problems: string[] = [];
      if (input.injection === 'revision') {
        const revisions = await client.istioRevisions();
        if (!revisions.includes(input.revision!)) {
          problems.push(
            `revision '${
              input.revision
            }' is not installed in the cluster (found: ${
              revisions.join(', ') || 'no istiod'
            }); pods would never get a sidecar`,
          );
        }
      }
      const existing = await client.getNamespace(input.name);
      const ours = INJECTION_LABELS[input.injection];
      for (const label of Object.values(INJECTION_LABELS)) {
        const value = existing?.metadata?.labels?.[label];
        if (label !== ours && value !== undefined) {
          problems.push(
            `namespace '${input.name}' already has ${label}=${value}; adding ${ours} would give it two injection labels (IST0123). Remove it first: kubectl label namespace ${input.name} ${label}-`,
          );
        }
      }
      const manifests = [
        buildNamespace({
          name: input.name,
          injection: input.injection,
          revision: input.revision,
          labels: input.labels,
          annotations: input.annotations,
          kubernetesId: input.kubernetesId,
        }),
      ];
      if (input.mtls) {
        manifests.push(
          buildPeerAuthentication(
            {
              namespace: input.name,
              mode: input.mtls,
              kubernetesId: input.kubernetesId,
            },
            versions,
          ),
        );
      }
      return {
        manifests,
        problems,
        links: { namespace: input.name },
        nextSteps:
          input.injection === 'ambient'
            ? []
            : [
                `Pods started before the injection label get no sidecar until they restart: kubectl rollout restart deployment -n ${input.name}`,
              ],
      };
    },
  });
}
