import type { MeshCredential, RawObject } from '../../model';
import { parseService } from '../../parse';
import { emptyGatewayApiModel, GatewayApiModel } from '../model';
import { parseHttpRoute, parseK8sGateway, parseReferenceGrant } from '../parse';

/**
 * Builders of Gateway API objects shaped as the API server returns them
 * (server-set metadata, defaults as stored), parsed through the real parsers.
 * Test-only.
 */

let uid = 0;
const serverMetadata = (
  namespace: string,
  name: string,
  createdAt = '2025-01-15T09:30:00Z',
  labels?: Record<string, string>,
) => {
  uid += 1;
  return {
    name,
    namespace,
    uid: `7d1f3a2b-4c5e-4f60-8a9b-${String(uid).padStart(12, '0')}`,
    resourceVersion: String(200000 + uid),
    generation: 1,
    creationTimestamp: createdAt,
    ...(labels && { labels }),
  };
};

/** A raw listener (as stored: allowedRoutes and tls.mode defaulted). */
export function rawListener(
  name: string,
  options: {
    hostname?: string;
    port?: number;
    protocol?: string;
    certificates?: Array<string | { name: string; namespace: string }>;
    allowedRoutes?: Record<string, unknown>;
  } = {},
) {
  const protocol = options.protocol ?? 'HTTPS';
  return {
    name,
    port: options.port ?? (protocol === 'HTTP' ? 80 : 443),
    protocol,
    ...(options.hostname && { hostname: options.hostname }),
    ...(protocol === 'HTTPS' && {
      tls: {
        mode: 'Terminate',
        certificateRefs: (options.certificates ?? ['gateway-cert']).map(c =>
          typeof c === 'string'
            ? { kind: 'Secret', name: c }
            : { kind: 'Secret', ...c },
        ),
      },
    }),
    allowedRoutes: options.allowedRoutes ?? {
      namespaces: { from: 'Same' },
    },
  };
}

/** `allowedRoutes` taking routes from every namespace. */
export const fromAll = { namespaces: { from: 'All' } };

export function rawK8sGateway(
  namespace: string,
  name: string,
  listeners: unknown[],
  options: { labels?: Record<string, string>; createdAt?: string } = {},
): RawObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: serverMetadata(
      namespace,
      name,
      options.createdAt,
      options.labels,
    ),
    spec: { gatewayClassName: 'istio', listeners },
    status: {
      conditions: [
        {
          type: 'Accepted',
          status: 'Unknown',
          reason: 'Pending',
          message: 'Waiting for controller',
          lastTransitionTime: '1970-01-01T00:00:00Z',
        },
      ],
    },
  };
}

export const k8sGateway = (...args: Parameters<typeof rawK8sGateway>) =>
  parseK8sGateway(rawK8sGateway(...args));

/** A raw backendRef (no group: the core group, as stored by the testbed). */
export const backend = (
  name: string,
  port?: number,
  extra: Record<string, unknown> = {},
) => ({ kind: 'Service', name, ...(port !== undefined && { port }), ...extra });

export function rawHttpRoute(
  namespace: string,
  name: string,
  spec: {
    hostnames?: string[];
    parentRefs: Array<Record<string, unknown>>;
    rules?: Array<Record<string, unknown>>;
  },
  options: { createdAt?: string; labels?: Record<string, string> } = {},
): RawObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: serverMetadata(
      namespace,
      name,
      options.createdAt,
      options.labels,
    ),
    spec: {
      ...(spec.hostnames && { hostnames: spec.hostnames }),
      parentRefs: spec.parentRefs.map(p => ({
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        ...p,
      })),
      rules: spec.rules ?? [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [backend(name, 80, { weight: 1 })],
        },
      ],
    },
  };
}

export const httpRoute = (...args: Parameters<typeof rawHttpRoute>) =>
  parseHttpRoute(rawHttpRoute(...args));

export const referenceGrant = (
  namespace: string,
  name: string,
  from: Array<{ group: string; kind: string; namespace: string }>,
  to: Array<{ group: string; kind: string; name?: string }>,
  labels?: Record<string, string>,
) =>
  parseReferenceGrant({
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: serverMetadata(namespace, name, undefined, labels),
    spec: { from, to },
  });

export const service = (namespace: string, name: string, ports: number[]) =>
  parseService({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: serverMetadata(namespace, name),
    spec: {
      selector: { app: name },
      ports: ports.map(port => ({ name: `http-${port}`, port })),
    },
  });

/** A readable certificate Secret's public facts. */
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
    notAfter:
      daysLeft < 0 ? '2025-01-01T00:00:00.000Z' : '2026-03-01T00:00:00.000Z',
    serial: '0a1b',
  },
});

export function gatewayApiModel(
  partial: Partial<GatewayApiModel> = {},
): GatewayApiModel {
  return { ...emptyGatewayApiModel(), ...partial };
}
