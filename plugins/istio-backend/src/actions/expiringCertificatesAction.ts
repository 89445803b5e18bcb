import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { MeshQueries } from '../service/MeshQueries';
import { certificateOutput } from './schemas';

/**
 * `istio:list-expiring-certificates` (MCP tool
 * `istio.list-expiring-certificates`): the gateway certificates of the mesh
 * overview that need attention, with the overview's permission
 * `istio.mesh.read`.
 */
export function registerExpiringCertificatesAction(options: {
  actionsRegistry: ActionsRegistryService;
  queries: MeshQueries;
}) {
  const { actionsRegistry, queries } = options;
  actionsRegistry.register({
    name: 'list-expiring-certificates',
    title: 'List gateway TLS certificates that expire soon or need attention',
    description: `Lists the TLS certificates of the Istio and Gateway API gateways in every Kubernetes cluster Backstage knows that expire within the given number of days (default 30), or that need attention whatever their expiry: verdict expired, expiring, rotation-due (a renewed certificate in AWS Certificate Manager was not written to the secret), sync-failing (its ExternalSecret does not sync), missing (the secret does not exist), not-covered (a routed host is not in the certificate) or unknown.
Most urgent first. Each entry names the cluster, the gateway (namespace/name), the secret, the hosts it serves, the certificate's notAfter and daysLeft, and the catalog entities whose routes use it with their owners (only entities the caller may see).
clusterErrors lists clusters that could not be read: their certificates may be missing from the list. The caller needs the permission istio.mesh.read.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          withinDays: z
            .number()
            .int()
            .min(0)
            .max(3650)
            .default(30)
            .describe(
              'List certificates with at most this many days left (default 30); certificates with another verdict than ok are listed anyway',
            ),
        }),
      output: z =>
        z
          .object({
            withinDays: z.number(),
            certificates: z.array(
              certificateOutput(z)
                .extend({
                  cluster: z.string(),
                  entities: z
                    .array(z.string())
                    .describe('Catalog entities whose routes use it'),
                  owners: z
                    .array(z.string())
                    .describe("The entities' owners, as entity refs"),
                })
                .passthrough(),
            ),
            clusterErrors: z.array(
              z
                .object({ cluster: z.string(), message: z.string() })
                .passthrough(),
            ),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => ({
      output: await queries.expiringCertificates(input, credentials),
    }),
  });
}
