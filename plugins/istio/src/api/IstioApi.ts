import { createApiRef } from '@backstage/core-plugin-api';
import { ClusterListResponse } from '@meshdeck/plugin-istio-common';

/**
 * Client for Meshdeck's backend (`/api/istio`).
 *
 * @public
 */
export interface IstioApi {
  /** The clusters the backend can reach, without credentials. */
  getClusters(): Promise<ClusterListResponse>;
}

/** @public */
export const istioApiRef = createApiRef<IstioApi>({ id: 'plugin.istio' });
