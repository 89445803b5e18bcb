import {
  buildHttpRoute,
  destinationAllowed,
  httpRouteFindings,
  httpRouteInputSchema,
  parseHttpRoute,
  serviceOfHost,
} from '@meshdeck/plugin-istio-common';
import {
  istioResources,
  readGatewayApiModel,
  withPlannedGatewayApi,
} from '@meshdeck/plugin-istio-node';
import {
  checksFromFindings,
  createMeshAction,
  MeshActionDeps,
} from '../pipeline/runMeshAction';
import { examples } from './httpRouteCreate.examples';

/**
 * `istio:gatewayapi:httproute:create`: a Gateway API HTTPRoute on Gateways
 * (class `istio`). Before it writes, the rule book checks the route as it
 * would be in the cluster: each parent Gateway exists and one of its
 * listeners takes routes from the namespace (`allowedRoutes`) for the
 * hostnames (hostname intersection); no other team's HTTPRoute has a
 * hostname on the same listener (the Gateway API would give it silently to
 * one of them); the listeners' certificates cover the hostnames; the backend
 * Services exist and expose the ports; a backend in another namespace is
 * permitted by a ReferenceGrant and allowed by
 * `istio.scaffolder.allowedDestinations`.
 *
 * @public
 */
export function createHttpRouteAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:gatewayapi:httproute:create',
    description:
      'Creates or updates a Gateway API HTTPRoute after checking that the parent Gateways take routes from the namespace for the hostnames, that no other team has the hostnames on the same listener, the listener certificates, the backend Services and ports, ReferenceGrants for backends in other namespaces, and where the route may send traffic',
    examples,
    schema: httpRouteInputSchema,
    writes: input => ({
      namespaces: [input.namespace],
      gateways: input.parentRefs.map(
        p => `${p.namespace ?? input.namespace}/${p.name}`,
      ),
    }),
    async plan(input, client) {
      const manifest = buildHttpRoute(
        {
          name: input.name,
          namespace: input.namespace,
          hostnames: input.hostnames,
          parentRefs: input.parentRefs,
          rules: input.rules,
          kubernetesId: input.kubernetesId,
        },
        await client.versionOf(istioResources.httpRoute),
      );
      const planned = parseHttpRoute(manifest);
      const policy = deps.policy.destinationPolicy();
      const backends = planned.rules.flatMap(r => r.backendRefs);
      // Services are read only where the route may reach: the others are
      // refused by the rule book without looking at them
      const cluster = await readGatewayApiModel(client, {
        serviceNamespaces: backends.flatMap(b =>
          b.fqdn &&
          destinationAllowed(
            { controlPlanes: [] },
            policy,
            input.namespace,
            b.fqdn,
          )
            ? [b.namespace]
            : [],
        ),
        certificatesOf: planned.parentRefs.map(p => p.ref),
        namespaceLabelsOf: [input.namespace],
      });
      const model = withPlannedGatewayApi(cluster, [manifest]);
      const route =
        model.httpRoutes.find(r => r.ref === planned.ref) ?? planned;
      const findings = httpRouteFindings(model, route, {
        purpose: 'preflight',
        policy,
        previous: cluster.httpRoutes.find(r => r.ref === planned.ref),
      });
      const own = backends
        .map(b => b.fqdn && serviceOfHost(b.fqdn))
        .find(s => s && s.namespace === input.namespace);
      return {
        manifests: [manifest],
        ...checksFromFindings(findings),
        links: { namespace: input.namespace, app: own ? own.name : undefined },
        hosts: input.hostnames,
      };
    },
  });
}
