import {
  buildDestinationRule,
  destinationRuleInputSchema,
  destinationRuleServiceFindings,
  emptyMeshModel,
  parseDestinationRule,
  parseService,
} from '@meshdeck/plugin-istio-common';
import {
  checksFromFindings,
  createMeshAction,
  MeshActionDeps,
} from '../pipeline/runMeshAction';
import { examples } from './destinationRuleCreate.examples';

/**
 * `istio:destinationrule:create`: label-selected subsets of a Service (for
 * canaries) with an optional traffic policy.
 *
 * @public
 */
export function createDestinationRuleAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:destinationrule:create',
    description:
      'Creates or updates a DestinationRule with label-selected subsets (e.g. v1/v2 for a canary) and an optional traffic policy',
    examples,
    schema: destinationRuleInputSchema,
    writes: input => ({ namespaces: [input.namespace] }),
    async plan(input, client, versions) {
      const manifest = buildDestinationRule(
        {
          name: input.name,
          namespace: input.namespace,
          host: input.host,
          subsets: input.subsets,
          trafficPolicy: input.trafficPolicy,
          kubernetesId: input.kubernetesId,
        },
        versions,
      );
      const service = await client.getService(input.namespace, input.host);
      const model = {
        ...emptyMeshModel(),
        services: service ? [parseService(service as any)] : [],
        serviceNamespaces: [input.namespace],
      };
      return {
        manifests: [manifest],
        ...checksFromFindings(
          destinationRuleServiceFindings(model, parseDestinationRule(manifest)),
        ),
        links: { namespace: input.namespace, app: input.host },
      };
    },
  });
}
