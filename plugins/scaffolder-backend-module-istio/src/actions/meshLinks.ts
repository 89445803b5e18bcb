import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { validateDns1123Label } from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { buildMeshLinks } from '../pipeline/meshLinks';
import { examples } from './meshLinks.examples';

/**
 * `istio:mesh:links`: the Kiali and Jaeger links of a service, built from the
 * cluster's mesh settings in config. Links whose base URL is not configured
 * are left out of the output, and the log says which setting adds them.
 *
 * @public
 */
export function createMeshLinksAction(options: { clusters: ClusterRegistry }) {
  const { clusters } = options;
  return createTemplateAction({
    id: 'istio:mesh:links',
    description:
      'Builds Kiali (namespace graph, service page) and Jaeger (trace search) links for a service in the mesh',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z.string().describe('Name of a cluster configured in Backstage'),
        namespace: z =>
          z
            .string()
            .refine(v => !validateDns1123Label(v), {
              message: 'namespace must be a DNS-1123 label (e.g. "shop")',
            })
            .describe('Namespace of the service'),
        app: z =>
          z
            .string()
            .refine(v => !validateDns1123Label(v), {
              message: 'app must be a DNS-1123 label (e.g. "checkout")',
            })
            .optional()
            .describe(
              'The `app` label of the workloads; also the Kubernetes Service name',
            ),
      },
      output: {
        kialiGraphUrl: z => z.string().optional(),
        kialiServiceUrl: z => z.string().optional(),
        jaegerSearchUrl: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const { cluster, namespace, app } = ctx.input;
      // the scaffolder checks the input against the JSON Schema of the
      // fields above, which cannot carry their refinements: check again
      for (const [field, value] of [
        ['namespace', namespace],
        ['app', app],
      ] as const) {
        const problem =
          value === undefined ? undefined : validateDns1123Label(value);
        if (problem) {
          throw new InputError(
            `${field} must be a DNS-1123 label (e.g. "shop"): ${JSON.stringify(
              value!.slice(0, 64),
            )}${value!.length > 64 ? '…' : ''} ${problem}`,
          );
        }
      }
      const known = clusters.list().map(c => c.name);
      if (!known.includes(cluster)) {
        throw new InputError(
          `Cluster '${cluster}' is not configured in Backstage (known: ${
            known.join(', ') || 'none'
          })`,
        );
      }
      const links = buildMeshLinks(clusters, cluster, namespace, app);
      for (const key of [
        'kialiGraphUrl',
        'kialiServiceUrl',
        'jaegerSearchUrl',
      ] as const) {
        const url = links[key];
        if (url) {
          ctx.output(key, url);
          ctx.logger.info(`${key}: ${url}`);
        }
      }
      links.hints.forEach(hint => ctx.logger.info(hint));
    },
  });
}
