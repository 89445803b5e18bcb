import {
  MeshControlPlane,
  MeshCredential,
  MeshModel,
  RawObject,
  emptyMeshModel,
} from '../../model';
import {
  parseDestinationRule,
  parseGateway,
  parseService,
  parseVirtualService,
} from '../../parse';

/**
 * Builders of raw Kubernetes objects shaped as the API server returns them
 * (server-set metadata included), parsed through the real parsers into the
 * mesh model. Test-only.
 */

let uid = 0;
const serverMetadata = (namespace: string, name: string) => {
  uid += 1;
  return {
    name,
    namespace,
    uid: `0b6c7a1e-4f2d-4c1b-9a3e-${String(uid).padStart(12, '0')}`,
    resourceVersion: String(100000 + uid),
    generation: 1,
    creationTimestamp: '2025-01-15T09:30:00Z',
  };
};

/** One `spec.servers[]` entry of an Istio Gateway. */
export type RawGatewayServer = {
  port: { number: number | string; name?: string; protocol?: string };
  hosts: string[];
  name?: string;
  tls?: Record<string, unknown>;
};

/** An HTTPS server terminating TLS with a credential secret. */
export const httpsServer = (
  hosts: string[],
  credentialName: string,
  port = 443,
): RawGatewayServer => ({
  port: { number: port, name: `https-${port}`, protocol: 'HTTPS' },
  hosts,
  tls: { mode: 'SIMPLE', credentialName },
});

/** A plain HTTP server (optionally redirecting to HTTPS). */
export const httpServer = (
  hosts: string[],
  httpsRedirect = false,
  port = 80,
): RawGatewayServer => ({
  port: { number: port, name: `http-${port}`, protocol: 'HTTP' },
  hosts,
  ...(httpsRedirect && { tls: { httpsRedirect: true } }),
});

/** A TLS passthrough server (SNI routing, no termination). */
export const passthroughServer = (
  hosts: string[],
  port = 443,
): RawGatewayServer => ({
  port: { number: port, name: `tls-${port}`, protocol: 'TLS' },
  hosts,
  tls: { mode: 'PASSTHROUGH' },
});

export function rawGateway(
  namespace: string,
  name: string,
  servers: RawGatewayServer[],
  options: {
    selector?: Record<string, string>;
    labels?: Record<string, string>;
  } = {},
): RawObject {
  const raw = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: {
      ...serverMetadata(namespace, name),
      ...(options.labels && { labels: options.labels }),
    },
    spec: {
      selector: options.selector ?? { istio: 'ingressgateway' },
      servers,
    },
  };
  return raw;
}

/** One `spec.http[].route[]` entry of a VirtualService. */
export type RawRouteDestination = {
  host: string;
  port?: number;
  subset?: string;
  weight?: number;
};

/** One `spec.http[]` entry: a match (prefix, exact or none) and destinations. */
export type RawHttpRoute = {
  prefix?: string;
  exact?: string;
  headers?: Record<string, Record<string, string>>;
  to: RawRouteDestination[];
};

export function rawVirtualService(
  namespace: string,
  name: string,
  spec: {
    hosts: string[];
    gateways?: string[];
    http?: RawHttpRoute[];
  },
  labels?: Record<string, string>,
): RawObject {
  const raw = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      ...serverMetadata(namespace, name),
      ...(labels && { labels }),
    },
    spec: {
      hosts: spec.hosts,
      ...(spec.gateways && { gateways: spec.gateways }),
      http: (spec.http ?? []).map(route => {
        let uri: Record<string, string> | undefined;
        if (route.prefix !== undefined) {
          uri = { prefix: route.prefix };
        } else if (route.exact !== undefined) {
          uri = { exact: route.exact };
        }
        const conditions = {
          ...(uri && { uri }),
          ...(route.headers && { headers: route.headers }),
        };
        return {
          ...(Object.keys(conditions).length > 0 && { match: [conditions] }),
          route: route.to.map(d => ({
            destination: {
              host: d.host,
              ...(d.port !== undefined && { port: { number: d.port } }),
              ...(d.subset !== undefined && { subset: d.subset }),
            },
            ...(d.weight !== undefined && { weight: d.weight }),
          })),
        };
      }),
    },
  };
  return raw;
}

export function rawDestinationRule(
  namespace: string,
  name: string,
  host: string,
  subsets: Record<string, Record<string, string>>,
): RawObject {
  const raw = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: serverMetadata(namespace, name),
    spec: {
      host,
      subsets: Object.entries(subsets).map(([subset, labels]) => ({
        name: subset,
        labels,
      })),
    },
  };
  return raw;
}

export function rawService(
  namespace: string,
  name: string,
  ports: number[],
  selector: Record<string, string> = { app: name },
): RawObject {
  const raw = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...serverMetadata(namespace, name),
      labels: { app: name, service: name },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.12.34',
      clusterIPs: ['10.96.12.34'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      ports: ports.map(port => ({
        name: `http-${port}`,
        port,
        protocol: 'TCP',
        targetPort: port,
      })),
      selector,
    },
    status: { loadBalancer: {} },
  };
  return raw;
}

/** Parsed shorthands. */
export const gateway = (...args: Parameters<typeof rawGateway>) =>
  parseGateway(rawGateway(...args));
export const virtualService = (...args: Parameters<typeof rawVirtualService>) =>
  parseVirtualService(rawVirtualService(...args));
export const destinationRule = (
  ...args: Parameters<typeof rawDestinationRule>
) => parseDestinationRule(rawDestinationRule(...args));
export const service = (...args: Parameters<typeof rawService>) =>
  parseService(rawService(...args));

/** The public facts of a TLS secret holding a certificate. */
export const credential = (
  namespace: string,
  name: string,
  sans: string[],
  daysLeft = 60,
): MeshCredential => ({
  namespace,
  name,
  exists: true,
  certificate: {
    sans,
    daysLeft,
    notAfter: '2026-03-16T12:00:00.000Z',
    serial: '4a:3f:9c:01',
  },
});

export const controlPlane = (
  namespace = 'istio-system',
  revision = 'default',
): MeshControlPlane => ({ namespace, revision, version: '1.27.1' });

/** A model: the empty model with the given parts. */
export function meshModel(parts: Partial<MeshModel> = {}): MeshModel {
  return { ...emptyMeshModel(), ...parts };
}
