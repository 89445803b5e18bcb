import { z } from 'zod';

/**
 * One cluster Meshdeck can reach, as the backend reports it to the frontend.
 * Never carries credentials or the API server URL.
 *
 * @public
 */
export const clusterSummarySchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  authProvider: z.string(),
  kialiConfigured: z.boolean(),
  jaegerConfigured: z.boolean(),
});

/** @public */
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;

/**
 * Response of `GET /api/istio/v1/clusters`.
 *
 * @public
 */
export const clusterListResponseSchema = z.object({
  clusters: z.array(clusterSummarySchema),
});

/** @public */
export type ClusterListResponse = z.infer<typeof clusterListResponseSchema>;
