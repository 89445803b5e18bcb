import {
  buildNamespace,
  buildPeerAuthentication,
  INJECTION_LABELS,
  injectionLabelFindings,
  namespaceInputSchema,
  revisionInstalledFindings,
} from '@meshdeck/plugin-istio-common';
import {
  checksFromFindings,
  createMeshAction,
  MeshActionDeps,
} from '../pipeline/runMeshAction';
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
      // the namespace as it will be: its injection labels plus ours
      const existing = await client.getNamespace(input.name);
      const ours = INJECTION_LABELS[input.injection];
      const labels = {
        ...Object.fromEntries(
          Object.values(INJECTION_LABELS).flatMap(l => {
            const value = existing?.metadata?.labels?.[l];
            return value === undefined ? [] : [[l, value]];
          }),
        ),
        [ours]: {
          sidecar: 'enabled',
          ambient: 'ambient',
          revision: input.revision ?? '',
        }[input.injection],
      };
      const findings = [
        ...injectionLabelFindings(input.name, labels),
        ...(input.injection === 'revision'
          ? revisionInstalledFindings(
              input.name,
              input.revision,
              await client.istioRevisions(),
            )
          : []),
      ];
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
        ...checksFromFindings(findings),
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
