import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  istioPermissions,
  RouteApi,
  routeApiSchema,
} from '@meshdeck/plugin-istio-common';
import {
  istioClustersServiceRef,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';
import { AcmReader } from './acm/AcmReader';
import { registerMeshActions } from './actions/registerMeshActions';
import { registerCertificateNotifications } from './notifications/registerCertificateNotifications';
import { readDurationMs } from './service/readDuration';
import { CertificateRefreshService } from './service/CertificateRefreshService';
import { ClusterReads } from './service/ClusterReads';
import { ClusterGenerations } from './service/ClusterGenerations';
import { MeshOverviewService } from './service/MeshOverviewService';
import {
  DEFAULT_PERMISSION_CACHE_TTL_MS,
  MeshQueries,
} from './service/MeshQueries';
import { createRouter } from './service/router';
import {
  DEFAULT_STATUS_CACHE_TTL_MS,
  StatusService,
} from './service/StatusService';
import { TemplateFieldService } from './service/TemplateFieldService';
import { DEFAULT_ENTITY_CACHE_TTL_MS } from './service/CatalogEntities';
import { WatchedReads } from './watch/WatchedReads';

/**
 * ACM credentials from `@backstage/integration-aws-node`: the account of
 * `istio.acm.accountId` when set, else the main account or default chain.
 */
function acmCredentials(config: Config): AwsCredentialIdentityProvider {
  const manager = DefaultAwsCredentialsManager.fromConfig(config);
  const accountId = config.getOptionalString('istio.acm.accountId');
  return async () =>
    (
      await manager.getCredentialProvider(accountId ? { accountId } : {})
    ).sdkCredentialProvider();
}

/**
 * `istio.scaffolder.routeApi`: the route API the templates' forms start with
 * (default `istio`).
 */
function readRouteApi(config: Config): RouteApi {
  const key = 'istio.scaffolder.routeApi';
  const value = config.getOptionalString(key) ?? 'istio';
  const parsed = routeApiSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `${key} must be "istio" or "gateway-api", got ${JSON.stringify(value)}`,
    );
  }
  return parsed.data;
}

/**
 * The Istio backend plugin, served under `/api/istio`.
 *
 * @public
 */
export const istioPlugin = createBackendPlugin({
  pluginId: 'istio',
  register(env) {
    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        cache: coreServices.cache,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        clusters: istioClustersServiceRef,
        notifications: notificationService,
      },
      async init({
        actionsRegistry,
        auditor,
        auth,
        cache,
        config,
        database,
        httpRouter,
        httpAuth,
        lifecycle,
        logger,
        permissions,
        permissionsRegistry,
        scheduler,
        catalog,
        clusters,
        notifications,
      }) {
        permissionsRegistry.addPermissions(istioPermissions);
        // Loading the Kubernetes client takes seconds on a cold process;
        // start it now rather than inside the first status's timeout.
        import('@kubernetes/client-node').catch(e =>
          logger.warn(`Could not load the Kubernetes client: ${e}`),
        );
        const cacheTtlMs = readDurationMs(
          config,
          'istio.statusCacheTtl',
          DEFAULT_STATUS_CACHE_TTL_MS,
        );
        // one set of cluster reads and one view of the clusters' generations
        // (in the shared cache) for the status and the refresh that
        // invalidates it
        const keptReads = new ClusterReads({ clusters, ttlMs: cacheTtlMs });
        // istio.watch: follow each cluster with list + watch, so a status
        // is computed from memory and shows a change within seconds; what
        // the watches do not (yet) serve is read on request and kept
        const reads =
          config.getOptionalBoolean('istio.watch.enabled') ?? true
            ? new WatchedReads({
                clusters,
                fallback: keptReads,
                workloads:
                  config.getOptionalBoolean('istio.watch.workloads') ?? true,
                logger,
              }).start()
            : keptReads;
        if (reads instanceof WatchedReads) {
          lifecycle.addShutdownHook(() => reads.stop());
        }
        const generations = new ClusterGenerations(cache);
        const timeoutMs = readDurationMs(config, 'istio.requestTimeout', 5000);
        const acm = config.has('istio.acm')
          ? AcmReader.create({
              region: config.getOptionalString('istio.acm.region'),
              endpoint: config.getOptionalString('istio.acm.endpoint'),
              credentials: acmCredentials(config),
              cache,
              logger,
              timeoutMs,
            })
          : undefined;
        const thresholds = {
          warningDays:
            config.getOptionalNumber('istio.certificates.warningDays') ?? 30,
          criticalDays:
            config.getOptionalNumber('istio.certificates.criticalDays') ?? 7,
        };
        const status = new StatusService({
          clusters,
          logger,
          timeoutMs,
          cache,
          cacheTtlMs,
          reads,
          generations,
          acm,
          thresholds,
        });
        // the mesh overview of every cluster, on the same kept reads; its
        // `certificates()` without credentials serves scheduled tasks
        const overview = new MeshOverviewService({
          clusters,
          reads,
          generations,
          catalog,
          auth,
          logger,
          timeoutMs,
          ttlMs: cacheTtlMs,
          acm,
          thresholds,
        });
        const templateFields = new TemplateFieldService(
          clusters,
          WritePolicy.fromConfig(config),
          { routeApi: readRouteApi(config) },
        );
        // the read operations, with their permission checks, for both the
        // HTTP routes and the actions registry (MCP tools)
        const queries = new MeshQueries({
          entityCacheTtlMs: readDurationMs(
            config,
            'istio.entityCacheTtl',
            DEFAULT_ENTITY_CACHE_TTL_MS,
          ),
          permissionCacheTtlMs: readDurationMs(
            config,
            'istio.permissionCacheTtl',
            DEFAULT_PERMISSION_CACHE_TTL_MS,
          ),
          auth,
          permissions,
          catalog,
          clusters,
          status,
          templateFields,
          overview,
        });
        httpRouter.use(
          await createRouter({
            auditor,
            httpAuth,
            clusters,
            certificates: new CertificateRefreshService({
              clusters,
              status,
              generations,
              reads: keptReads,
              logger,
            }),
            templateFields,
            queries,
          }),
        );
        registerMeshActions({ actionsRegistry, queries });
        // certificate notices to the owners (istio.notifications), one run
        // across replicas
        await registerCertificateNotifications({
          config,
          scheduler,
          database,
          notifications,
          logger,
          certificates: () => overview.certificates(),
          criticalDays: thresholds.criticalDays,
        });
        logger.info(
          `Meshdeck knows ${clusters.list().length} cluster(s): ${
            clusters
              .list()
              .map(c => c.name)
              .join(', ') || 'none configured'
          }`,
        );
      },
    });
  },
});
