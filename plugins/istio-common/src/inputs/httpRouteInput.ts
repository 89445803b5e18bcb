import { z } from 'zod';
import { parseHttpRouteMatch } from '../mesh/gatewayApi/parse';
import {
  boundedArray,
  boundedString,
  commonActionFields,
  dnsLabel,
  hostname,
  objectName,
  port,
} from './fields';
import { NO_WHITESPACE } from './checks';
import { INPUT_LIMITS } from './limits';
import { show } from '../validation/show';

const GATEWAY_API_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const UNIT_MS: Record<string, number> = {
  h: 3600000,
  m: 60000,
  s: 1000,
  ms: 1,
};

/** Milliseconds of a Gateway API duration such as `1m30s`. */
function durationMs(value: string): number {
  let total = 0;
  for (const [, n, unit] of value.matchAll(/([0-9]+)(ms|h|m|s)/g)) {
    total += Number(n) * UNIT_MS[unit];
  }
  return total;
}

/** A Gateway API duration (`10s`, `1m30s`, `500ms`). @public */
export const gatewayApiDuration = (what: string) =>
  boundedString(what, INPUT_LIMITS.durationLength, {
    invalidType: `${what} must be a string`,
  }).regex(
    GATEWAY_API_DURATION,
    `${what} must be a Gateway API duration such as "500ms", "10s" or "1m30s"`,
  );

/**
 * A Gateway API hostname: a lower-case host name, optionally with one leading
 * `*.` (which matches one or more labels).
 *
 * @public
 */
export const gatewayApiHostname = (what: string) =>
  hostname(what).refine(
    h => h === h.toLowerCase(),
    h => ({
      message: `${what} ${show(
        h,
      )} must be lower case (the Gateway API requires it)`,
    }),
  );

const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
] as const;

const pathValue = boundedString('path value', INPUT_LIMITS.httpPathLength, {
  required: 'path value is required',
  invalidType: 'path value must be a string',
})
  .startsWith('/', 'path value must start with "/"')
  .regex(
    NO_WHITESPACE,
    'path value must not contain spaces, line breaks or control characters',
  )
  .refine(
    v => !/\/\/|\/\.\.?(\/|$)|%2f|%2F|#/.test(v),
    'path value must not contain "//", "/./", "/../", "%2f" or "#"',
  );

const matchSchema = z.object({
  path: z
    .object({
      type: z
        .enum(['PathPrefix', 'Exact'], {
          errorMap: () => ({
            message: 'path type must be "PathPrefix" or "Exact"',
          }),
        })
        .default('PathPrefix'),
      value: pathValue,
    })
    .optional(),
  method: z
    .enum(HTTP_METHODS, {
      errorMap: () => ({
        message: `method must be one of ${HTTP_METHODS.join(', ')}`,
      }),
    })
    .optional(),
});

const backendRefSchema = z.object({
  name: dnsLabel('backendRefs name (a Service)'),
  namespace: dnsLabel('backendRefs namespace').optional(),
  port: port('backendRefs port'),
  weight: z
    .number({ invalid_type_error: 'weight must be a number' })
    .int('weight must be a whole number')
    .min(0, 'weight must be between 0 and 1000000')
    .max(1000000, 'weight must be between 0 and 1000000')
    .optional(),
});

const ruleSchema = z
  .object({
    matches: boundedArray(
      matchSchema,
      'matches',
      INPUT_LIMITS.httpRouteMatches,
    ).optional(),
    backendRefs: boundedArray(
      backendRefSchema,
      'backendRefs',
      INPUT_LIMITS.backendRefs,
      { required: 'a rule needs backendRefs' },
    ).min(1, 'a rule needs at least one backendRef'),
    timeouts: z
      .object({
        request: gatewayApiDuration('timeouts.request').optional(),
        backendRequest: gatewayApiDuration(
          'timeouts.backendRequest',
        ).optional(),
      })
      .optional(),
  })
  .superRefine((rule, ctx) => {
    const weights = rule.backendRefs.map(b => b.weight ?? 1);
    if (weights.every(w => w === 0)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['backendRefs'],
        message:
          'every backendRef has weight 0: the rule would send no traffic (every request gets a 500)',
      });
    }
    const { request, backendRequest } = rule.timeouts ?? {};
    if (
      request &&
      backendRequest &&
      durationMs(request) !== 0 &&
      durationMs(backendRequest) > durationMs(request)
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['timeouts', 'backendRequest'],
        message: `timeouts.backendRequest (${backendRequest}) must not be longer than timeouts.request (${request})`,
      });
    }
  });

const parentRefSchema = z.object({
  name: objectName('parentRefs name (a Gateway)'),
  namespace: dnsLabel('parentRefs namespace').optional(),
  sectionName: objectName('sectionName (a listener name)').optional(),
  port: port('parentRefs port').optional(),
});

/**
 * Input of `istio:gatewayapi:httproute:create`.
 *
 * @public
 */
export const httpRouteInputSchema = z
  .object({
    ...commonActionFields,
    name: objectName('httproute name'),
    namespace: dnsLabel('namespace'),
    hostnames: boundedArray(
      gatewayApiHostname('hostname'),
      'hostnames',
      INPUT_LIMITS.httpRouteHostnames,
      { verb: 'name', required: 'hostnames is required' },
    ).min(
      1,
      'hostnames must name at least one hostname (without one the route would take every hostname of the listener)',
    ),
    parentRefs: boundedArray(
      parentRefSchema,
      'parentRefs',
      INPUT_LIMITS.parentRefs,
      {
        required: 'parentRefs is required: the Gateways the route attaches to',
      },
    ).min(1, 'parentRefs must name at least one Gateway'),
    rules: boundedArray(ruleSchema, 'rules', INPUT_LIMITS.httpRouteRules, {
      required: 'rules is required',
    }).min(1, 'rules must have at least one rule'),
  })
  .superRefine((input, ctx) => {
    const hosts = input.hostnames.map(h => h.toLowerCase());
    hosts.forEach((h, i) => {
      if (hosts.indexOf(h) !== i) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['hostnames'],
          message: `hostnames lists ${show(h)} twice`,
        });
      }
    });
    const parents = input.parentRefs.map(p =>
      [
        p.namespace ?? input.namespace,
        p.name,
        p.sectionName ?? '',
        p.port ?? '',
      ].join('/'),
    );
    parents.forEach((p, i) => {
      if (parents.indexOf(p) !== i) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['parentRefs', i],
          message: 'parentRefs names the same parent twice',
        });
      }
    });
    // the rule book's unreachable-route rule (KIA1105), on what is asked for
    const seen = new Map<string, number>();
    input.rules.forEach((rule, index) => {
      const matches = rule.matches?.length ? rule.matches : [{}];
      for (const m of matches) {
        const { key, display } = parseHttpRouteMatch(m);
        const first = seen.get(key);
        if (first !== undefined && first !== index) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['rules', index],
            message: `rule ${index + 1} matches ${display} like rule ${
              first + 1
            }; the later one would never be used (KIA1105)`,
          });
        } else if (first === undefined) {
          seen.set(key, index);
        }
      }
    });
  });

/** @public */
export type HttpRouteInput = z.output<typeof httpRouteInputSchema>;
