import {
  ClusterRegistry,
  CustomResourceType,
  KubernetesObject,
  MeshClusterClient,
  TlsSecretCertificate,
} from '@meshdeck/plugin-istio-node';
import type { V1Namespace } from '@kubernetes/client-node';

type Entry = { expires: number; value: Promise<unknown> };

const CLIENT_MAX_AGE_MS = 5 * 60_000;

/**
 * The reads of a cluster that do not depend on the entity asked about —
 * API discovery, the control plane, the mesh's Istio config objects, namespace
 * objects, gateway certificates and the ExternalSecrets next to them — kept
 * for a TTL and shared by every entity and every concurrent request. With
 * these warm, an entity's status costs only its own pods and Services.
 *
 * Failed reads are never kept. Secrets are never kept either: a gateway
 * certificate is held as its public fields only.
 */
export class ClusterReads {
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

  private memo<T>(
    key: string,
    read: () => Promise<T>,
    ttlMs = this.options.ttlMs,
  ): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > this.now()) {
      return entry.value as Promise<T>;
    }
    if (this.entries.size > 1000) {
      this.sweep();
    }
    const value = read();
    this.entries.set(key, { expires: this.now() + ttlMs, value });
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

  /**
   * A client for the cluster; its API discovery lives as long as it does.
   * Kept at most 5 minutes whatever the TTL: its credentials (an EKS token)
   * expire.
   */
  client(cluster: string): Promise<MeshClusterClient> {
    return this.memo(
      `${cluster}:client`,
      async () =>
        MeshClusterClient.create(
          await this.options.clusters.kubeConfig(cluster),
        ),
      Math.min(this.options.ttlMs, CLIENT_MAX_AGE_MS),
    );
  }

  private async withClient<T>(
    cluster: string,
    key: string,
    read: (client: MeshClusterClient) => Promise<T>,
  ): Promise<T> {
    return this.memo(`${cluster}:${key}`, async () =>
      read(await this.client(cluster)),
    );
  }

  /**
   * All objects of an Istio or external-secrets type in the cluster (or in
   * one namespace); none when the cluster does not serve the type.
   */
  list(
    cluster: string,
    type: CustomResourceType,
    namespace?: string,
  ): Promise<KubernetesObject[]> {
    return this.withClient(
      cluster,
      `list:${type.plural}.${type.group}:${namespace ?? '*'}`,
      async client =>
        (await client.serves(type)) ? client.list(type, namespace) : [],
    );
  }

  controlPlanes(
    cluster: string,
  ): ReturnType<MeshClusterClient['controlPlanes']> {
    return this.withClient(cluster, 'controlPlanes', c => c.controlPlanes());
  }

  namespace(cluster: string, name: string): Promise<V1Namespace | undefined> {
    return this.withClient(cluster, `namespace:${name}`, c =>
      c.getNamespace(name),
    );
  }

  /** The public fields of a gateway's TLS secret (read by name). */
  tlsCertificate(
    cluster: string,
    namespace: string,
    name: string,
  ): Promise<TlsSecretCertificate> {
    return this.withClient(cluster, `tls:${namespace}/${name}`, c =>
      c.readTlsCertificate(namespace, name),
    );
  }

  /** Forgets everything read from a cluster, e.g. after changing it. */
  forget(cluster: string): void {
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(`${cluster}:`)) {
        this.entries.delete(key);
      }
    }
  }
}
