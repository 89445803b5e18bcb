import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  ClusterListResponse,
  clusterListResponseSchema,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import express from 'express';
import Router from 'express-promise-router';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  clusters: ClusterRegistry;
};

/**
 * The routes of `/api/istio`. Every route requires Backstage credentials
 * (a signed-in user or another backend plugin).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, clusters } = options;
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

  return router;
}
