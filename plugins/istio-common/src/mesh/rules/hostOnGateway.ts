import { gatewayAccepts, hostsOverlap } from '../hosts';
import { certificateCoverage } from './certificates';
import {
  MeshGateway,
  MeshGatewayServer,
  MeshModel,
  RuleFinding,
} from '../model';

/**
 * Rules about one host on one gateway — the question the scaffolder's host
 * field asks while the user types, and the one every route action asks
 * before it writes. Both call {@link hostOnGatewayFindings}, so they cannot
 * disagree.
 */

/** A host a route wants on a gateway. @public */
export type HostOnGateway = {
  host: string;
  /** `namespace/name` of the Gateway. */
  gateway: string;
  /** The namespace of the route that will claim the host. */
  namespace?: string;
  /** The route's own name: re-applying the same route is no conflict. */
  name?: string;
};

const objectOf = (ref: string, kind: string) => {
  const [ns, name] = ref.split('/');
  return `${ns}/${kind}/${name}`;
};

function terminatesTls(server: MeshGatewayServer): boolean {
  return (
    !!server.tls &&
    server.tls.mode !== 'PASSTHROUGH' &&
    !server.tls.httpsRedirect
  );
}

/**
 * The server of a gateway that answers a host for routes of a namespace (a
 * `ns/host` binds only routes of `ns`, so without a namespace only hosts open to
 * every namespace count): an exact host before a wildcard,
 * TLS-terminating servers first.
 */
function serverFor(
  gateway: MeshGateway,
  host: string,
  routeNamespace?: string,
): MeshGatewayServer | undefined {
  const serving = gateway.servers.filter(s =>
    s.bindings.some(
      b =>
        (b.namespace === '*' || b.namespace === routeNamespace) &&
        gatewayAccepts(b.host, host),
    ),
  );
  const rank = (s: MeshGatewayServer) =>
    (terminatesTls(s) ? 0 : 2) +
    (s.hosts.some(h => h.toLowerCase() === host.toLowerCase()) ? 0 : 1);
  return serving.sort((a, b) => rank(a) - rank(b))[0];
}

/** IST0132: the gateway serves the host (IST0101 when there is no gateway). @public */
export function hostServedFindings(
  model: MeshModel,
  query: HostOnGateway,
): RuleFinding[] {
  const gateway = model.gateways.find(g => g.ref === query.gateway);
  const object = objectOf(query.gateway, 'Gateway');
  if (!gateway) {
    return [
      {
        id: 'gateway-not-found',
        severity: 'error',
        code: 'IST0101',
        object,
        message: `Gateway ${query.gateway} does not exist`,
        missingReference: true,
      },
    ];
  }
  const server = serverFor(gateway, query.host, query.namespace);
  if (!server) {
    const served = [...new Set(gateway.servers.flatMap(s => s.hosts))];
    return [
      {
        id: 'host-not-served',
        severity: 'error',
        code: 'IST0132',
        object,
        message: `host ${query.host} is not served by Gateway ${
          query.gateway
        } (it serves ${served.join(', ') || 'no hosts'})`,
        fix: `Choose a host the gateway serves, or ask the platform team to add ${query.host} to ${query.gateway}`,
      },
    ];
  }
  if (!terminatesTls(server)) {
    return [
      {
        id: 'host-served-without-tls',
        severity: 'warning',
        object,
        message: `Gateway ${query.gateway} serves ${query.host} on port ${server.port} without terminating TLS`,
      },
    ];
  }
  return [];
}

/**
 * IST0161: the certificate of the gateway server answering the host covers it
 * (TLS name matching: a wildcard covers one label) and has not expired.
 * Says nothing when the gateway does not terminate TLS for the host or its
 * credential was not read.
 *
 * @public
 */
export function hostCertificateFindings(
  model: MeshModel,
  query: HostOnGateway,
): RuleFinding[] {
  const gateway = model.gateways.find(g => g.ref === query.gateway);
  const server = gateway && serverFor(gateway, query.host, query.namespace);
  const credentialName =
    server && terminatesTls(server) && server.tls?.credentialName;
  if (!gateway || !credentialName) {
    return [];
  }
  const credential = model.credentials.find(
    c => c.namespace === gateway.namespace && c.name === credentialName,
  );
  if (!credential) {
    return [];
  }
  const secret = `${gateway.namespace}/${credentialName}`;
  const object = `${gateway.namespace}/Secret/${credentialName}`;
  if (!credential.exists) {
    return [
      {
        id: 'gateway-credential-missing',
        severity: 'error',
        code: 'IST0101',
        object,
        message: `the gateway's certificate secret ${secret} does not exist`,
        fix: `kubectl create secret tls ${credentialName} -n ${gateway.namespace} --cert=tls.crt --key=tls.key`,
        missingReference: true,
      },
    ];
  }
  const cert = credential.certificate;
  if (!cert) {
    return [
      {
        id: 'gateway-credential-unusable',
        severity: 'error',
        code: 'IST0161',
        object,
        message: `the gateway's certificate secret ${secret} is unusable: ${
          credential.problem ?? 'no certificate'
        }`,
      },
    ];
  }
  const coverage = certificateCoverage(cert, query.host, credential);
  if (!coverage.ok) {
    return coverage.findings;
  }
  return [
    {
      id: 'certificate-covers-host',
      severity: 'info',
      object,
      message: coverage.note ?? `covered by the certificate in ${secret}`,
    },
  ];
}

/**
 * IST0109: another VirtualService already routes an overlapping host on the
 * same gateway. The route itself (same namespace and name) is no conflict.
 *
 * @public
 */
export function hostClaimFindings(
  model: MeshModel,
  query: HostOnGateway,
): RuleFinding[] {
  return model.virtualServices
    .filter(
      vs =>
        !(vs.namespace === query.namespace && vs.name === query.name) &&
        vs.gateways.includes(query.gateway) &&
        vs.hosts.some(h => hostsOverlap(h, query.host)),
    )
    .map(vs => ({
      id: 'host-claimed',
      severity: 'error' as const,
      code: 'IST0109',
      object: `${vs.namespace}/VirtualService/${vs.name}`,
      message: `host ${query.host} on Gateway ${
        query.gateway
      } is already claimed by VirtualService ${vs.ref}${
        vs.namespace !== query.namespace
          ? ` in namespace '${vs.namespace}'`
          : ''
      }`,
      fix: `Ask the owners of ${vs.ref}, or choose another host`,
    }));
}

/**
 * Everything about a host on a gateway: served (IST0132), certificate
 * (IST0161), not claimed by another route (IST0109).
 *
 * @public
 */
export function hostOnGatewayFindings(
  model: MeshModel,
  query: HostOnGateway,
): RuleFinding[] {
  const served = hostServedFindings(model, query);
  if (served.some(f => f.severity === 'error')) {
    return [...served, ...hostClaimFindings(model, query)];
  }
  return [
    ...served,
    ...hostCertificateFindings(model, query),
    ...hostClaimFindings(model, query),
  ];
}
