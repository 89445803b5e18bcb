import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterListResponse,
  clusterListResponseSchema,
  hostCheckSchema,
  routeApiSchema,
  templateGatewaysResponseSchema,
  templateRouteApiResponseSchema,
  templateNamespacesResponseSchema,
  istioCertificateRefreshPermission,
  istioStatusReadPermission,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { CertificateRefreshService } from './CertificateRefreshService';
import { StatusService } from './StatusService';
import { TemplateFieldService } from './TemplateFieldService';

export type RouterOptions = {
  auditor: AuditorService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  clusters: ClusterRegistry;
  status: StatusService;
  certificates: CertificateRefreshService;
  templateFields: TemplateFieldService;
};

const entityRefField = z.string({
  required_error: 'entityRef is required, e.g. component:default/checkout',
});

const statusQuerySchema = z.object({ entityRef: entityRefField });

const clusterQuerySchema = z.object({
  cluster: z.string({ required_error: 'cluster is required' }),
});

/** `api=istio` (the default) or `api=gateway-api`. */
const apiQueryField = routeApiSchema.optional();

const gatewaysQuerySchema = clusterQuerySchema.extend({ api: apiQueryField });

const hostCheckQuerySchema = clusterQuerySchema
  .extend({
    gateway: z
      .string({ required_error: 'gateway is required, as namespace/name' })
      .regex(/^[^/]+\/[^/]+$/, 'gateway must be namespace/name'),
    host: z.string({ required_error: 'host is required' }),
    namespace: z.string().optional(),
    /** The route's own name: re-applying it is no conflict. */
    name: z.string().optional(),
    api: apiQueryField,
  })
  .superRefine((query, ctx) => {
    if (query.api === 'gateway-api' && !query.namespace) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['namespace'],
        message:
          'namespace is required with api=gateway-api: a Gateway API listener takes routes by their namespace (allowedRoutes)',
      });
    }
  });

const refreshBodySchema = z.object({
  entityRef: entityRefField,
  cluster: z.string({ required_error: 'cluster is required' }),
  namespace: z.string({ required_error: 'namespace is required' }),
  externalSecret: z.string({ required_error: 'externalSecret is required' }),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    // every message names its field
    throw new InputError(result.error.issues.map(i => i.message).join('; '));
  }
  return result.data;
}

/**
 * The routes of `/api/istio`. Every route requires Backstage credentials
 * (a signed-in user or another backend plugin).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    auditor,
    httpAuth,
    permissions,
    catalog,
    clusters,
    status,
    certificates,
    templateFields,
  } = options;

  /** A configured cluster's name, or NotFoundError naming the known ones. */
  function knownCluster(name: string): string {
    return clusters.get(name).name;
  }

  /** The entity as the caller may see it, once the permission allows. */
  async function authorizedEntity(
    rawRef: string,
    credentials: BackstageCredentials,
    permission:
      | typeof istioStatusReadPermission
      | typeof istioCertificateRefreshPermission,
    action: string,
  ) {
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(rawRef));
    } catch (e) {
      throw new InputError(`entityRef is not an entity reference: ${e}`);
    }
    // read with the caller's credentials: an entity they may not see does
    // not exist for them
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed to ${action} of ${entityRef}`);
    }
    return { entity, entityRef };
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

  router.get('/v1/status', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parse(statusQuerySchema, req.query);
    const { entity } = await authorizedEntity(
      query.entityRef,
      credentials,
      istioStatusReadPermission,
      'read the mesh status',
    );
    res.json(await status.statusFor(entity));
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
    await httpAuth.credentials(req, { allow: ['user'] });
    const query = parse(hostCheckQuerySchema, req.query);
    res.json(
      hostCheckSchema.parse(
        await templateFields.checkHost({
          ...query,
          cluster: knownCluster(query.cluster),
        }),
      ),
    );
  });

  router.post('/v1/certificates/refresh', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parse(refreshBodySchema, req.body);
    const { entity, entityRef } = await authorizedEntity(
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
