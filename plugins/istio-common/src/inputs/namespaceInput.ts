import { z } from 'zod';
import { INJECTION_LABELS } from '../manifests/namespace';
import {
  annotationMap,
  commonActionFields,
  dnsLabel,
  labelMap,
} from './fields';
import { INPUT_LIMITS } from './limits';

/**
 * Input of `istio:namespace:create`.
 *
 * @public
 */
export const namespaceInputSchema = z
  .object({
    ...commonActionFields,
    name: dnsLabel('namespace name'),
    injection: z
      .enum(['sidecar', 'revision', 'ambient'], {
        errorMap: () => ({
          message: 'injection must be "sidecar", "revision" or "ambient"',
        }),
      })
      .default('sidecar'),
    revision: dnsLabel('revision').optional(),
    labels: labelMap('labels', INPUT_LIMITS.labels).optional(),
    annotations: annotationMap(
      'annotations',
      INPUT_LIMITS.annotations,
    ).optional(),
    mtls: z
      .enum(['STRICT', 'PERMISSIVE'], {
        errorMap: () => ({ message: 'mtls must be "STRICT" or "PERMISSIVE"' }),
      })
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (input.injection === 'revision' && !input.revision) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['revision'],
        message:
          'revision is required with injection "revision" (the istio.io/rev of an installed control plane, e.g. "1-30")',
      });
    }
    if (input.injection !== 'revision' && input.revision) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['revision'],
        message: `revision is only used with injection "revision" (got injection "${input.injection}")`,
      });
    }
    for (const key of Object.values(INJECTION_LABELS)) {
      if (input.labels && key in input.labels) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['labels'],
          message: `labels must not set "${key}": the injection input decides it, and a namespace with more than one injection label is ambiguous (IST0123)`,
        });
      }
    }
  });

/** @public */
export type NamespaceInput = z.output<typeof namespaceInputSchema>;
