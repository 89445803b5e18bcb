import { z } from 'zod';
import { commonActionFields, dnsLabel, labelMap, objectName } from './fields';

const SERVICE_ACCOUNT =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
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
    serviceAccounts: z
      .array(
        z
          .string()
          .regex(
            SERVICE_ACCOUNT,
            'serviceAccounts entries must be "<namespace>/<serviceaccount>", e.g. "shop/frontend"',
          ),
      )
      .optional(),
    namespaces: z.array(dnsLabel('allowed namespace')).optional(),
    methods: z
      .array(
        z.enum(METHODS, {
          errorMap: () => ({
            message: `methods entries must be one of ${METHODS.join(', ')}`,
          }),
        }),
      )
      .optional(),
    paths: z
      .array(z.string().startsWith('/', 'paths entries must start with "/"'))
      .optional(),
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
  selector: labelMap('selector').optional(),
  allow: z
    .array(ruleSchema, { required_error: 'allow is required' })
    .min(1, 'allow must have at least one rule'),
  defaultDeny: z
    .boolean({ invalid_type_error: 'defaultDeny must be true or false' })
    .default(false),
});

/** @public */
export type AuthorizationPolicyInput = z.output<
  typeof authorizationPolicyInputSchema
>;
