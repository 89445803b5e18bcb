import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterListResponse,
  clusterListResponseSchema,
} from '@meshdeck/plugin-istio-common';
import { IstioApi } from './IstioApi';

/**
 * {@link IstioApi} over the Backstage fetch and discovery APIs, so requests
 * carry the user's Backstage token.
 *
 * @public
 */
export class IstioClient implements IstioApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getClusters(): Promise<ClusterListResponse> {
    return clusterListResponseSchema.parse(await this.get('/v1/clusters'));
  }

  private async get(path: string): Promise<unknown> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('istio');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
