import {
  MESH_GATEWAY,
  MeshDestination,
  MeshDestinationRule,
  MeshModel,
  MeshVirtualService,
  RuleFinding,
} from '../model';
import { destinationFqdn, serviceOfHost } from '../hosts';

/**
 * Rules about where a route sends traffic: the destination exists and
 * exposes the port (IST0101/IST0112), its subset is defined (IST0101), and —
 * for routes written by templates — it is a destination the route may reach.
 */

const vsObject = (vs: MeshVirtualService) =>
  `${vs.namespace}/VirtualService/${vs.name}`;

function servicesKnownIn(model: MeshModel, namespace: string): boolean {
  return (
    model.serviceNamespaces === '*' ||
    model.serviceNamespaces.includes(namespace)
  );
}

function destinations(vs: MeshVirtualService): MeshDestination[] {
  const seen = new Set<string>();
  return vs.http
    .flatMap(r => r.destinations)
    .filter(d => {
      const key = `${d.fqdn}:${d.port ?? ''}:${d.subset ?? ''}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}

/**
 * IST0101 / IST0112: every in-cluster destination Service exists and exposes
 * the port (a Service with several ports needs the port named). Judged only
 * for namespaces whose Services the model holds.
 *
 * @public
 */
export function destinationServiceFindings(
  model: MeshModel,
  vs: MeshVirtualService,
): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const d of destinations(vs)) {
    if (!d.service || !servicesKnownIn(model, d.service.namespace)) {
      continue;
    }
    const ref = `${d.service.namespace}/${d.service.name}`;
    const service = model.services.find(s => s.ref === ref);
    if (!service) {
      findings.push({
        id: 'destination-not-found',
        severity: 'error',
        code: 'IST0101',
        object: vsObject(vs),
        message: `destination Service ${ref} does not exist`,
        missingReference: true,
      });
      continue;
    }
    const ports = service.ports.join(', ') || 'no ports';
    if (d.port !== undefined && !service.ports.includes(d.port)) {
      findings.push({
        id: 'destination-port-not-exposed',
        severity: 'error',
        code: 'IST0112',
        object: vsObject(vs),
        message: `Service ${ref} does not expose port ${d.port} (it exposes ${ports})`,
      });
    }
    if (d.port === undefined && service.ports.length > 1) {
      findings.push({
        id: 'destination-port-ambiguous',
        severity: 'error',
        object: vsObject(vs),
        message: `Service ${ref} exposes several ports (${ports}); set the destination port`,
      });
    }
  }
  return findings;
}

/**
 * IST0101: the Service a DestinationRule configures exists (judged only when
 * the model holds its namespace's Services).
 *
 * @public
 */
export function destinationRuleServiceFindings(
  model: MeshModel,
  rule: MeshDestinationRule,
): RuleFinding[] {
  const service = serviceOfHost(rule.host);
  if (
    !service ||
    !servicesKnownIn(model, service.namespace) ||
    model.services.some(
      s => s.namespace === service.namespace && s.name === service.name,
    )
  ) {
    return [];
  }
  return [
    {
      id: 'destination-rule-service-not-found',
      severity: 'error',
      code: 'IST0101',
      object: `${rule.namespace}/DestinationRule/${rule.name}`,
      message: `Service ${service.namespace}/${service.name} does not exist`,
      missingReference: true,
    },
  ];
}

/**
 * IST0101: every subset a route names is defined by a DestinationRule for
 * the destination's host.
 *
 * @public
 */
export function destinationSubsetFindings(
  model: MeshModel,
  vs: MeshVirtualService,
): RuleFinding[] {
  return destinations(vs).flatMap(d => {
    if (!d.subset) {
      return [];
    }
    const defined = model.destinationRules
      .filter(r => r.host === d.fqdn)
      .flatMap(r => r.subsets.map(s => s.name));
    if (defined.includes(d.subset)) {
      return [];
    }
    return [
      {
        id: 'subset-not-found',
        severity: 'error' as const,
        code: 'IST0101',
        object: vsObject(vs),
        message: `subset '${d.subset}' of ${
          d.fqdn
        } is not defined by any DestinationRule (defined: ${
          [...new Set(defined)].join(', ') || 'none'
        })`,
        fix: 'Create it first, e.g. with istio:destinationrule:create',
        missingReference: true,
      },
    ];
  });
}

/**
 * Namespaces a template's route never reaches through a pattern: the
 * cluster's own, the control plane's and the gateways'. Only an entry that
 * names one of them literally opens it.
 *
 * @public
 */
export const PROTECTED_NAMESPACES: readonly string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'default',
  'istio-system',
];

/**
 * Where routes written by templates may send traffic, beyond their own
 * namespace (`istio.scaffolder.allowedDestinations`): namespace names or
 * patterns (`team-*`), and external hosts or host patterns (any entry with a
 * dot, e.g. `*.api.example.com`).
 *
 * @public
 */
export type DestinationPolicy = {
  allowed: readonly string[];
  /** Beyond {@link PROTECTED_NAMESPACES} and the control planes' namespaces. */
  protectedNamespaces?: readonly string[];
  /** The config key named in messages. */
  setting?: string;
};

/** True when a `*` pattern matches the whole value. @public */
export function matchesPattern(pattern: string, value: string): boolean {
  const re = pattern
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`, 'i').test(value);
}

/**
 * Whether a route in `routeNamespace` may reach a destination host: its own
 * namespace always; another namespace when an entry of the policy names it
 * (a protected namespace only literally); a host outside the cluster only
 * when an entry with a dot matches it.
 *
 * @public
 */
export function destinationAllowed(
  model: Pick<MeshModel, 'controlPlanes'>,
  policy: DestinationPolicy,
  routeNamespace: string,
  fqdn: string,
): boolean {
  const service = serviceOfHost(fqdn);
  if (!service) {
    return policy.allowed.some(
      entry => entry.includes('.') && matchesPattern(entry, fqdn),
    );
  }
  const ns = service.namespace;
  if (ns === routeNamespace) {
    return true;
  }
  const protectedNamespaces = new Set([
    ...PROTECTED_NAMESPACES,
    ...(policy.protectedNamespaces ?? []),
    ...model.controlPlanes.map(c => c.namespace),
  ]);
  const namespaceEntries = policy.allowed.filter(e => !e.includes('.'));
  if (protectedNamespaces.has(ns)) {
    return namespaceEntries.includes(ns);
  }
  return namespaceEntries.some(e => matchesPattern(e, ns));
}

/**
 * Routes written by templates reach only allowed destinations (see
 * {@link destinationAllowed}). Applies to every route type.
 *
 * @public
 */
export function destinationAllowedFindings(
  model: Pick<MeshModel, 'controlPlanes'>,
  policy: DestinationPolicy,
  route: { namespace: string; object: string; destinations: string[] },
): RuleFinding[] {
  const setting = policy.setting ?? 'istio.scaffolder.allowedDestinations';
  const configured = policy.allowed.join(', ') || 'none configured';
  return [...new Set(route.destinations)]
    .filter(fqdn => !destinationAllowed(model, policy, route.namespace, fqdn))
    .map(fqdn => {
      const service = serviceOfHost(fqdn);
      return {
        id: 'destination-not-allowed',
        severity: 'error' as const,
        object: route.object,
        message: service
          ? `destination ${fqdn} is in namespace '${service.namespace}'; routes written by templates in '${route.namespace}' may reach only their own namespace and the namespaces named in ${setting} (${configured})`
          : `destination ${fqdn} is outside the cluster; routes written by templates may reach external hosts only when ${setting} names them (${configured})`,
        fix: `Route to a Service in '${
          route.namespace
        }', or ask the platform team to add ${
          service ? `'${service.namespace}'` : `'${fqdn}'`
        } to ${setting}`,
      };
    });
}

/**
 * A VirtualService on the `mesh` gateway (sidecar routing) may claim only
 * Services of its own namespace: a route for another namespace's Service, a
 * wildcard or an external host would take over other teams' mesh-internal
 * traffic (a VirtualService is visible to every namespace by default).
 *
 * @public
 */
export function meshHostOwnershipFindings(
  vs: MeshVirtualService,
): RuleFinding[] {
  if (!vs.gateways.includes(MESH_GATEWAY)) {
    return [];
  }
  return vs.hosts.flatMap(host => {
    const service = host.startsWith('*')
      ? undefined
      : serviceOfHost(destinationFqdn(host, vs.namespace));
    if (service?.namespace === vs.namespace) {
      return [];
    }
    return [
      {
        id: 'mesh-host-not-owned',
        severity: 'error' as const,
        object: vsObject(vs),
        message: service
          ? `host ${host} is the Service ${service.namespace}/${service.name}; a VirtualService in '${vs.namespace}' must not claim another namespace's mesh-internal traffic`
          : `host ${host} on the mesh gateway is not a Service of '${vs.namespace}'; it would reroute the mesh-internal traffic of every namespace`,
        fix: `On the mesh gateway, route only Services of '${vs.namespace}'`,
      },
    ];
  });
}
