import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import {
  ClusterListResponse,
  clusterListResponseSchema,
  routeApiSchema,
  templateGatewaysResponseSchema,
  templateRouteApiResponseSchema,
  templateNamespacesResponseSchema,
  istioCertificateRefreshPermission,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { CertificateRefreshService } from './CertificateRefreshService';
import {
  clusterField,
  entityRefField,
  MeshQueries,
  namespaceField,
  objectNameField,
  parse,
  RequestTimings,
} from './MeshQueries';
import { statusJson } from './statusJson';
import { TemplateFieldService } from './TemplateFieldService';

export type RouterOptions = {
  auditor: AuditorService;
  httpAuth: HttpAuthService;
  clusters: ClusterRegistry;
  certificates: CertificateRefreshService;
  templateFields: TemplateFieldService;
  /** The read operations the routes share with the actions registry. */
  queries: MeshQueries;
};

const clusterQuerySchema = z.object({ cluster: clusterField });

/** `api=istio` (the default) or `api=gateway-api`. */
const apiQueryField = routeApiSchema.optional();

const gatewaysQuerySchema = clusterQuerySchema.extend({ api: apiQueryField });

const refreshBodySchema = z.object({
  entityRef: entityRefField,
  cluster: clusterField,
  namespace: namespaceField('namespace', 'namespace is required'),
  externalSecret: objectNameField(
    'externalSecret',
    'externalSecret is required',
  ),
});

/**
 * The routes of `/api/istio`. Every route requires Backstage credentials
 * (a signed-in user or another backend plugin).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { auditor, httpAuth, clusters, certificates, templateFields, queries } =
    options;

  /** A configured cluster's name, or NotFoundError naming the known ones. */
  function knownCluster(name: string): string {
    return clusters.get(name).name;
  }

  const router = Router();
  router.use(express.json());

  router.get('/v1/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: ClusterListResponse = {
      clusters: clusters.list().map(cluster => {
        const mesh = clusters.meshSettings(cluster.name);
        return {
          name: cluster.name,
          title: cluster.title,
          authProvider: cluster.authProvider,
          kialiConfigured: Boolean(mesh.kiali),
          jaegerConfigured: Boolean(mesh.jaeger),
        };
      }),
    };
    // parsing strips anything the schema does not declare, so credentials
    // can never reach a response by accident
    res.json(clusterListResponseSchema.parse(body));
  });

  // the principal, input and permission checks of the read operations are
  // MeshQueries', shared with the actions registry (MCP tools)
  router.get('/v1/status', async (req, res) => {
    const timings: RequestTimings = {};
    const status = await queries.status(
      req.query,
      await httpAuth.credentials(req),
      timings,
    );
    // where the time went, for browsers' dev tools and benchmarks
    res.setHeader(
      'Server-Timing',
      (['authorize', 'catalog', 'permission', 'status'] as const)
        .flatMap(name => {
          const ms = timings[name];
          return ms === undefined ? [] : [`${name};dur=${ms.toFixed(1)}`];
        })
        .join(', '),
    );
    res.type('application/json').send(statusJson(status));
  });

  // What the scaffolder's form fields need: the route API to start with,
  // the namespaces and gateways templates may use, and a live check of a
  // host on a gateway.
  router.get('/v1/template-fields/route-api', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const { cluster } = parse(clusterQuerySchema, req.query);
    res.json(
      templateRouteApiResponseSchema.parse(
        await templateFields.routeApi(knownCluster(cluster)),
      ),
    );
  });

  router.get('/v1/template-fields/namespaces', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const { cluster } = parse(clusterQuerySchema, req.query);
    res.json(
      templateNamespacesResponseSchema.parse({
        namespaces: await templateFields.namespaces(knownCluster(cluster)),
      }),
    );
  });

  router.get('/v1/template-fields/gateways', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const { cluster, api } = parse(gatewaysQuerySchema, req.query);
    res.json(
      templateGatewaysResponseSchema.parse({
        gateways: await templateFields.gateways(knownCluster(cluster), api),
      }),
    );
  });

  router.get('/v1/template-fields/host-check', async (req, res) => {
    res.json(
      await queries.hostCheck(req.query, await httpAuth.credentials(req)),
    );
  });

  // The platform team's overview of every cluster, naming only the entities
  // the caller may see in the catalog
  router.get('/v1/overview', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const event = await auditor.createEvent({
      eventId: 'mesh-overview-read',
      severityLevel: 'low',
      request: req,
    });
    try {
      const body = await queries.overview(credentials);
      await event.success({
        meta: {
          clusters: body.clusters.length,
          certificates: body.certificates.length,
          hosts: body.hosts.length,
          findings: body.findings.length,
        },
      });
      res.json(body);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.post('/v1/certificates/refresh', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parse(refreshBodySchema, req.body);
    const { entity, entityRef } = await queries.authorizedEntity(
      body.entityRef,
      credentials,
      istioCertificateRefreshPermission,
      'refresh the certificates',
    );
    const event = await auditor.createEvent({
      eventId: 'certificate-refresh',
      severityLevel: 'medium',
      request: req,
      meta: { ...body, entityRef },
    });
    try {
      const { forceSync } = await certificates.refresh(entity, {
        cluster: body.cluster,
        namespace: body.namespace,
        externalSecret: body.externalSecret,
      });
      await event.success({ meta: { forceSync } });
      res.json({ ...body, entityRef, forceSync });
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
