import {
  buildVirtualService,
  destinationAllowed,
  MESH_GATEWAY,
  parseVirtualService,
  qualifyGatewayRef,
  virtualServiceFindings,
  virtualServiceInputSchema,
} from '@meshdeck/plugin-istio-common';
import { readMeshModel, withPlanned } from '@meshdeck/plugin-istio-node';
import {
  checksFromFindings,
  createMeshAction,
  MeshActionDeps,
} from '../pipeline/runMeshAction';
import { examples } from './virtualServiceCreate.examples';

/**
 * `istio:virtualservice:create`: routes for hosts on gateways. Before it
 * writes, the rule book checks the VirtualService as it would be in the
 * cluster: each host on each gateway (served, certificate, not claimed by
 * another route), destinations that exist, expose the port and may be
 * reached from the namespace (`istio.scaffolder.allowedDestinations`),
 * subsets and weights.
 *
 * @public
 */
export function createVirtualServiceAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:virtualservice:create',
    description:
      'Creates or updates a VirtualService on gateways after checking gateways, certificates, destination Services, ports, subsets, where the route may send traffic, and that no other VirtualService claims the hosts',
    examples,
    schema: virtualServiceInputSchema,
    writes: input => ({
      namespaces: [input.namespace],
      gateways: input.gateways.map(g => qualifyGatewayRef(g, input.namespace)),
    }),
    async plan(input, client, versions) {
      const gateways = input.gateways.map(g =>
        qualifyGatewayRef(g, input.namespace),
      );
      const manifest = buildVirtualService(
        {
          name: input.name,
          namespace: input.namespace,
          hosts: input.hosts,
          gateways,
          routes: input.routes,
          kubernetesId: input.kubernetesId,
        },
        versions,
      );
      const planned = parseVirtualService(manifest);
      const policy = deps.policy.destinationPolicy();
      const destinations = planned.http.flatMap(r => r.destinations);
      // Services are read only where the route may reach: the others are
      // refused by the rule book without looking at them
      const cluster = await readMeshModel(client, {
        serviceNamespaces: destinations.flatMap(d =>
          d.service &&
          destinationAllowed(
            { controlPlanes: [] },
            policy,
            input.namespace,
            d.fqdn,
          )
            ? [d.service.namespace]
            : [],
        ),
        credentialsOf: gateways.filter(g => g !== MESH_GATEWAY),
      });
      const findings = virtualServiceFindings(
        withPlanned(cluster, [manifest]),
        planned,
        { purpose: 'preflight', policy },
      );
      const first = destinations[0]?.service;
      return {
        manifests: [manifest],
        ...checksFromFindings(findings),
        links: { namespace: input.namespace, app: first?.name },
        hosts: input.hosts,
      };
    },
  });
}
