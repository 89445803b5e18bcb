import { z } from 'zod';
import {
  boundedArray,
  boundedString,
  commonActionFields,
  dnsLabel,
  labelMap,
  objectName,
} from './fields';
import { NAMESPACED_REF, NO_WHITESPACE } from './checks';
import { INPUT_LIMITS } from './limits';

const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
] as const;

const ruleSchema = z
  .object({
    serviceAccounts: boundedArray(
      boundedString(
        'serviceAccounts entry',
        INPUT_LIMITS.namespacedRefLength,
      ).regex(
        NAMESPACED_REF,
        'serviceAccounts entries must be "<namespace>/<serviceaccount>", e.g. "shop/frontend"',
      ),
      'serviceAccounts',
      INPUT_LIMITS.serviceAccounts,
      { verb: 'name', noun: 'service accounts' },
    ).optional(),
    namespaces: boundedArray(
      dnsLabel('allowed namespace'),
      'namespaces',
      INPUT_LIMITS.namespaces,
      { verb: 'name' },
    ).optional(),
    methods: boundedArray(
      z.enum(METHODS, {
        errorMap: () => ({
          message: `methods entries must be one of ${METHODS.join(', ')}`,
        }),
      }),
      'methods',
      INPUT_LIMITS.methods,
      { verb: 'name' },
    ).optional(),
    paths: boundedArray(
      boundedString('paths entry', INPUT_LIMITS.httpPathLength)
        .startsWith('/', 'paths entries must start with "/"')
        .regex(
          NO_WHITESPACE,
          'paths entries must not contain spaces, line breaks or control characters',
        ),
      'paths',
      INPUT_LIMITS.paths,
      { verb: 'name' },
    ).optional(),
  })
  .refine(
    rule =>
      Boolean(
        rule.serviceAccounts?.length ||
          rule.namespaces?.length ||
          rule.methods?.length ||
          rule.paths?.length,
      ),
    'an empty allow rule allows every request; name serviceAccounts, namespaces, methods or paths',
  );

/**
 * Input of `istio:authorizationpolicy:create`.
 *
 * @public
 */
export const authorizationPolicyInputSchema = z.object({
  ...commonActionFields,
  name: objectName('authorizationpolicy name'),
  namespace: dnsLabel('namespace'),
  selector: labelMap('selector', INPUT_LIMITS.selectorEntries).optional(),
  allow: boundedArray(ruleSchema, 'allow', INPUT_LIMITS.allowRules, {
    noun: 'rules',
    required: 'allow is required',
  }).min(1, 'allow must have at least one rule'),
  defaultDeny: z
    .boolean({ invalid_type_error: 'defaultDeny must be true or false' })
    .default(false),
});

/** @public */
export type AuthorizationPolicyInput = z.output<
  typeof authorizationPolicyInputSchema
>;
