import { z } from 'zod';
import {
  boundedArray,
  boundedString,
  commonActionFields,
  hostname,
  labelMap,
  objectName,
} from './fields';
import { NO_WHITESPACE } from './checks';
import { INPUT_LIMITS } from './limits';
import { show } from '../validation/show';

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
    selector: labelMap('selector', INPUT_LIMITS.selectorEntries).default({
      istio: 'ingressgateway',
    }),
    hosts: boundedArray(hostname(), 'hosts', INPUT_LIMITS.hosts, {
      verb: 'name',
      required: 'hosts is required',
      invalidType: 'hosts must be a list of host names',
    }).min(1, 'hosts must name at least one host'),
    credentialName: objectName('credentialName').default('istio-gateway-cert'),
    httpsRedirect: z
      .boolean({ invalid_type_error: 'httpsRedirect must be true or false' })
      .default(true),
    tlsFiles: z
      .object({
        serverCertificate: boundedString(
          'tlsFiles.serverCertificate',
          INPUT_LIMITS.tlsFilePathLength,
        )
          .startsWith(
            '/',
            'tlsFiles.serverCertificate must be an absolute path',
          )
          .regex(
            NO_WHITESPACE,
            'tlsFiles.serverCertificate must not contain spaces, line breaks or control characters',
          ),
        privateKey: boundedString(
          'tlsFiles.privateKey',
          INPUT_LIMITS.tlsFilePathLength,
        )
          .startsWith('/', 'tlsFiles.privateKey must be an absolute path')
          .regex(
            NO_WHITESPACE,
            'tlsFiles.privateKey must not contain spaces, line breaks or control characters',
          ),
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
          message: `hosts lists ${show(host)} twice`,
        });
      }
      seen.add(host.toLowerCase());
    }
  });

/** @public */
export type GatewayInput = z.output<typeof gatewayInputSchema>;
