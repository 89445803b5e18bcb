import type { V1Service } from '@kubernetes/client-node';
import {
  destinationFqdn,
  hostsOverlap,
  Topology,
  Traffic,
  WorkloadStatus,
} from '@meshdeck/plugin-istio-common';
import { KubernetesObject } from '@meshdeck/plugin-istio-node';

/** A gateway credential that serves some of the entity's hosts. */
export type GatewayCredential = {
  gateway: string;
  namespace: string;
  credentialName: string;
  hosts: string[];
};

const refOf = (o: KubernetesObject) =>
  `${o.metadata.namespace}/${o.metadata.name}`;
const bareHost = (h: string) => (h.includes('/') ? h.split('/')[1] : h);
const qualify = (gw: string, ns: string) =>
  gw.includes('/') ? gw : `${ns}/${gw}`;

function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
) {
  return (
    !!selector &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels[k] === v)
  );
}

/** FQDN of a Service. */
export function serviceFqdn(s: V1Service): string {
  return `${s.metadata?.name}.${s.metadata?.namespace}.svc.cluster.local`;
}

/**
 * The Services that select the entity's pods (the same namespace, a selector
 * matching the pod's labels), plus those named in `meshdeck.io/services`.
 */
export function entityServices(
  services: V1Service[],
  pods: Array<{ namespace: string; labels: Record<string, string> }>,
  named: string[] = [],
): V1Service[] {
  return services.filter(
    s =>
      named.includes(s.metadata?.name ?? '') ||
      pods.some(
        p =>
          p.namespace === s.metadata?.namespace &&
          matches(s.spec?.selector, p.labels),
      ),
  );
}

/**
 * The traffic configuration touching the entity's Services, the gateway
 * credentials that serve its hosts, and the route topology:
 * host → Gateway → VirtualService → Service → subset → workload.
 */
