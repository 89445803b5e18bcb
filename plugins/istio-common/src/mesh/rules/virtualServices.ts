import {
  MESH_GATEWAY,
  MeshModel,
  MeshVirtualService,
  RuleFinding,
} from '../model';
import {
  DestinationPolicy,
  destinationAllowedFindings,
  destinationServiceFindings,
  destinationSubsetFindings,
  meshHostOwnershipFindings,
} from './destinations';
import {
  hostClaimFindings,
  hostOnGatewayFindings,
  hostServedFindings,
} from './hostOnGateway';
import { routeFindings } from './routes';

/**
 * Every rule about one VirtualService, over a model of its cluster.
 *
 * - `preflight`: what an action asks before writing it — each host on each
 *   gateway in full (served, certificate, claims), and, with a `policy`,
 *   whether its destinations may be reached.
 * - `status`: what the status reports about an existing one — served and
 *   claims (certificates have their own verdicts in the status).
 *
 * @public
 */
export function virtualServiceFindings(
  model: MeshModel,
  vs: MeshVirtualService,
  options: { purpose: 'preflight' | 'status'; policy?: DestinationPolicy },
): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const gateway of vs.gateways) {
    if (gateway === MESH_GATEWAY) {
      continue;
    }
    for (const host of vs.hosts) {
      const query = { host, gateway, namespace: vs.namespace, name: vs.name };
      findings.push(
        ...(options.purpose === 'preflight'
          ? hostOnGatewayFindings(model, query)
          : [
              ...hostServedFindings(model, query),
              ...hostClaimFindings(model, query),
            ]),
      );
    }
  }
  findings.push(
    ...meshHostOwnershipFindings(vs),
    ...destinationServiceFindings(model, vs),
    ...destinationSubsetFindings(model, vs),
    ...routeFindings(vs),
  );
  if (options.policy) {
    findings.push(
      ...destinationAllowedFindings(model, options.policy, {
        namespace: vs.namespace,
        object: `${vs.namespace}/VirtualService/${vs.name}`,
        destinations: vs.http.flatMap(r => r.destinations.map(d => d.fqdn)),
      }),
    );
  }
  return dedupe(findings);
}

/**
 * The same finding about the same object once (e.g. one missing gateway, many hosts).
 *
 * @public
 */
export function dedupe<T extends RuleFinding>(findings: T[]): T[] {
  const seen = new Set<string>();
  return findings.filter(f => {
    const key = `${f.id}|${f.object}|${f.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * A finding as one sentence for a task log or a form field: the message and
 * the IST/KIA code it mirrors.
 *
 * @public
 */
export function describeFinding(finding: RuleFinding): string {
  return finding.code
    ? `${finding.message} (${finding.code})`
    : finding.message;
}
