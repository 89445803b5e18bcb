import {
  KUBERNETES_ID_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../../annotations';
import type { RuleFinding } from '../model';
import { dedupe } from '../rules/virtualServices';
import {
  listenerCertificateFindings,
  listenerTerminatesTls,
} from './certificates';
import {
  GATEWAY_API_GROUP,
  GatewayApiModel,
  K8sGateway,
  ReferenceGrant,
} from './model';
import {
  referenceGrantAllows,
  referenceGrantFix,
  ReferenceFrom,
} from './referenceGrants';

/**
 * Rules about one Gateway API Gateway: who owns it, whether its listeners
 * conflict, and whether their certificates are usable, cover the listener
 * hostnames and may be referenced across namespaces.
 */

const gatewayObject = (g: K8sGateway) => `${g.namespace}/Gateway/${g.name}`;

function ownerText(managed: boolean, owner: string | undefined): string {
  if (!managed) {
    return 'someone else (not created by Meshdeck)';
  }
  return owner ? `component '${owner}'` : 'no component';
}

/**
 * A template may update a Gateway API Gateway only if Meshdeck created it for
 * the same component (the twin of `gatewayOwnershipFindings`).
 *
 * @public
 */
export function k8sGatewayOwnershipFindings(
  existing: K8sGateway | undefined,
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
      object: gatewayObject(existing),
      message: `Gateway ${
        existing.ref
      } (gateway.networking.k8s.io) already exists and belongs to ${ownerText(
        managed,
        owner,
      )}; a template does not overwrite it`,
      fix: 'Choose another Gateway name, or attach an HTTPRoute to the existing Gateway',
    },
  ];
}

/**
 * Meshdeck writes a ReferenceGrant only under a name no one else uses: an
 * existing grant of that name that Meshdeck did not create is never
 * overwritten (its lists would be replaced).
 *
 * @public
 */
export function referenceGrantOwnershipFindings(
  existing: ReferenceGrant | undefined,
): RuleFinding[] {
  if (!existing || existing.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) {
    return [];
  }
  return [
    {
      id: 'reference-grant-owned-by-other',
      severity: 'error',
      object: `${existing.namespace}/ReferenceGrant/${existing.name}`,
      message: `ReferenceGrant ${existing.ref} already exists and was not created by Meshdeck; a template does not overwrite it`,
      fix: `Ask the owners of namespace '${existing.namespace}' to extend ${existing.ref} to the Gateway's reference`,
    },
  ];
}

/**
 * Listeners of one Gateway that cannot both be programmed: the same name
 * twice, HTTP sharing a port with another protocol (ProtocolConflict), or the
 * same port, protocol and hostname twice (HostnameConflict).
 *
 * @public
 */
export function k8sGatewayListenerFindings(gateway: K8sGateway): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const object = gatewayObject(gateway);
  const { listeners } = gateway;
  const names = new Set<string>();
  for (const l of listeners) {
    if (names.has(l.name)) {
      findings.push({
        id: 'gateway-listener-conflict',
        severity: 'error',
        object,
        message: `Gateway ${gateway.ref} has two listeners named '${l.name}'`,
      });
    }
    names.add(l.name);
  }
  for (let i = 0; i < listeners.length; i++) {
    for (let j = i + 1; j < listeners.length; j++) {
      const [a, b] = [listeners[i], listeners[j]];
      if (a.port !== b.port) {
        continue;
      }
      const pa = a.protocol.toUpperCase();
      const pb = b.protocol.toUpperCase();
      if (pa !== pb && (pa === 'HTTP' || pb === 'HTTP')) {
        findings.push({
          id: 'gateway-listener-conflict',
          severity: 'error',
          object,
          message: `listeners '${a.name}' (${a.protocol}) and '${b.name}' (${b.protocol}) of Gateway ${gateway.ref} share port ${a.port} with incompatible protocols (ProtocolConflict)`,
        });
      } else if (
        pa === pb &&
        (a.hostname ?? '*').toLowerCase() === (b.hostname ?? '*').toLowerCase()
      ) {
        findings.push({
          id: 'gateway-listener-conflict',
          severity: 'error',
          object,
          message: `listeners '${a.name}' and '${b.name}' of Gateway ${
            gateway.ref
          } both serve ${a.hostname ?? 'every hostname'} with ${
            a.protocol
          } on port ${a.port} (HostnameConflict)`,
        });
      }
    }
  }
  return findings;
}

/**
 * A listener terminating TLS needs a certificate; one in another namespace
 * needs a ReferenceGrant there that lets Gateways of this namespace reference
 * it (ResolvedRefs=False, RefNotPermitted otherwise). The fix is the
 * ReferenceGrant to add.
 *
 * @public
 */
export function k8sGatewayCertificateRefFindings(
  model: Pick<GatewayApiModel, 'referenceGrants'>,
  gateway: K8sGateway,
): RuleFinding[] {
  const from: ReferenceFrom = {
    group: GATEWAY_API_GROUP,
    kind: 'Gateway',
    namespace: gateway.namespace,
  };
  const findings: RuleFinding[] = [];
  for (const l of gateway.listeners) {
    const https = l.protocol.toUpperCase() === 'HTTPS';
    if (
      (https && !l.tls) ||
      (l.tls && listenerTerminatesTls(l) && l.tls.certificateRefs.length === 0)
    ) {
      findings.push({
        id: 'gateway-listener-no-certificate',
        severity: 'error',
        object: gatewayObject(gateway),
        message: `listener '${l.name}' of Gateway ${gateway.ref} terminates TLS without certificateRefs (InvalidCertificateRef)`,
        fix: 'Add a certificateRef to a kubernetes.io/tls Secret',
      });
    }
    for (const ref of l.tls?.certificateRefs ?? []) {
      if (!referenceGrantAllows(model.referenceGrants, from, ref)) {
        findings.push({
          id: 'certificate-ref-not-permitted',
          severity: 'error',
          object: gatewayObject(gateway),
          message: `listener '${l.name}' of Gateway ${gateway.ref} uses ${ref.kind} ${ref.namespace}/${ref.name} from another namespace, and no ReferenceGrant in '${ref.namespace}' lets Gateways of '${gateway.namespace}' reference it (ResolvedRefs=False, RefNotPermitted)`,
          fix: referenceGrantFix(from, ref),
        });
      }
    }
  }
  return findings;
}

/**
 * Every rule about one Gateway API Gateway over a model of its cluster:
 * listener conflicts, certificate references (with ReferenceGrants), and —
 * before writing — that each listener's certificate covers its hostname.
 *
 * @public
 */
export function k8sGatewayFindings(
  model: GatewayApiModel,
  gateway: K8sGateway,
  options: { purpose: 'preflight' | 'status' },
): RuleFinding[] {
  const findings = [
    ...k8sGatewayListenerFindings(gateway),
    ...k8sGatewayCertificateRefFindings(model, gateway),
  ];
  if (options.purpose === 'preflight') {
    for (const l of gateway.listeners) {
      findings.push(
        ...listenerCertificateFindings(
          model,
          gateway,
          l,
          l.hostname ? [l.hostname] : [],
        ),
      );
    }
  }
  return dedupe(findings);
}
