import { z } from 'zod';
import { validateDns1123Label, validateHostname } from '../validation/names';
import {
  commonActionFields,
  dnsLabel,
  duration,
  hostname,
  objectName,
  port,
} from './fields';

const GATEWAY_REF =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

const destinationSchema = z.object({
  host: z
    .string({ required_error: 'destination host is required' })
    .superRefine((host, ctx) => {
      const problem = host.includes('.')
        ? validateHostname(host)
        : validateDns1123Label(host);
      if (problem) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `destination host "${host}" ${problem}`,
        });
      }
    }),
  port: port('destination port').optional(),
  subset: dnsLabel('subset').optional(),
  weight: z
    .number({ invalid_type_error: 'weight must be a number' })
    .int('weight must be a whole number')
    .min(0, 'weight must be between 0 and 100')
    .max(100, 'weight must be between 0 and 100')
    .optional(),
});

const routeSchema = z
  .object({
    pathPrefix: z
      .string()
      .startsWith('/', 'pathPrefix must start with "/"')
      .optional(),
    destinations: z
      .array(destinationSchema, {
        required_error: 'a route needs destinations',
      })
      .min(1, 'a route needs at least one destination'),
    timeout: duration('timeout').optional(),
    retries: z
      .object({
        attempts: z
          .number()
          .int('retries.attempts must be a whole number')
          .min(0, 'retries.attempts must be between 0 and 10')
          .max(10, 'retries.attempts must be between 0 and 10'),
        perTryTimeout: duration('retries.perTryTimeout').optional(),
      })
      .optional(),
  })
  .superRefine((route, ctx) => {
    const weights = route.destinations.map(d => d.weight);
    if (route.destinations.length > 1) {
      if (weights.some(w => w === undefined)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['destinations'],
          message:
            'with more than one destination every destination needs a weight (KIA1104)',
        });
        return;
      }
      const sum = weights.reduce((a, b) => a! + b!, 0);
      if (sum !== 100) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['destinations'],
          message: `destination weights must add up to 100, they add up to ${sum} (KIA1104)`,
        });
      }
    } else if (weights[0] !== undefined && weights[0] !== 100) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['destinations'],
        message: `a single destination gets all traffic; its weight must be 100 or left out (got ${weights[0]})`,
      });
    }
  });

/**
 * Input of `istio:virtualservice:create`.
 *
 * @public
 */
export const virtualServiceInputSchema = z
  .object({
    ...commonActionFields,
    name: objectName('virtualservice name'),
    namespace: dnsLabel('namespace'),
    hosts: z
      .array(hostname(), { required_error: 'hosts is required' })
      .min(1, 'hosts must name at least one host'),
    gateways: z
      .array(
        z
          .string()
          .regex(
            GATEWAY_REF,
            'gateways entries must be "<namespace>/<name>", e.g. "istio-ingress/public-gateway"',
          ),
        { required_error: 'gateways is required' },
      )
      .min(1, 'gateways must name at least one gateway'),
    routes: z
      .array(routeSchema, { required_error: 'routes is required' })
      .min(1, 'routes must have at least one route'),
  })
  .superRefine((input, ctx) => {
    const prefixes = input.routes.map(r => r.pathPrefix ?? '/');
    const dup = prefixes.find((p, i) => prefixes.indexOf(p) !== i);
    if (dup) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['routes'],
        message: `two routes match the same path prefix "${dup}"; the second would never be used (KIA1105)`,
      });
    }
  });

/** @public */
export type VirtualServiceInput = z.output<typeof virtualServiceInputSchema>;
