import {
  ClusterRegistry,
  CustomResourceType,
  istioResources,
  KubernetesObject,
  MeshClusterClient,
  TlsSecretCertificate,
} from '@meshdeck/plugin-istio-node';
import type { V1Namespace, V1Pod, V1Service } from '@kubernetes/client-node';
import {
  DaemonSetObject,
  ZTUNNEL_DAEMONSET,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterMeshReads,
  ControlPlane,
  DeploymentObject,
  MeshReads,
} from './MeshReads';
// the same trimming as the watch-fed cache: one definition of what is kept
import { trimNamespace, trimPod, trimService } from '../watch/trimObjects';

type Entry = { expires: number; value: Promise<unknown> };

/**
 * The cluster reads of the mesh status, from the registry's shared cluster
 * clients. The reads that do not depend on the entity asked about — the
 * control plane, the mesh's Istio config objects (and Gateway API
 * Gateways, HTTPRoutes and ReferenceGrants), namespace objects, gateway
 * certificates and the ExternalSecrets next to them, the ztunnel DaemonSet,
 * the Deployments of Gateway API Gateways, and for the mesh overview every
 * namespace, every pod and every Service (trimmed to the fields it reads)
 * — are kept for a TTL and
 * shared by every entity and every concurrent request, under the generation
 * of the cluster they were read in: a new generation reads afresh. With
 * these warm, an entity's status costs only its own pods, Services and
 * ReplicaSets, which are always read.
 *
 * Failed reads are never kept. Secrets are never kept either: a gateway
 * certificate is held as its public fields only.
 */
export class ClusterReads implements MeshReads {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      ttlMs: number;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private memo<T>(key: string, read: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > this.now()) {
      return entry.value as Promise<T>;
    }
    if (this.entries.size > 1000) {
      this.sweep();
    }
    const value = read();
    this.entries.set(key, { expires: this.now() + this.options.ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) {
        this.entries.delete(key);
      }
    });
    return value;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now) {
        this.entries.delete(key);
      }
    }
  }

  cluster(name: string, generation: string): ClusterMeshReads {
    const client = () => this.options.clusters.client(name);
    const kept = <T>(
      key: string,
      read: (c: MeshClusterClient) => Promise<T>,
    ): Promise<T> =>
      this.memo(`${name}\u0000${generation}\u0000${key}`, async () =>
        read(await client()),
      );
    const list = (type: CustomResourceType, namespace?: string) =>
      kept<KubernetesObject[]>(
        `list:${type.plural}.${type.group}:${namespace ?? '*'}`,
        async c => ((await c.serves(type)) ? c.list(type, namespace) : []),
      );
    return {
      pods: async (namespace, labelSelector) =>
        (await client()).listPods(namespace, labelSelector),
      services: async namespace => (await client()).listServices(namespace),
      replicaSets: async (namespace, labelSelector) =>
        (await client()).listReplicaSets(namespace, labelSelector),
      namespace: (ns): Promise<V1Namespace | undefined> =>
        kept(`namespace:${ns}`, c => c.getNamespace(ns)),
      controlPlanes: (): Promise<ControlPlane[]> =>
        kept('controlPlanes', c => c.controlPlanes()),
      istioObjects: type => list(type),
      tlsCertificate: (namespace, secret): Promise<TlsSecretCertificate> =>
        kept(`tls:${namespace}/${secret}`, c =>
          c.readTlsCertificate(namespace, secret),
        ),
      externalSecrets: namespace =>
        list(istioResources.externalSecret, namespace),
      // kept as the few fields the status reads, not whole DaemonSets
      ztunnels: (): Promise<DaemonSetObject[]> =>
        kept('ztunnels', async c =>
          (await c.listDaemonSetsNamed(ZTUNNEL_DAEMONSET)).map(d => ({
            metadata: {
              name: d.metadata?.name,
              namespace: d.metadata?.namespace,
            },
            status: {
              desiredNumberScheduled: d.status?.desiredNumberScheduled,
              numberReady: d.status?.numberReady,
            },
          })),
        ),
      // kept as the few fields the status reads, not whole Deployments
      deployment: (namespace, deployment) =>
        kept(`deployment:${namespace}/${deployment}`, async c => {
          const d = await c.getDeployment(namespace, deployment);
          return d
            ? ({
                metadata: {
                  name: d.metadata?.name,
                  namespace: d.metadata?.namespace,
                },
                spec: { replicas: d.spec?.replicas },
                status: {
                  replicas: d.status?.replicas,
                  readyReplicas: d.status?.readyReplicas,
                  availableReplicas: d.status?.availableReplicas,
                },
              } satisfies DeploymentObject)
            : undefined;
        }),
      // `MeshClusterClient` lists namespace names only; the overview needs
      // their labels, so the objects are listed with the registry's
      // KubeConfig of the cluster, once per TTL
      namespaces: (): Promise<V1Namespace[]> =>
        kept('namespaces', async () => {
          const { CoreV1Api } = await import('@kubernetes/client-node');
          const kubeConfig = await this.options.clusters.kubeConfig(name);
          const { items } = await kubeConfig
            .makeApiClient(CoreV1Api)
            .listNamespace();
          return items.map(n => trimNamespace(n) as V1Namespace);
        }),
      allPods: (): Promise<V1Pod[]> =>
        kept('allPods', async c =>
          (await c.listPods(undefined, '')).map(p => trimPod(p) as V1Pod),
        ),
      // one list across namespaces, with the registry's KubeConfig like
      // the namespaces (`MeshClusterClient` lists one namespace at a time)
      allServices: (): Promise<V1Service[]> =>
        kept('allServices', async () => {
          const { CoreV1Api } = await import('@kubernetes/client-node');
          const kubeConfig = await this.options.clusters.kubeConfig(name);
          const { items } = await kubeConfig
            .makeApiClient(CoreV1Api)
            .listServiceForAllNamespaces();
          return items.map(v => trimService(v) as V1Service);
        }),
    };
  }

  /**
   * Forgets everything this process read from a cluster, whatever its
   * generation, e.g. after changing the cluster.
   */
  forget(cluster: string): void {
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(`${cluster}\u0000`)) {
        this.entries.delete(key);
      }
    }
  }
}
