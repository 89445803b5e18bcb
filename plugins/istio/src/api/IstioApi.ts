import { createApiRef } from '@backstage/core-plugin-api';
import {
  ClusterListResponse,
  HostCheck,
  MeshStatus,
  TemplateGateway,
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
   * Asks external-secrets to re-sync a gateway certificate now; resolves to
   * the `force-sync` value set.
   */
  refreshCertificate(
    request: CertificateRefreshRequest,
  ): Promise<{ forceSync: string }>;
  /** Namespaces templates may write to in a cluster. */
  getTemplateNamespaces(cluster: string): Promise<string[]>;
  /** Gateways templates may bind routes to in a cluster. */
  getTemplateGateways(cluster: string): Promise<TemplateGateway[]>;
  /** Whether a host can go on a gateway, checked against the live cluster. */
  checkHost(request: {
    cluster: string;
    gateway: string;
    host: string;
    namespace?: string;
    /** The route's own name: re-applying it is no conflict. */
    name?: string;
  }): Promise<HostCheck>;
}

/** @public */
export const istioApiRef = createApiRef<IstioApi>({ id: 'plugin.istio' });
