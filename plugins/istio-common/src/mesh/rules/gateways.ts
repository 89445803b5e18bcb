import {
  KUBERNETES_ID_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../../annotations';
import { hostsOverlap } from '../hosts';
import { MeshGateway, MeshModel, RuleFinding } from '../model';

/** Rules about Istio Gateways: conflicts on one workload, and ownership. */

const sameSelector = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return (
    ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k])
  );
};

/**
 * IST0145 (KIA0301): another Gateway of the same ingress workload serves an
 * overlapping host on the same port; the workload would get two
 * configurations for one host.
 *
 * @public
 */
export function gatewayConflictFindings(
  model: MeshModel,
  gateway: MeshGateway,
): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const other of model.gateways) {
    if (
      other.ref === gateway.ref ||
      !sameSelector(other.selector, gateway.selector)
    ) {
      continue;
    }
    for (const server of gateway.servers) {
      for (const otherServer of other.servers) {
        if (otherServer.port !== server.port) {
          continue;
        }
        const clash = server.hosts.find(h =>
          otherServer.hosts.some(o => hostsOverlap(h, o)),
        );
        const key = `${other.ref}|${server.port}|${clash}`;
        if (clash && !seen.has(key)) {
          seen.add(key);
          findings.push({
            id: 'gateway-host-conflict',
            severity: 'error',
            code: 'IST0145',
            object: `${gateway.namespace}/Gateway/${gateway.name}`,
            message: `host ${clash} on port ${server.port} is already served by Gateway ${other.ref} on the same workload`,
            fix: `Bind a VirtualService to ${other.ref} instead`,
          });
        }
      }
    }
  }
  return findings;
}

function ownerText(managed: boolean, owner: string | undefined): string {
  if (!managed) {
    return 'someone else (not created by Meshdeck)';
  }
  return owner ? `component '${owner}'` : 'no component';
}

/**
 * A template may update a Gateway only if Meshdeck created it for the same
 * component: an existing Gateway of the platform team or of another
 * component is never overwritten.
 *
 * @public
 */
export function gatewayOwnershipFindings(
  existing: MeshGateway | undefined,
  kubernetesId: string | undefined,
): RuleFinding[] {
  if (!existing) {
    return [];
  }
  const managed = existing.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
  const owner = existing.labels[KUBERNETES_ID_ANNOTATION];
  // a Gateway without an owning component belongs to nobody a template
  // may speak for
  if (managed && owner && owner === kubernetesId) {
    return [];
  }
  return [
    {
      id: 'gateway-owned-by-other',
      severity: 'error',
      object: `${existing.namespace}/Gateway/${existing.name}`,
      message: `Gateway ${
        existing.ref
      } already exists and belongs to ${ownerText(
        managed,
        owner,
      )}; a template does not overwrite it`,
      fix: 'Choose another Gateway name, or bind a VirtualService to the existing Gateway',
    },
  ];
}
