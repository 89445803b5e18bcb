import { TopologyBuilder } from './topologyBuilder';
import {
  hostsOverlap,
  MeshAuthorizationPolicy,
  MeshDestinationRule,
  MeshGateway,
  MeshService,
  MeshVirtualService,
  selectorMatches,
  Topology,
  Traffic,
  WorkloadStatus,
} from '@meshdeck/plugin-istio-common';

/** A gateway credential that serves some of the entity's hosts. */
export type GatewayCredential = {
  gateway: string;
  namespace: string;
  credentialName: string;
  hosts: string[];
};

/** A workload of the entity, with the labels of its pods. */
export type TrafficWorkload = WorkloadStatus & {
  labels: Record<string, string>;
};

/**
 * The Services that select the entity's pods (the same namespace, a selector
 * matching the pod's labels), plus those named in `meshdeck.io/services`.
 */
export function entityServices(
  services: MeshService[],
  pods: Array<{ namespace: string; labels: Record<string, string> }>,
  named: string[] = [],
): MeshService[] {
  return services.filter(
    s =>
      named.includes(s.name) ||
      pods.some(
        p =>
          p.namespace === s.namespace && selectorMatches(s.selector, p.labels),
      ),
  );
}

/**
 * The traffic configuration touching the entity's Services, the gateway
 * credentials that serve its hosts, and the route topology:
 * host → Gateway → VirtualService → Service → subset → workload.
 */
export function assembleTraffic(input: {
  /** The entity's Services. */
  services: MeshService[];
  virtualServices: MeshVirtualService[];
  gateways: MeshGateway[];
  destinationRules: MeshDestinationRule[];
  authorizationPolicies: MeshAuthorizationPolicy[];
  workloads: TrafficWorkload[];
}): { traffic: Traffic; topology: Topology; credentials: GatewayCredential[] } {
  const fqdns = new Set(input.services.map(s => s.fqdn));
  const vsList = input.virtualServices.filter(vs =>
    vs.http.some(route => route.destinations.some(d => fqdns.has(d.fqdn))),
  );
  const gatewayRefs = new Set(vsList.flatMap(vs => vs.gateways));
  const gateways = input.gateways.filter(g => gatewayRefs.has(g.ref));
  const rules = input.destinationRules.filter(dr => fqdns.has(dr.host));
  // a policy without a selector applies to the whole namespace
  const policies = input.authorizationPolicies.filter(
    ap =>
      !ap.selector ||
      input.workloads.some(w => selectorMatches(ap.selector, w.labels)),
  );

  const traffic: Traffic = {
    gateways: gateways.map(g => {
      const servers = g.servers.map(s => ({
        port: s.port,
        protocol: s.protocol,
        hosts: s.hosts,
        tlsMode: s.tls?.mode,
        credentialName: s.tls?.credentialName,
        httpsRedirect: s.tls?.httpsRedirect,
      }));
      return {
        ref: g.ref,
        hosts: [...new Set(servers.flatMap(s => s.hosts))],
        servers,
      };
    }),
    virtualServices: vsList.map(vs => ({
      ref: vs.ref,
      hosts: vs.hosts,
      // as written: the implicit `mesh` is not shown
      gateways: vs.meshByDefault ? [] : vs.gateways,
      routes: vs.http.map(route => ({
        match: route.match,
        destinations: route.destinations.map(d => ({
          host: d.fqdn,
          port: d.port,
          subset: d.subset,
          weight: d.weight,
        })),
      })),
    })),
    destinationRules: rules.map(dr => ({
      ref: dr.ref,
      host: dr.host,
      subsets: dr.subsets.map(s => ({ name: s.name, labels: s.labels })),
    })),
    authorizationPolicies: policies.map(ap => ({
      ref: ap.ref,
      action: ap.action,
      rules: ap.rules,
      selector: ap.selector,
    })),
  };

  // gateway credentials serving the entity's hosts
  const credentials: GatewayCredential[] = [];
  for (const g of gateways) {
    const hosts = vsList
      .filter(vs => vs.gateways.includes(g.ref))
      .flatMap(vs => vs.hosts);
    for (const server of g.servers) {
      const credentialName = server.tls?.credentialName;
      if (!credentialName) {
        continue;
      }
      const served = hosts.filter(h =>
        server.hosts.some(s => hostsOverlap(s, h)),
      );
      if (served.length > 0) {
        credentials.push({
          gateway: g.ref,
          namespace: g.namespace,
          credentialName,
          hosts: [...new Set(served)],
        });
      }
    }
  }

  return {
    traffic,
    topology: topologyOf(traffic, input.services, input.workloads),
    credentials,
  };
}

/**
 * The route topology of the traffic shown:
 * host → Gateway → VirtualService → Service → subset → workload.
 */
function topologyOf(
  traffic: Traffic,
  services: MeshService[],
  workloads: TrafficWorkload[],
): Topology {
  const topology = new TopologyBuilder();
  const node = topology.node.bind(topology);
  const edge = topology.edge.bind(topology);
  const workloadNodes = (
    from: string,
    selector: Record<string, string>,
    namespace: string,
  ) => {
    for (const w of workloads) {
      if (w.namespace === namespace && selectorMatches(selector, w.labels)) {
        edge(
          from,
          node(
            `workload:${w.namespace}/${w.name}`,
            'workload',
            w.name,
            w.pods.length,
          ),
        );
      }
    }
  };
  for (const vs of traffic.virtualServices) {
    const vsId = node(`vs:${vs.ref}`, 'virtualService', vs.ref.split('/')[1]);
    const bound = traffic.gateways.filter(g => vs.gateways.includes(g.ref));
    for (const host of vs.hosts) {
      const hostId = node(`host:${host}`, 'host', host);
      if (bound.length === 0) {
        edge(hostId, vsId);
      }
      for (const g of bound) {
        const gwId = node(`gateway:${g.ref}`, 'gateway', g.ref);
        edge(hostId, gwId);
        edge(gwId, vsId);
      }
    }
    for (const route of vs.routes) {
      for (const d of route.destinations) {
        const service = services.find(s => s.fqdn === d.host);
        if (!service) {
          continue;
        }
        const serviceId = node(`service:${d.host}`, 'service', service.name);
        if (d.subset) {
          edge(vsId, serviceId);
          const subsetId = node(
            `subset:${d.host}/${d.subset}`,
            'subset',
            d.subset,
          );
          edge(serviceId, subsetId, d.weight);
          const labels = traffic.destinationRules
            .filter(dr => dr.host === d.host)
            .flatMap(dr => dr.subsets)
            .find(s => s.name === d.subset)?.labels;
          workloadNodes(
            subsetId,
            { ...service.selector, ...labels },
            service.namespace,
          );
        } else {
          edge(vsId, serviceId, d.weight);
          workloadNodes(serviceId, service.selector, service.namespace);
        }
      }
    }
  }
  return topology.build();
}
