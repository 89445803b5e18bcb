import { GATEWAY_API_GROUP } from '../mesh/gatewayApi/model';
import { Manifest, meshdeckLabels } from './types';

/** One parent of an HTTPRoute: a Gateway API Gateway (and optionally one listener). @public */
export type HttpRouteParentSpec = {
  name: string;
  /** Defaults to the route's namespace. */
  namespace?: string;
  /** The listener's name. */
  sectionName?: string;
  port?: number;
};

/** One backend of an HTTPRoute rule: a Service and its port. @public */
export type HttpRouteBackendSpec = {
  name: string;
  /** Defaults to the route's namespace. */
  namespace?: string;
  port: number;
  /** Proportional weight (the API's default is 1). */
  weight?: number;
};

/** One match of an HTTPRoute rule. @public */
export type HttpRouteMatchSpec = {
  path?: { type: 'PathPrefix' | 'Exact'; value: string };
  method?: string;
};

/** One rule of an HTTPRoute. @public */
export type HttpRouteRuleSpec = {
  /** None: every request (`PathPrefix /`). */
  matches?: HttpRouteMatchSpec[];
  backendRefs: HttpRouteBackendSpec[];
  /** Gateway API durations, e.g. `10s`, `1m30s`. */
  timeouts?: { request?: string; backendRequest?: string };
};

/** @public */
export type GatewayApiHttpRouteSpec = {
  name: string;
  namespace: string;
  hostnames: string[];
  parentRefs: HttpRouteParentSpec[];
  rules: HttpRouteRuleSpec[];
  kubernetesId?: string;
};

/**
 * A Gateway API HTTPRoute (`gateway.networking.k8s.io`). References are
 * written with kind and namespace, parentRefs with their group; a backendRef
 * without a group names the core group (a Service).
 *
 * @public
 */
export function buildHttpRoute(
  spec: GatewayApiHttpRouteSpec,
  apiVersion = 'v1',
): Manifest {
  return {
    apiVersion: `${GATEWAY_API_GROUP}/${apiVersion}`,
    kind: 'HTTPRoute',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: meshdeckLabels(spec.kubernetesId),
    },
    spec: {
      parentRefs: spec.parentRefs.map(p => ({
        group: GATEWAY_API_GROUP,
        kind: 'Gateway',
        namespace: p.namespace ?? spec.namespace,
        name: p.name,
        ...(p.sectionName && { sectionName: p.sectionName }),
        ...(p.port !== undefined && { port: p.port }),
      })),
      hostnames: spec.hostnames,
      rules: spec.rules.map(rule => ({
        ...(rule.matches?.length && {
          matches: rule.matches.map(m => ({
            path: m.path ?? { type: 'PathPrefix', value: '/' },
            ...(m.method && { method: m.method }),
          })),
        }),
        // no group: the core group
        backendRefs: rule.backendRefs.map(b => ({
          kind: 'Service',
          name: b.name,
          namespace: b.namespace ?? spec.namespace,
          port: b.port,
          ...(b.weight !== undefined && { weight: b.weight }),
        })),
        ...(rule.timeouts &&
          (rule.timeouts.request || rule.timeouts.backendRequest) && {
            timeouts: {
              ...(rule.timeouts.request && { request: rule.timeouts.request }),
              ...(rule.timeouts.backendRequest && {
                backendRequest: rule.timeouts.backendRequest,
              }),
            },
          }),
      })),
    },
  };
}
