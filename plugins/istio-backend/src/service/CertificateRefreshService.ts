import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { ClusterRegistry, istioResources } from '@meshdeck/plugin-istio-node';
import { ClusterGenerations } from './ClusterGenerations';
import { StatusService } from './StatusService';

/** An ExternalSecret that writes a gateway certificate. */
export type ExternalSecretRef = {
  cluster: string;
  namespace: string;
  externalSecret: string;
};

/**
 * "Refresh certificate": asks external-secrets to re-sync a gateway
 * certificate's ExternalSecret now, then makes sure no replica answers from
 * what it read before.
 */
export class CertificateRefreshService {
  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      /** The status service whose answers say which certificates an entity has. */
      status: StatusService;
      /** The same generations the status service keys its caches by. */
      generations: ClusterGenerations;
      /** This replica's cluster reads, forgotten at once to free them. */
      reads?: { forget(cluster: string): void };
      logger?: LoggerService;
    },
  ) {}

  /**
   * Refreshes an ExternalSecret through an entity: only one that writes one
   * of the entity's gateway certificates may be touched this way
   * (`NotFoundError` otherwise). Callers check the permission first.
   */
  async refresh(
    entity: Entity,
    ref: ExternalSecretRef,
  ): Promise<{ forceSync: string }> {
    const current = await this.options.status.statusFor(entity);
    const serves = current.clusters
      .find(c => c.name === ref.cluster)
      ?.certificates.some(
        c =>
          c.secret.namespace === ref.namespace &&
          c.externalSecret?.name === ref.externalSecret,
      );
    if (!serves) {
      throw new NotFoundError(
        `ExternalSecret ${ref.namespace}/${ref.externalSecret} in cluster '${
          ref.cluster
        }' does not write a certificate of ${stringifyEntityRef(entity)}`,
      );
    }
    return { forceSync: await this.forceSync(ref) };
  }

  /**
   * Sets `force-sync=<unix time>` on the ExternalSecret, then invalidates
   * what is kept about the cluster, and returns the value set.
   *
   * The invalidation bumps the cluster's generation in the shared cache.
   * That drops the cached status of every entity the certificate serves —
   * and of every other entity on the cluster too: a superset, chosen on
   * purpose. Finding exactly the entities would mean an index from
   * certificates to cached statuses, kept consistent across replicas by
   * read-modify-write on a shared cache, racing with statuses being cached
   * at the same moment; one write of a new value cannot race. The price is
   * one recomputation per entity of that cluster, which the status cache
   * costs anyway every TTL. Every replica's memoized cluster reads are keyed
   * by the generation too, so none serves the certificate it read before.
   *
   * Guarantee: every status answered after this returns, on any replica, was
   * read from the cluster after the annotation was set. (The ExternalSecret
   * controller syncs the secret on its own time after that; a status read in
   * between shows the ExternalSecret's state of that moment.)
   */
  async forceSync(ref: ExternalSecretRef): Promise<string> {
    const { cluster, namespace, externalSecret } = ref;
    const client = await this.options.clusters.client(cluster);
    const value = Math.floor(Date.now() / 1000).toString();
    await client.annotate(
      istioResources.externalSecret,
      namespace,
      externalSecret,
      { 'force-sync': value },
    );
    this.options.reads?.forget(cluster);
    try {
      await this.options.generations.bump(cluster);
    } catch (e) {
      throw new Error(
        `ExternalSecret ${namespace}/${externalSecret} in cluster '${cluster}' has force-sync=${value}, but the cached mesh status could not be invalidated: ${
          (e as Error).message
        }`,
      );
    }
    this.options.logger?.info(
      `Forced a sync of ExternalSecret ${namespace}/${externalSecret} in cluster '${cluster}'; statuses of the cluster will be read afresh`,
    );
    return value;
  }
}
