import { z } from 'zod';
import {
  validateDns1123Label,
  validateDns1123Subdomain,
  validateHostname,
  validateLabelValue,
  validateQualifiedName,
} from '../validation/names';

/**
 * Zod field builders shared by the action inputs. Every message names the
 * field and says what is wrong, so a template author can fix it from the
 * task log alone.
 */

function checked(
  what: string,
  validate: (value: string) => string | undefined,
) {
  return z
    .string({
      required_error: `${what} is required`,
      invalid_type_error: `${what} must be a string`,
    })
    .superRefine((value, ctx) => {
      const problem = validate(value);
      if (problem) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `${what} "${value}" ${problem}`,
        });
      }
    });
}

/** A namespace, Service, subset or other DNS-1123 label. @public */
export const dnsLabel = (what: string) => checked(what, validateDns1123Label);

/** An object name (DNS-1123 subdomain). @public */
export const objectName = (what: string) =>
  checked(what, validateDns1123Subdomain);

/** A public host name, optionally with one leading `*.`. @public */
export const hostname = (what = 'host') => checked(what, validateHostname);

/** A TCP port. @public */
export const port = (what = 'port') =>
  z
    .number({
      required_error: `${what} is required`,
      invalid_type_error: `${what} must be a number`,
    })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be between 1 and 65535`)
    .max(65535, `${what} must be between 1 and 65535`);

/** Kubernetes labels (keys and values checked). @public */
export const labelMap = (what: string) =>
  z
    .record(z.string({ invalid_type_error: `${what} values must be strings` }))
    .superRefine((labels, ctx) => {
      for (const [key, value] of Object.entries(labels)) {
        const keyProblem = validateQualifiedName(key);
        if (keyProblem) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `${what} key "${key}" ${keyProblem}`,
          });
        }
        const valueProblem = validateLabelValue(value);
        if (valueProblem) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `${what} value "${value}" of "${key}" ${valueProblem}`,
          });
        }
      }
    });

/** Kubernetes annotations (keys checked). @public */
export const annotationMap = (what: string) =>
  z
    .record(z.string({ invalid_type_error: `${what} values must be strings` }))
    .superRefine((annotations, ctx) => {
      for (const key of Object.keys(annotations)) {
        const problem = validateQualifiedName(key);
        if (problem) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `${what} key "${key}" ${problem}`,
          });
        }
      }
    });

/** An Istio duration such as `500ms`, `5s` or `1m`. @public */
export const duration = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be a string` })
    .regex(
      /^[0-9]+(\.[0-9]+)?(ms|s|m|h)$/,
      `${what} must be a duration such as "500ms", "5s" or "1m"`,
    );

/** Settings every action shares. @public */
export const commonActionFields = {
  cluster: z
    .string({
      required_error:
        'cluster is required: the name of a cluster configured in Backstage',
      invalid_type_error: 'cluster must be a string',
    })
    .min(1, 'cluster must not be empty'),
  mode: z
    .enum(['apply', 'render'], {
      errorMap: () => ({ message: 'mode must be "apply" or "render"' }),
    })
    .default('apply'),
  renderPath: z
    .string({ invalid_type_error: 'renderPath must be a string' })
    .default('manifests'),
  force: z
    .boolean({ invalid_type_error: 'force must be true or false' })
    .default(false),
  kubernetesId: checked('kubernetesId', validateLabelValue).optional(),
};
