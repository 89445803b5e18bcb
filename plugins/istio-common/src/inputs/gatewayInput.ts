import { z } from 'zod';
import { commonActionFields, hostname, labelMap, objectName } from './fields';

/**
 * Input of `istio:gateway:create`.
 *
 * @public
 */
export const gatewayInputSchema = z
  .object({
    ...commonActionFields,
    name: objectName('gateway name'),
    namespace: objectName('namespace').default('istio-ingress'),
    selector: labelMap('selector').default({ istio: 'ingressgateway' }),
    hosts: z
      .array(hostname(), {
        required_error: 'hosts is required',
        invalid_type_error: 'hosts must be a list of host names',
      })
      .min(1, 'hosts must name at least one host'),
    credentialName: objectName('credentialName').default('istio-gateway-cert'),
    httpsRedirect: z
      .boolean({ invalid_type_error: 'httpsRedirect must be true or false' })
      .default(true),
    tlsFiles: z
      .object({
        serverCertificate: z
          .string()
          .startsWith(
            '/',
            'tlsFiles.serverCertificate must be an absolute path',
          ),
        privateKey: z
          .string()
          .startsWith('/', 'tlsFiles.privateKey must be an absolute path'),
      })
      .optional()
      .describe(
        'Legacy TLS: certificate files mounted into the gateway pod instead of credentialName',
      ),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    for (const host of input.hosts) {
      if (seen.has(host.toLowerCase())) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['hosts'],
          message: `hosts lists "${host}" twice`,
        });
      }
      seen.add(host.toLowerCase());
    }
  });

/** @public */
export type GatewayInput = z.output<typeof gatewayInputSchema>;
