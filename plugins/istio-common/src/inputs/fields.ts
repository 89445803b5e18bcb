import { z } from 'zod';
import {
  validateDns1123Label,
  validateDns1123Subdomain,
  validateHostname,
  validateLabelValue,
  validateQualifiedName,
} from '../validation/names';
import { show } from '../validation/show';
import { NO_CONTROL_CHARACTERS, WORKSPACE_PATH } from './checks';
import { INPUT_LIMITS } from './limits';

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
          message: `${what} ${show(value)} ${problem}`,
        });
      }
    });
}

/**
 * Messages a bounded field gives when it is missing or of the wrong type.
 *
 * @public
 */
export type TypeMessages = {
  /** When the field is left out. */
  required?: string;
  /** When the field is there but of the wrong type. */
  invalidType?: string;
};

/**
 * An error map that says what a bounded field got, which zod's static
 * `.max()` messages cannot. Other problems keep the messages they would have
 * had with `required_error` and `invalid_type_error`.
 */
function boundErrorMap(
  tooBig: (got: number) => string,
  messages: TypeMessages,
): z.ZodErrorMap {
  return (issue, ctx) => {
    if (issue.code === z.ZodIssueCode.too_big) {
      const data = ctx.data as { length?: unknown } | undefined;
      const got = typeof data?.length === 'number' ? data.length : NaN;
      return { message: tooBig(got) };
    }
    if (issue.code === z.ZodIssueCode.invalid_type) {
      const message =
        ctx.data === undefined ? messages.required : messages.invalidType;
      return { message: message ?? ctx.defaultError };
    }
    return { message: ctx.defaultError };
  };
}

/**
 * A list of at most `max` items. For example
 * `boundedArray(hostname(), 'hosts', 20, { verb: 'name' })` refuses 2000
 * hosts with "hosts may name at most 20 hosts (got 2000)". Chain `.min(...)`
 * for a lower bound.
 *
 * @public
 */
export function boundedArray<T extends z.ZodTypeAny>(
  item: T,
  what: string,
  max: number,
  options: TypeMessages & {
    /** What the items are called in the message; defaults to `what`. */
    noun?: string;
    /** "name" for lists of names, "have" (the default) for the rest. */
    verb?: 'name' | 'have';
  } = {},
) {
  const { noun = what, verb = 'have' } = options;
  return z
    .array(item, {
      errorMap: boundErrorMap(
        got => `${what} may ${verb} at most ${max} ${noun} (got ${got})`,
        options,
      ),
    })
    .max(max);
}

/**
 * A string of at most `max` characters, refused with e.g. "renderPath must
 * be at most 256 characters (got 300)". Chain further checks as usual.
 *
 * @public
 */
export function boundedString(
  what: string,
  max: number,
  messages: TypeMessages = {},
) {
  return z
    .string({
      errorMap: boundErrorMap(
        got => `${what} must be at most ${max} characters (got ${got})`,
        messages,
      ),
    })
    .max(max);
}

/** Adds the too-many-entries issue of a map; true when it did. */
function tooManyEntries(
  map: Record<string, unknown>,
  what: string,
  max: number,
  ctx: z.RefinementCtx,
): boolean {
  const got = Object.keys(map).length;
  if (got <= max) {
    return false;
  }
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: `${what} may have at most ${max} entries (got ${got})`,
  });
  return true;
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

/** Kubernetes labels (keys and values checked), at most `max` of them. @public */
export const labelMap = (what: string, max: number) =>
  z
    .record(z.string({ invalid_type_error: `${what} values must be strings` }))
    .superRefine((labels, ctx) => {
      if (tooManyEntries(labels, what, max, ctx)) {
        return;
      }
      for (const [key, value] of Object.entries(labels)) {
        const keyProblem = validateQualifiedName(key);
        if (keyProblem) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `${what} key ${show(key)} ${keyProblem}`,
          });
        }
        const valueProblem = validateLabelValue(value);
        if (valueProblem) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `${what} value ${show(value)} of ${show(
              key,
            )} ${valueProblem}`,
          });
        }
      }
    });

/**
 * Kubernetes annotations (keys checked), at most `max` of them, each value at
 * most `INPUT_LIMITS.annotationValueLength` characters.
 *
 * @public
 */
export const annotationMap = (what: string, max: number) =>
  z
    .record(
      boundedString(`${what} value`, INPUT_LIMITS.annotationValueLength, {
        invalidType: `${what} values must be strings`,
      }),
    )
    .superRefine((annotations, ctx) => {
      if (tooManyEntries(annotations, what, max, ctx)) {
        return;
      }
      for (const key of Object.keys(annotations)) {
        const problem = validateQualifiedName(key);
        if (problem) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `${what} key ${show(key)} ${problem}`,
          });
        }
      }
    });

/** An Istio duration such as `500ms`, `5s` or `1m`. @public */
export const duration = (what: string) =>
  boundedString(what, INPUT_LIMITS.durationLength, {
    invalidType: `${what} must be a string`,
  }).regex(
    /^[0-9]+(\.[0-9]+)?(ms|s|m|h)$/,
    `${what} must be a duration such as "500ms", "5s" or "1m"`,
  );

/** Settings every action shares. @public */
export const commonActionFields = {
  cluster: boundedString('cluster', INPUT_LIMITS.clusterLength, {
    required:
      'cluster is required: the name of a cluster configured in Backstage',
    invalidType: 'cluster must be a string',
  })
    .min(1, 'cluster must not be empty')
    .regex(
      NO_CONTROL_CHARACTERS,
      'cluster must not contain line breaks or control characters',
    ),
  mode: z
    .enum(['apply', 'render'], {
      errorMap: () => ({ message: 'mode must be "apply" or "render"' }),
    })
    .default('apply'),
  renderPath: boundedString('renderPath', INPUT_LIMITS.renderPathLength, {
    invalidType: 'renderPath must be a string',
  })
    .regex(
      WORKSPACE_PATH,
      'renderPath must be a relative path inside the workspace (not absolute, no "..", no control characters)',
    )
    .default('manifests'),
  force: z
    .boolean({ invalid_type_error: 'force must be true or false' })
    .default(false),
  kubernetesId: checked('kubernetesId', validateLabelValue).optional(),
};
