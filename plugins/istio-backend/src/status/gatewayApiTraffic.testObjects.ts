import type { KubernetesObject } from '@meshdeck/plugin-istio-node';

/**
 * Gateway API objects shaped as the API server returns them (no `group` on
 * core references, defaults as stored), with the status a controller would
 * write. Test-only.
 */

type Json = Record<string, unknown>;

/** A status condition as a controller writes it. */
export const condition = (
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message = '',
) => ({
  type,
  status,
  reason,
  message,
  observedGeneration: 1,
  lastTransitionTime: '2026-01-10T08:00:00Z',
});

/** The conditions Istio writes on a healthy Gateway. */
export const gatewayOk = [
  condition('Accepted', 'True', 'Accepted', 'Resource accepted'),
  condition('Programmed', 'True', 'Programmed', 'Resource programmed'),
];

/** The conditions Istio writes on a healthy listener. */
export const listenerOk = [
  condition('Accepted', 'True', 'Accepted'),
  condition('ResolvedRefs', 'True', 'ResolvedRefs'),
  condition('Programmed', 'True', 'Programmed'),
];

/** The conditions Istio writes for a route accepted on a parent. */
export const routeOk = [
  condition('Accepted', 'True', 'Accepted', 'Route was valid'),
  condition('ResolvedRefs', 'True', 'ResolvedRefs', 'All references resolved'),
];

/** An HTTPS listener terminating TLS with certificates in the Gateway's namespace. */
export function httpsListener(
  name: string,
  hostname: string | undefined,
  secrets: Array<string | { namespace: string; name: string }>,
  allowedFrom: 'Same' | 'All' | Json = 'All',
): Json {
  return {
    name,
    port: 443,
    protocol: 'HTTPS',
    ...(hostname && { hostname }),
    tls: {
      mode: 'Terminate',
      certificateRefs: secrets.map(s =>
        typeof s === 'string'
          ? { kind: 'Secret', name: s }
          : { kind: 'Secret', ...s },
      ),
    },
    allowedRoutes: {
      namespaces:
        typeof allowedFrom === 'string' ? { from: allowedFrom } : allowedFrom,
    },
  };
}

/** A plain HTTP listener. */
export function httpListener(name: string, hostname?: string): Json {
  return {
    name,
    port: 80,
    protocol: 'HTTP',
    ...(hostname && { hostname }),
    allowedRoutes: { namespaces: { from: 'All' } },
  };
}

export function rawGateway(
  namespace: string,
  name: string,
  listeners: Json[],
  options: {
    className?: string;
    conditions?: unknown[];
    /** Per listener name: its status conditions and attached routes. */
    listeners?: Record<
      string,
      { conditions: unknown[]; attachedRoutes: number }
    >;
  } = {},
): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name,
      namespace,
      generation: 1,
      creationTimestamp: '2026-01-10T08:00:00Z',
    },
    spec: { gatewayClassName: options.className ?? 'istio', listeners },
    status: {
      conditions: options.conditions ?? gatewayOk,
      ...(options.listeners && {
        listeners: Object.entries(options.listeners).map(([n, s]) => ({
          name: n,
          supportedKinds: [
            { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
          ],
          ...s,
        })),
      }),
    },
  };
}

/** A backendRef to a Service (no group: the core group, as stored). */
export const backend = (
  name: string,
  port: number,
  weight?: number,
  namespace?: string,
) => ({
  kind: 'Service',
  name,
  port,
  ...(namespace && { namespace }),
  ...(weight !== undefined && { weight }),
});

/** A parentRef to a Gateway API Gateway. */
export const parent = (
  namespace: string,
  name: string,
  sectionName?: string,
) => ({
  group: 'gateway.networking.k8s.io',
  kind: 'Gateway',
  namespace,
  name,
  ...(sectionName && { sectionName }),
});

export function rawRoute(
  namespace: string,
  name: string,
  spec: {
    hostnames?: string[];
    parentRefs: Json[];
    rules: Json[];
  },
  /** `status.parents`: per parentRef (by index), the conditions reported. */
  reported: unknown[][] = spec.parentRefs.map(() => routeOk),
  createdAt = '2026-01-10T08:00:00Z',
): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name,
      namespace,
      generation: 1,
      creationTimestamp: createdAt,
    },
    spec,
    status: {
      parents: reported.flatMap((conditions, i) =>
        spec.parentRefs[i]
          ? [
              {
                parentRef: spec.parentRefs[i],
                controllerName: 'istio.io/gateway-controller',
                conditions,
              },
            ]
          : [],
      ),
    },
  };
}

/** A ReferenceGrant letting HTTPRoutes of `from` reference Services in `namespace`. */
export function rawServiceGrant(
  namespace: string,
  from: string,
): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: `from-${from}`, namespace },
    spec: {
      from: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'HTTPRoute',
          namespace: from,
        },
      ],
      to: [{ group: '', kind: 'Service' }],
    },
  };
}
