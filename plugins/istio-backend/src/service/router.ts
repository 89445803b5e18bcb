import {
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
  istioStatusReadPermission,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { StatusService } from './StatusService';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  clusters: ClusterRegistry;
  status: StatusService;
};

const statusQuerySchema = z.object({
  entityRef: z.string({
    required_error: 'entityRef is required, e.g. component:default/checkout',
  }),
});

/**
 * The routes of `/api/istio`. Every route requires Backstage credentials
 * (a signed-in user or another backend plugin).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, clusters, status } = options;
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
    const query = statusQuerySchema.safeParse(req.query);
    if (!query.success) {
      throw new InputError(query.error.issues[0].message);
    }
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(query.data.entityRef));
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
      [{ permission: istioStatusReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read the mesh status of ${entityRef}`,
      );
    }
    res.json(await status.statusFor(entity));
  });

  return router;
}