export function assembleTraffic(input: {
  services: V1Service[];
  virtualServices: KubernetesObject[];
  gateways: KubernetesObject[];
  destinationRules: KubernetesObject[];
  authorizationPolicies: KubernetesObject[];
  workloads: Array<WorkloadStatus & { labels: Record<string, string> }>;
}): { traffic: Traffic; topology: Topology; credentials: GatewayCredential[] } {
  const fqdns = new Set(input.services.map(serviceFqdn));
  const vsList = input.virtualServices.filter(vs =>
    ((vs.spec?.http ?? []) as any[]).some(route =>
      ((route.route ?? []) as any[]).some(r =>
        fqdns.has(
          destinationFqdn(
            String(r.destination?.host ?? ''),
            vs.metadata.namespace!,
          ),
        ),
      ),
    ),
  );
  const gatewayRefs = new Set(
    vsList.flatMap(vs =>
      ((vs.spec?.gateways ?? []) as string[])
        .filter(g => g !== 'mesh')
        .map(g => qualify(g, vs.metadata.namespace!)),
    ),
  );
  const gateways = input.gateways.filter(g => gatewayRefs.has(refOf(g)));
  const rules = input.destinationRules.filter(dr =>
    fqdns.has(
      destinationFqdn(String(dr.spec?.host ?? ''), dr.metadata.namespace!),
    ),
  );
  const policies = input.authorizationPolicies.filter(ap => {
    const selector = ap.spec?.selector?.matchLabels;
    return !selector || input.workloads.some(w => matches(selector, w.labels));
  });

  const traffic: Traffic = {
    gateways: gateways.map(g => {
      const servers = ((g.spec?.servers ?? []) as any[]).map(s => ({
        port: Number(s.port?.number),
        protocol: s.port?.protocol,
        hosts: ((s.hosts ?? []) as string[]).map(bareHost),
        tlsMode: s.tls?.mode,
        credentialName: s.tls?.credentialName,
        httpsRedirect: s.tls?.httpsRedirect,
      }));
      return {
        ref: refOf(g),
        hosts: [...new Set(servers.flatMap(s => s.hosts))],
        servers,
      };
    }),
    virtualServices: vsList.map(vs => ({
      ref: refOf(vs),
      hosts: vs.spec?.hosts ?? [],
      gateways: ((vs.spec?.gateways ?? []) as string[]).map(g =>
        g === 'mesh' ? g : qualify(g, vs.metadata.namespace!),
      ),
      routes: ((vs.spec?.http ?? []) as any[]).map(route => ({
        match: route.match?.[0]?.uri?.prefix ?? route.match?.[0]?.uri?.exact,
        destinations: ((route.route ?? []) as any[]).map(r => ({
          host: destinationFqdn(
            String(r.destination?.host ?? ''),
            vs.metadata.namespace!,
          ),
          port: r.destination?.port?.number,
          subset: r.destination?.subset,
          weight: r.weight,
        })),
      })),
    })),
    destinationRules: rules.map(dr => ({
      ref: refOf(dr),
      host: destinationFqdn(
        String(dr.spec?.host ?? ''),
        dr.metadata.namespace!,
      ),
      subsets: ((dr.spec?.subsets ?? []) as any[]).map(s => ({
        name: s.name,
        labels: s.labels ?? {},
      })),
    })),
    authorizationPolicies: policies.map(ap => ({
      ref: refOf(ap),
      action: ap.spec?.action ?? 'ALLOW',
      rules: (ap.spec?.rules ?? []).length,
      selector: ap.spec?.selector?.matchLabels,
    })),
  };

  // gateway credentials serving the entity's hosts
  const credentials: GatewayCredential[] = [];
  for (const g of traffic.gateways) {
    const hosts = traffic.virtualServices
      .filter(vs => vs.gateways.includes(g.ref))
      .flatMap(vs => vs.hosts);
    for (const server of g.servers) {
      if (!server.credentialName) {
        continue;
      }
      const served = hosts.filter(h =>
        server.hosts.some(s => hostsOverlap(s, h)),
      );
      if (served.length > 0) {
        credentials.push({
          gateway: g.ref,
          namespace: g.ref.split('/')[0],
          credentialName: server.credentialName,
          hosts: [...new Set(served)],
        });
      }
    }
  }

  // topology
  const nodes = new Map<string, Topology['nodes'][number]>();
  const edges: Topology['edges'] = [];
  const node = (
    id: string,
    kind: Topology['nodes'][number]['kind'],
    label: string,
    podCount?: number,
  ) => {
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        kind,
        label,
        ...(podCount !== undefined && { podCount }),
      });
    }
    return id;
  };
  const edge = (from: string, to: string, weight?: number) => {
    if (!edges.some(e => e.from === from && e.to === to)) {
      edges.push({ from, to, ...(weight !== undefined && { weight }) });
    }
  };
  const workloadsSelectedBy = (
    selector: Record<string, string> | undefined,
    ns: string,
  ) =>
    input.workloads.filter(
      w => w.namespace === ns && matches(selector, w.labels),
    );
  for (const vs of traffic.virtualServices) {
    const vsId = node(`vs:${vs.ref}`, 'virtualService', vs.ref.split('/')[1]);
    for (const host of vs.hosts) {
      const hostId = node(`host:${host}`, 'host', host);
      const bound = traffic.gateways.filter(g => vs.gateways.includes(g.ref));
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
        const service = input.services.find(s => serviceFqdn(s) === d.host);
        if (!service) {
          continue;
        }
        const serviceId = node(
          `service:${d.host}`,
          'service',
          service.metadata?.name ?? d.host,
        );
        const ns = service.metadata?.namespace ?? '';
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
          for (const w of workloadsSelectedBy(
            { ...service.spec?.selector, ...labels },
            ns,
          )) {
            edge(
              subsetId,
              node(
                `workload:${w.namespace}/${w.name}`,
                'workload',
                w.name,
                w.pods.length,
              ),
            );
          }
        } else {
          edge(vsId, serviceId, d.weight);
          for (const w of workloadsSelectedBy(service.spec?.selector, ns)) {
            edge(
              serviceId,
              node(
                `workload:${w.namespace}/${w.name}`,
                'workload',
                w.name,
                w.pods.length,
              ),
            );
          }
        }
      }
    }
  }
  return {
    traffic,
    topology: { nodes: [...nodes.values()], edges },
    credentials,
  };
}
