import { destinationFqdn } from '../mesh/hosts';
import { IstioApiVersions, Manifest, meshdeckLabels } from './types';

/** @public */
export type RouteDestination = {
  /** Service short name (expanded to its FQDN) or a fully qualified host. */
  host: string;
  port?: number;
  subset?: string;
  weight?: number;
};

/** @public */
export type HttpRouteSpec = {
  pathPrefix?: string;
  destinations: RouteDestination[];
  /** Istio duration, e.g. `5s`. */
  timeout?: string;
  retries?: { attempts: number; perTryTimeout?: string; retryOn?: string };
};

/** @public */
export type VirtualServiceSpec = {
  name: string;
  namespace: string;
  hosts: string[];
  /** `<namespace>/<name>` of each Gateway. */
  gateways: string[];
  routes: HttpRouteSpec[];
  kubernetesId?: string;
};

/**
 * A VirtualService binding hosts on gateways to HTTP routes.
 *
 * @public
 */
export function buildVirtualService(
  spec: VirtualServiceSpec,
  versions: IstioApiVersions,
): Manifest {
  return {
    apiVersion: `networking.istio.io/${versions.networking}`,
    kind: 'VirtualService',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: meshdeckLabels(spec.kubernetesId),
    },
    spec: {
      hosts: spec.hosts,
      gateways: spec.gateways,
      http: spec.routes.map(route => ({
        ...(route.pathPrefix && {
          match: [{ uri: { prefix: route.pathPrefix } }],
        }),
        route: route.destinations.map(d => ({
          destination: {
            host: destinationFqdn(d.host, spec.namespace),
            ...(d.port && { port: { number: d.port } }),
            ...(d.subset && { subset: d.subset }),
          },
          ...(d.weight !== undefined && { weight: d.weight }),
        })),
        ...(route.timeout && { timeout: route.timeout }),
        ...(route.retries && { retries: route.retries }),
      })),
    },
  };
}
