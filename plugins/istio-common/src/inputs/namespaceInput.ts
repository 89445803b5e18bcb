import { z } from 'zod';
import { AMBIENT_KEYS } from '../mesh/ambient';
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
    /**
     * Ambient only: a waypoint of this name (a Gateway of class
     * istio-waypoint) in the namespace, and the namespace enrolled to it.
     */
    waypoint: dnsLabel('waypoint')
      .optional()
      .describe(
        'injection "ambient" only: also create a waypoint of this name (a Gateway API Gateway of class istio-waypoint) in the namespace and enrol the namespace to it (istio.io/use-waypoint)',
      ),
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
    if (input.waypoint !== undefined && input.injection !== 'ambient') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['waypoint'],
        message: `waypoint is only used with injection "ambient" (got injection "${input.injection}"): waypoints serve ambient workloads`,
      });
    }
    if (input.waypoint === 'none') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['waypoint'],
        message: `waypoint must not be "none": ${AMBIENT_KEYS.useWaypoint}=none means "no waypoint", so Istio reserves the name`,
      });
    }
    if (
      input.waypoint !== undefined &&
      input.labels &&
      (AMBIENT_KEYS.useWaypoint in input.labels ||
        AMBIENT_KEYS.useWaypointNamespace in input.labels)
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['labels'],
        message: `labels must not set "${AMBIENT_KEYS.useWaypoint}" or "${AMBIENT_KEYS.useWaypointNamespace}" together with waypoint: the waypoint input decides them`,
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
