import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The mesh overview page (`/mesh` in the demo app), in both frontend
 * systems; apps reach it as `istioPlugin.routes.meshOverview`.
 */
export const meshOverviewRouteRef = createRouteRef({ id: 'istio:mesh' });
