import {
  GATEWAY_API_GROUP,
  ISTIO_GATEWAY_CLASS,
} from '../mesh/gatewayApi/model';
import { Manifest, meshdeckLabels } from './types';

/** Which namespaces' routes a listener takes. @public */
export type ListenerAllowedRoutesSpec =
  | { from: 'Same' | 'All' }
  | {
      from: 'Selector';
      /** `matchLabels` of the namespaces whose routes it takes. */
      selector: Record<string, string>;
    };

/** One listener of a Gateway API Gateway. @public */
export type K8sGatewayListenerSpec = {
  name: string;
  /** None: every hostname. */
  hostname?: string;
  port: number;
  protocol: 'HTTPS' | 'HTTP';
  /** HTTPS: the kubernetes.io/tls Secrets (namespace defaults to the Gateway's). */
  certificateRefs?: Array<{ name: string; namespace?: string }>;
  /** Default: routes of the Gateway's own namespace only. */
  allowedRoutes?: ListenerAllowedRoutesSpec;
};

/** @public */
export type K8sGatewaySpec = {
  name: string;
  namespace: string;
  /** Default `istio`: istiod deploys `<name>-istio` for it. */
  gatewayClassName?: string;
  listeners: K8sGatewayListenerSpec[];
  kubernetesId?: string;
};

/**
 * A Gateway API Gateway (`gateway.networking.k8s.io`, class `istio`); HTTPS
 * listeners terminate TLS with their certificateRefs.
 *
 * @public
 */
export function buildK8sGateway(
  spec: K8sGatewaySpec,
  apiVersion = 'v1',
): Manifest {
  return {
    apiVersion: `${GATEWAY_API_GROUP}/${apiVersion}`,
    kind: 'Gateway',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: meshdeckLabels(spec.kubernetesId),
    },
    spec: {
      gatewayClassName: spec.gatewayClassName ?? ISTIO_GATEWAY_CLASS,
      listeners: spec.listeners.map(l => {
        const allowed = l.allowedRoutes ?? { from: 'Same' };
        return {
          name: l.name,
          ...(l.hostname && { hostname: l.hostname }),
          port: l.port,
          protocol: l.protocol,
          ...(l.protocol === 'HTTPS' && {
            tls: {
              mode: 'Terminate',
              // no group: the core group (an empty string is the same, but
              // some API servers cannot store empty strings in CRDs)
              certificateRefs: (l.certificateRefs ?? []).map(c => ({
                kind: 'Secret',
                name: c.name,
                ...(c.namespace &&
                  c.namespace !== spec.namespace && {
                    namespace: c.namespace,
                  }),
              })),
            },
          }),
          allowedRoutes: {
            namespaces: {
              from: allowed.from,
              ...(allowed.from === 'Selector' && {
                selector: { matchLabels: allowed.selector },
              }),
            },
          },
        };
      }),
    },
  };
}
