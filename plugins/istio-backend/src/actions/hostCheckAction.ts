import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { routeApiSchema } from '@meshdeck/plugin-istio-common';
import { MeshQueries } from '../service/MeshQueries';
import { findingOutput } from './schemas';

/**
 * `istio:check-gateway-host` (MCP tool `istio.check-gateway-host`): the
 * answer of `GET /api/istio/v1/template-fields/host-check`, the rule book's
 * check the scaffolder's host field and actions run, for signed-in users.
 */
export function registerHostCheckAction(options: {
  actionsRegistry: ActionsRegistryService;
  queries: MeshQueries;
}) {
  const { actionsRegistry, queries } = options;
  actionsRegistry.register({
    name: 'check-gateway-host',
    title: 'Check whether a host can go on an Istio gateway',
    description: `Checks, against the live cluster, whether a public hostname can be routed through a gateway: the gateway exists and serves the host, no route of another namespace claims the host on it (Istio IST0109 / IST0145, Gateway API listener conflicts), and the gateway's TLS certificate covers it. This is the same rule book Meshdeck's software templates check before they create a route.
The answer says ok, the problems (each one sentence, why the host cannot go there) and notes (e.g. which certificate covers it).
The cluster is a name from Backstage's Kubernetes configuration; the gateway is namespace/name (e.g. istio-ingress/public-gateway). With api=gateway-api the gateway is a Gateway API Gateway and namespace (where the HTTPRoute will live) is required. Needs a signed-in user's credentials.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          cluster: z
            .string()
            .describe('The cluster, by its name in the Backstage config'),
          gateway: z.string().describe('The gateway, as namespace/name'),
          host: z
            .string()
            .describe('The hostname to route, e.g. shop.example.com'),
          namespace: z
            .string()
            .optional()
            .describe(
              'The namespace of the route (required with api=gateway-api)',
            ),
          name: z
            .string()
            .optional()
            .describe(
              "The route's own name, when re-applying an existing route (it is no conflict with itself)",
            ),
          api: z
            .enum(routeApiSchema.options)
            .optional()
            .describe(
              'istio (Gateway + VirtualService, the default) or gateway-api (Gateway + HTTPRoute)',
            ),
        }),
      output: z =>
        z
          .object({
            host: z.string(),
            gateway: z.string(),
            api: z.enum(routeApiSchema.options).optional(),
            ok: z.boolean().describe('Whether the host can go on the gateway'),
            problems: z
              .array(z.string())
              .describe('Why it cannot, one sentence each'),
            notes: z
              .array(z.string())
              .describe('Good to know, e.g. which certificate covers the host'),
            findings: z
              .array(findingOutput(z))
              .optional()
              .describe("The rule book's findings behind problems and notes"),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => ({
      output: await queries.hostCheck(input, credentials),
    }),
  });
}
