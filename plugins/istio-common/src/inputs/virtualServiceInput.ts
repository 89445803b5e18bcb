import { z } from 'zod';
import { duplicateRouteMatch, routeWeightProblem } from '../mesh/rules/routes';
import { validateDns1123Label, validateHostname } from '../validation/names';
import {
  boundedArray,
  boundedString,
  commonActionFields,
  dnsLabel,
  duration,
  hostname,
  objectName,
  port,
} from './fields';
import { NAMESPACED_REF, NO_WHITESPACE } from './checks';
import { INPUT_LIMITS } from './limits';
import { show } from '../validation/show';

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
          message: `destination host ${show(host)} ${problem}`,
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
    pathPrefix: boundedString('pathPrefix', INPUT_LIMITS.httpPathLength)
      .startsWith('/', 'pathPrefix must start with "/"')
      .regex(
        NO_WHITESPACE,
        'pathPrefix must not contain spaces, line breaks or control characters',
      )
      .optional(),
    destinations: boundedArray(
      destinationSchema,
      'destinations',
      INPUT_LIMITS.destinations,
      { required: 'a route needs destinations' },
    ).min(1, 'a route needs at least one destination'),
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
    // the rule book's KIA1104 rule, on what the template asks for
    const problem = routeWeightProblem(route.destinations.map(d => d.weight));
    if (problem) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['destinations'],
        message: `${problem} (KIA1104)`,
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
    hosts: boundedArray(hostname(), 'hosts', INPUT_LIMITS.hosts, {
      verb: 'name',
      required: 'hosts is required',
    }).min(1, 'hosts must name at least one host'),
    gateways: boundedArray(
      boundedString('gateways entry', INPUT_LIMITS.namespacedRefLength).regex(
        NAMESPACED_REF,
        'gateways entries must be "<namespace>/<name>", e.g. "istio-ingress/public-gateway"',
      ),
      'gateways',
      INPUT_LIMITS.gateways,
      { verb: 'name', required: 'gateways is required' },
    ).min(1, 'gateways must name at least one gateway'),
    routes: boundedArray(routeSchema, 'routes', INPUT_LIMITS.routes, {
      required: 'routes is required',
    }).min(1, 'routes must have at least one route'),
  })
  .superRefine((input, ctx) => {
    // the rule book's KIA1105 rule: the same prefix twice
    const dup = duplicateRouteMatch(input.routes.map(r => r.pathPrefix));
    if (dup) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['routes'],
        message: `two routes match the same path prefix ${show(
          dup,
        )}; the second would never be used (KIA1105)`,
      });
    }
  });

/** @public */
export type VirtualServiceInput = z.output<typeof virtualServiceInputSchema>;
