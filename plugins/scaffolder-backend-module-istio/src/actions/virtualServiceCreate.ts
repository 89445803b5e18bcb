import {
  buildVirtualService,
  destinationFqdn,
  hostsOverlap,
  virtualServiceInputSchema,
} from '@meshdeck/plugin-istio-common';
import { istioResources, MeshClusterClient } from '@meshdeck/plugin-istio-node';
import { qualifyGatewayRef, servedHosts } from '../pipeline/gatewayHosts';
import { createMeshAction, MeshActionDeps } from '../pipeline/runMeshAction';
import { examples } from './virtualServiceCreate.examples';

const CLUSTER_SUFFIX = '.svc.cluster.local';

/** The in-cluster Service a destination host names, if it names one. */
function serviceOf(host: string, namespace: string) {
  const fqdn = destinationFqdn(host, namespace);
  if (!fqdn.endsWith(CLUSTER_SUFFIX)) {
    return undefined; // an external host (ServiceEntry); nothing to check here
  }
  const [name, ns] = fqdn.slice(0, -CLUSTER_SUFFIX.length).split('.');
  return ns ? { name, namespace: ns, fqdn } : undefined;
}

async function checkDestinations(
  client: MeshClusterClient,
  namespace: string,
  destinations: Array<{ host: string; port?: number; subset?: string }>,
): Promise<{ problems: string[]; missing: string[] }> {
  const problems: string[] = [];
  const missing: string[] = [];
  for (const d of destinations) {
    const service = serviceOf(d.host, namespace);
    if (!service) {
      continue;
    }
    const svc = await client.getService(service.namespace, service.name);
    if (!svc) {
      missing.push(
        `destination Service ${service.namespace}/${service.name} does not exist (IST0101)`,
      );
      continue;
    }
    const ports = (svc.spec?.ports ?? []).map(p => p.port);
    if (d.port !== undefined && !ports.includes(d.port)) {
      problems.push(
        `Service ${service.namespace}/${service.name} does not expose port ${
          d.port
        } (it exposes ${ports.join(', ') || 'no ports'}) (IST0112)`,
      );
    }
    if (d.port === undefined && ports.length > 1) {
      problems.push(
        `Service ${service.namespace}/${
          service.name
        } exposes several ports (${ports.join(
          ', ',
        )}); set the destination port`,
      );
    }
    if (d.subset) {
      const rules = await client.list(
        istioResources.destinationRule,
        service.namespace,
      );
      const subsets = rules
        .filter(
          r =>
            destinationFqdn(
              String(r.spec?.host ?? ''),
              r.metadata.namespace!,
            ) === service.fqdn,
        )
        .flatMap(r => (r.spec?.subsets ?? []).map((s: any) => s.name));
      if (!subsets.includes(d.subset)) {
        missing.push(
          `subset '${d.subset}' of ${
            service.fqdn
          } is not defined by any DestinationRule (defined: ${
            subsets.join(', ') || 'none'
          }) (IST0101); create it first with istio:destinationrule:create`,
        );
      }
    }
  }
  return { problems, missing };
}

/**
 * `istio:virtualservice:create`: routes for hosts on gateways, checked
 * against the gateways, destinations, subsets and the VirtualServices of
 * other teams.
 *
 * @public
 */
export function createVirtualServiceAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:virtualservice:create',
    description:
      'Creates or updates a VirtualService on gateways after checking gateways, destination Services, ports, subsets and that no other VirtualService claims the hosts',
    examples,
    schema: virtualServiceInputSchema,
    writes: input => ({
      namespaces: [input.namespace],
      gateways: input.gateways.map(g => qualifyGatewayRef(g, input.namespace)),
    }),
    async plan(input, client, versions) {
      const self = `${input.namespace}/${input.name}`;
      const gateways = input.gateways.map(g =>
        qualifyGatewayRef(g, input.namespace),
      );
      const destinations = await checkDestinations(
        client,
        input.namespace,
        input.routes.flatMap(r => r.destinations),
      );
      const problems = destinations.problems;
      const missing = destinations.missing;

      for (const ref of gateways) {
        const [ns, name] = ref.split('/');
        const gateway = await client.get(istioResources.gateway, ns, name);
        if (!gateway) {
          missing.push(`Gateway ${ref} does not exist (IST0101)`);
          continue;
        }
        const served = servedHosts(gateway).map(s => s.host);
        for (const host of input.hosts) {
          if (!served.some(s => hostsOverlap(s, host))) {
            problems.push(
              `host ${host} is not served by Gateway ${ref} (it serves ${
                [...new Set(served)].join(', ') || 'no hosts'
              }) (IST0132)`,
            );
          }
        }
      }

      // a team must not take over a host another VirtualService serves
      // on the same gateway, least of all from another namespace
      for (const other of await client.list(istioResources.virtualService)) {
        const otherRef = `${other.metadata.namespace}/${other.metadata.name}`;
        if (otherRef === self) {
          continue;
        }
        const otherGateways = ((other.spec?.gateways ?? []) as string[]).map(
          g => qualifyGatewayRef(g, other.metadata.namespace!),
        );
        const shared = gateways.filter(g => otherGateways.includes(g));
        if (shared.length === 0) {
          continue;
        }
        for (const host of input.hosts) {
          const taken = ((other.spec?.hosts ?? []) as string[]).find(h =>
            hostsOverlap(h, host),
          );
          if (taken) {
            problems.push(
              `host ${host} on Gateway ${
                shared[0]
              } is already claimed by VirtualService ${otherRef}${
                other.metadata.namespace !== input.namespace
                  ? ` in namespace '${other.metadata.namespace}'`
                  : ''
              } (IST0109); ask its owners, or choose another host`,
            );
          }
        }
      }

      const firstService = serviceOf(
        input.routes[0].destinations[0].host,
        input.namespace,
      );
      return {
        manifests: [
          buildVirtualService(
            {
              name: input.name,
              namespace: input.namespace,
              hosts: input.hosts,
              gateways,
              routes: input.routes,
              kubernetesId: input.kubernetesId,
            },
            versions,
          ),
        ],
        problems,
        missing,
        links: {
          namespace: input.namespace,
          app: firstService?.name,
        },
        hosts: input.hosts,
      };
    },
  });
}
