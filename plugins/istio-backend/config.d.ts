import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Meshdeck settings read by the backend plugin. The cluster entries
   * (`istio.clusters`) and the write policy (`istio.scaffolder.allowed*`,
   * `istio.scaffolder.gatewayNamespaces`) are declared by
   * `@meshdeck/plugin-istio-node`.
   */
  istio?: {
    /**
     * Timeout for one request to a cluster's API server: `500ms`, `5s`,
     * `2m`, a number of milliseconds, or a duration object such as
     * `{ seconds: 5 }`. Default 5s.
     * @visibility backend
     */
    requestTimeout?: number | string | HumanDuration;
    /**
     * How long an entity's mesh status is cached, in the same forms as
     * `requestTimeout`. Default 30s. The cache is Backstage's cache service,
     * shared by replicas when it is Redis/Valkey or memcache.
     * @visibility backend
     */
    statusCacheTtl?: number | string | HumanDuration;
    /**
     * How long the catalog entity a status is asked for is kept (read with
     * the plugin's own credentials and shared by every caller; whether a
     * caller may see it is asked of the permission backend as
     * `catalog.entity.read` on every request not allowed from a kept
     * decision), e.g. `5s` (default) or `0` to read the catalog on every
     * request. A change to the entity shows within this time.
     * @visibility backend
     */
    entityCacheTtl?: number | string | HumanDuration;
    /**
     * How long a caller's ALLOW of `istio.status.read` on an entity (with
     * their ALLOW of `catalog.entity.read` on it) is kept, e.g. `5s`
     * (default) or `0` to ask the permission backend on every status
     * request. A DENY is never kept, nor a decision on any other
     * permission (`istio.certificate.refresh`, `istio.mesh.read`); a
     * revoked permission takes effect within this time.
     * @visibility backend
     */
    permissionCacheTtl?: number | string | HumanDuration;
    /**
     * The watch-fed cache: each cluster is followed with list + watch (as
     * client-go's informers do), so a status is computed from memory and a
     * change in the cluster shows in the next answer. Needs the `watch` verb
     * of `deploy/rbac.yaml`. Reads the watches do not serve are made on
     * request and kept for `statusCacheTtl`.
     */
    watch?: {
      /**
       * Follow the clusters by watching them. Default true; false reads on
       * request only (every answer kept for `statusCacheTtl`).
       * @visibility backend
       */
      enabled?: boolean;
      /**
       * Also keep every pod, Service and ReplicaSet (trimmed to the fields
       * Meshdeck reads, about 1 KB per pod). Default true; turn off for very
       * large clusters — an entity's pods are then read on request.
       * @visibility backend
       */
      workloads?: boolean;
    };
    /**
     * AWS Certificate Manager, for the certificates behind gateway secrets.
     * ACM is only asked when this section is present (`acm: {}` is enough).
     * Credentials come from Backstage's AWS integration (`aws:`), else the
     * default AWS chain (IRSA on EKS).
     */
    acm?: {
      /**
       * AWS region of the certificates, e.g. `eu-west-1`. Default: the AWS
       * SDK's (`AWS_REGION`).
       * @visibility backend
       */
      region?: string;
      /**
       * Endpoint override, e.g. a local emulator in tests.
       * @visibility backend
       */
      endpoint?: string;
      /**
       * The AWS account of the certificates, one of the `aws.accounts` of
       * Backstage's AWS integration. Default: its main account (or the
       * default credential chain).
       * @visibility backend
       */
      accountId?: string;
    };
    /** When certificate verdicts turn to `expiring`. */
    certificates?: {
      /**
       * Days left at which a certificate is a warning. Default 30.
       * @visibility backend
       */
      warningDays?: number;
      /**
       * Days left at which a certificate is critical. Default 7.
       * @visibility backend
       */
      criticalDays?: number;
    };
    /**
     * Certificate notices through Backstage notifications
     * (`@backstage/plugin-notifications-backend`): the owners of the
     * entities a gateway certificate serves, and `platformGroup`, hear once
     * per certificate (serial) and notice when it crosses a threshold,
     * expires, its ExternalSecret fails to sync, or ACM holds a renewal the
     * secret lacks.
     */
    notifications?: {
      /**
       * Whether the scheduled check runs. Default true.
       * @visibility backend
       */
      enabled?: boolean;
      /**
       * Days left at which owners hear of an expiring certificate, once per
       * threshold. Default [30, 14, 7].
       * @visibility backend
       */
      thresholdsDays?: number[];
      /**
       * A group told of every certificate notice besides the owners, e.g.
       * `group:default/platform`.
       * @visibility backend
       */
      platformGroup?: string;
      /**
       * When the check runs (one run across replicas), as a scheduler task
       * schedule: `frequency`, `timeout`, `initialDelay`. Default every hour,
       * timeout 10 minutes, first run after 1 minute.
       * @visibility backend
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    scaffolder?: {
      /**
       * Which API the routes templates write use by default: `istio`
       * (Istio's Gateway and VirtualService, `networking.istio.io`) or
       * `gateway-api` (the Kubernetes Gateway API's Gateway and HTTPRoute,
       * `gateway.networking.k8s.io`). The templates' `MeshRouteApiPicker`
       * starts with it (or with the other one when a cluster serves only
       * that), and the user may choose the other. Default: `istio`.
       * @visibility backend
       */
      routeApi?: 'istio' | 'gateway-api';
    };
  };
}
