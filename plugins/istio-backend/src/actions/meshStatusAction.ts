import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { verdictSchema } from '@meshdeck/plugin-istio-common';
import { MeshQueries } from '../service/MeshQueries';
import { certificateOutput, findingOutput } from './schemas';

/**
 * `istio:get-mesh-status` (MCP tool `istio.get-mesh-status`): the answer of
 * `GET /api/istio/v1/status`, with the same checks — the caller must see
 * the entity in the catalog and hold `istio.status.read` on it.
 */
export function registerMeshStatusAction(options: {
  actionsRegistry: ActionsRegistryService;
  queries: MeshQueries;
}) {
  const { actionsRegistry, queries } = options;
  actionsRegistry.register({
    name: 'get-mesh-status',
    title: 'Get the Istio mesh status of a catalog entity',
    description: `Reads the Istio service-mesh status of one Backstage catalog entity (usually a Component) from every Kubernetes cluster it runs in: control plane, sidecar or ambient injection of its pods, gateways and routes (VirtualService, HTTPRoute), mTLS, gateway TLS certificates with their expiry, and findings from Meshdeck's rule book mirroring Istio analyzer (IST) and Kiali (KIA) codes, each with a fix.
The overall verdict is healthy, warning, critical or unknown. Each cluster's findings say what is wrong and how to fix it; a cluster's errors say what could not be read (the rest of the answer is still valid).
The entity is named by its entity reference, kind:namespace/name, e.g. component:default/checkout (namespace default when unsure).
Answers may come from a short-lived cache; "cache" says so. The caller needs the permission istio.status.read on the entity.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'The catalog entity, as kind:namespace/name, e.g. component:default/checkout',
            ),
        }),
      // the status as `GET /v1/status` answers it; objects are open, so
      // nothing the status schema holds is stripped
      output: z =>
        z
          .object({
            entityRef: z.string(),
            verdict: z
              .enum(verdictSchema.options)
              .describe(
                'critical with an error finding; unknown when no cluster could be read; warning with a warning finding or a cluster error; else healthy',
              ),
            generatedAt: z
              .string()
              .describe('When the status was assembled (ISO 8601)'),
            cache: z
              .object({ hit: z.boolean(), ageSeconds: z.number() })
              .optional()
              .describe('Present when the answer came from the cache'),
            clusters: z.array(
              z
                .object({
                  name: z.string(),
                  findings: z.array(findingOutput(z)),
                  certificates: z.array(certificateOutput(z)),
                  errors: z
                    .array(z.object({ message: z.string() }).passthrough())
                    .describe(
                      'What could not be read in this cluster; the rest of the answer is still valid',
                    ),
                })
                .passthrough(),
            ),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => ({
      output: await queries.status(input, credentials),
    }),
  });
}
