import { createApiRef } from '@backstage/core-plugin-api';
import {
  ClusterListResponse,
  HostCheck,
  MeshOverview,
  MeshStatus,
  RouteApi,
  TemplateGateway,
  TemplateRouteApi,
} from '@meshdeck/plugin-istio-common';

/**
 * Which ExternalSecret to re-sync, through the entity it serves.
 *
 * @public
 */
export type CertificateRefreshRequest = {
  entityRef: string;
  cluster: string;
  namespace: string;
  externalSecret: string;
};

/**
 * A host a template's route wants on a gateway.
 *
 * @public
 */
export type HostCheckRequest = {
  cluster: string;
  /** `namespace/name` */
  gateway: string;
  host: string;
  /** The route's namespace (required for the Gateway API). */
  namespace?: string;
  /** The route's own name: re-applying it is no conflict. */
  name?: string;
  /** Istio's Gateway and VirtualService (default) or the Gateway API. */
  api?: RouteApi;
};

/**
 * Client for Meshdeck's backend (`/api/istio`).
 *
 * @public
 */
export interface IstioApi {
  /** The clusters the backend can reach, without credentials. */
  getClusters(): Promise<ClusterListResponse>;
  /** The mesh status of a catalog entity, per cluster it maps to. */
  getStatus(entityRef: string): Promise<MeshStatus>;
  /**
   * The mesh overview of every configured cluster: gateway certificates,
   * public hosts, data plane and findings across all entities. Needs the
   * `istio.mesh.read` permission (a `ResponseError` with status 403
   * otherwise).
   */
  getOverview(): Promise<MeshOverview>;
  /**
   * Asks external-secrets to re-sync a gateway certificate now; resolves to
   * the `force-sync` value set.
   */
  refreshCertificate(
    request: CertificateRefreshRequest,
  ): Promise<{ forceSync: string }>;
  /**
   * Which route API a template's form starts with for a cluster
   * (`istio.scaffolder.routeApi`), and which the cluster serves.
   */
  getTemplateRouteApi(cluster: string): Promise<TemplateRouteApi>;
  /** Namespaces templates may write to in a cluster. */
  getTemplateNamespaces(cluster: string): Promise<string[]>;
  /**
   * Gateways templates may bind routes to in a cluster: Istio Gateways, or
   * Gateway API Gateways with `api: 'gateway-api'`.
   */
  getTemplateGateways(
    cluster: string,
    api?: RouteApi,
  ): Promise<TemplateGateway[]>;
  /**
   * Whether a host can go on a gateway, checked against the live cluster
   * with the rules of the route action of `api` (default `istio`).
   */
  checkHost(request: HostCheckRequest): Promise<HostCheck>;
}

/** @public */
export const istioApiRef = createApiRef<IstioApi>({ id: 'plugin.istio' });
