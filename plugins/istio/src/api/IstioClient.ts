import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterListResponse,
  clusterListResponseSchema,
  HostCheck,
  hostCheckSchema,
  MeshOverview,
  meshOverviewSchema,
  MeshStatus,
  meshStatusSchema,
  RouteApi,
  TemplateGateway,
  templateGatewaysResponseSchema,
  templateNamespacesResponseSchema,
  TemplateRouteApi,
  templateRouteApiResponseSchema,
} from '@meshdeck/plugin-istio-common';
import {
  CertificateRefreshRequest,
  HostCheckRequest,
  IstioApi,
} from './IstioApi';

/**
 * {@link IstioApi} over the Backstage fetch and discovery APIs, so requests
 * carry the user's Backstage token. Responses are checked against the
 * schemas in istio-common.
 *
 * @public
 */
export class IstioClient implements IstioApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getClusters(): Promise<ClusterListResponse> {
    return clusterListResponseSchema.parse(await this.request('/v1/clusters'));
  }

  async getStatus(entityRef: string): Promise<MeshStatus> {
    return meshStatusSchema.parse(
      await this.request(
        `/v1/status?${new URLSearchParams({ entityRef }).toString()}`,
      ),
    );
  }

  async getOverview(): Promise<MeshOverview> {
    return meshOverviewSchema.parse(await this.request('/v1/overview'));
  }

  async refreshCertificate(
    request: CertificateRefreshRequest,
  ): Promise<{ forceSync: string }> {
    const body = (await this.request('/v1/certificates/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    })) as { forceSync: string };
    return { forceSync: String(body.forceSync) };
  }

  async getTemplateNamespaces(cluster: string): Promise<string[]> {
    return templateNamespacesResponseSchema.parse(
      await this.request(
        `/v1/template-fields/namespaces?${new URLSearchParams({ cluster })}`,
      ),
    ).namespaces;
  }

  async getTemplateRouteApi(cluster: string): Promise<TemplateRouteApi> {
    return templateRouteApiResponseSchema.parse(
      await this.request(
        `/v1/template-fields/route-api?${new URLSearchParams({ cluster })}`,
      ),
    );
  }

  async getTemplateGateways(
    cluster: string,
    api?: RouteApi,
  ): Promise<TemplateGateway[]> {
    const params = new URLSearchParams({ cluster, ...(api && { api }) });
    return templateGatewaysResponseSchema.parse(
      await this.request(`/v1/template-fields/gateways?${params}`),
    ).gateways;
  }

  async checkHost(request: HostCheckRequest): Promise<HostCheck> {
    const params = new URLSearchParams(
      Object.entries(request).filter(([, v]) => v !== undefined) as Array<
        [string, string]
      >,
    );
    return hostCheckSchema.parse(
      await this.request(`/v1/template-fields/host-check?${params}`),
    );
  }

  private async request(path: string, init?: RequestInit): Promise<unknown> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('istio');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
