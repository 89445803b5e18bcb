import { NotFoundError } from '@backstage/errors';
import type { KubeConfig } from '@kubernetes/client-node';
import { CustomResourceType } from './istioResources';

/**
 * A custom object as the API server returns it.
 *
 * @public
 */
export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
};

/**
 * Reads Istio (and external-secrets) custom resources of one cluster, using
 * the API version the cluster actually serves.
 *
 * @public
 */
export class IstioResourceClient {
  static async create(kubeConfig: KubeConfig): Promise<IstioResourceClient> {
    return new IstioResourceClient(kubeConfig);
  }

  private servedGroups?: Promise<Map<string, string[]>>;

  private constructor(private readonly kubeConfig: KubeConfig) {}

  /** Versions of an API group the cluster serves (empty if none). */
  async servedVersions(group: string): Promise<string[]> {
    if (!this.servedGroups) {
      this.servedGroups = (async () => {
        const { ApisApi } = await import('@kubernetes/client-node');
        const list = await this.kubeConfig
          .makeApiClient(ApisApi)
          .getAPIVersions();
        return new Map(
          list.groups.map(g => [g.name, g.versions.map(v => v.version)]),
        );
      })();
      // a failed discovery must not be cached
      this.servedGroups.catch(() => {
        this.servedGroups = undefined;
      });
    }
    return (await this.servedGroups).get(group) ?? [];
  }

  /** The most preferred version of `type` that the cluster serves. */
  async versionOf(type: CustomResourceType): Promise<string> {
    const served = await this.servedVersions(type.group);
    const version = type.versions.find(v => served.includes(v));
    if (!version) {
      throw new NotFoundError(
        `The cluster serves none of ${type.versions
          .map(v => `${type.group}/${v}`)
          .join(', ')} for ${type.kind} (served: ${
          served.join(', ') || 'nothing'
        }); are the CRDs installed?`,
      );
    }
    return version;
  }

  /** All objects of `type` in a namespace. */
  async list(
    type: CustomResourceType,
    namespace: string,
    options?: { labelSelector?: string },
  ): Promise<KubernetesObject[]> {
    const version = await this.versionOf(type);
    const { CustomObjectsApi } = await import('@kubernetes/client-node');
    const body = await this.kubeConfig
      .makeApiClient(CustomObjectsApi)
      .listNamespacedCustomObject({
        group: type.group,
        version,
        namespace,
        plural: type.plural,
        labelSelector: options?.labelSelector,
      });
    return (body as { items: KubernetesObject[] }).items;
  }
}
