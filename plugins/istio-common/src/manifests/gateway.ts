import { IstioApiVersions, Manifest, meshdeckLabels } from './types';

/** @public */
export type GatewayTls =
  | { mode: 'credential'; credentialName: string }
  | {
      /** Older set-ups: certificate files mounted into the gateway pod. */
      mode: 'files';
      serverCertificate: string;
      privateKey: string;
    };

/** @public */
export type GatewaySpec = {
  name: string;
  namespace: string;
  selector: Record<string, string>;
  hosts: string[];
  tls: GatewayTls;
  /** Adds a port-80 server that redirects to HTTPS. */
  httpsRedirect: boolean;
  kubernetesId?: string;
};

/**
 * An HTTPS Gateway (port 443, TLS mode SIMPLE), optionally with a port-80
 * server that redirects to HTTPS.
 *
 * @public
 */
export function buildGateway(
  spec: GatewaySpec,
  versions: IstioApiVersions,
): Manifest {
  const tls =
    spec.tls.mode === 'credential'
      ? { mode: 'SIMPLE', credentialName: spec.tls.credentialName }
      : {
          mode: 'SIMPLE',
          serverCertificate: spec.tls.serverCertificate,
          privateKey: spec.tls.privateKey,
        };
  const servers: Record<string, unknown>[] = [
    {
      port: { number: 443, name: 'https', protocol: 'HTTPS' },
      hosts: spec.hosts,
      tls,
    },
  ];
  if (spec.httpsRedirect) {
    servers.push({
      port: { number: 80, name: 'http', protocol: 'HTTP' },
      hosts: spec.hosts,
      tls: { httpsRedirect: true },
    });
  }
  return {
    apiVersion: `networking.istio.io/${versions.networking}`,
    kind: 'Gateway',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: meshdeckLabels(spec.kubernetesId),
    },
    spec: { selector: spec.selector, servers },
  };
}
