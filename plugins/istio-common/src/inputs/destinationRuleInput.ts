import { z } from 'zod';
import {
  boundedArray,
  commonActionFields,
  dnsLabel,
  labelMap,
  objectName,
} from './fields';
import { INPUT_LIMITS } from './limits';

/**
 * Input of `istio:destinationrule:create`.
 *
 * @public
 */
export const destinationRuleInputSchema = z
  .object({
    ...commonActionFields,
    name: objectName('destinationrule name'),
    namespace: dnsLabel('namespace'),
    host: dnsLabel('host (the Service name)'),
    subsets: boundedArray(
      z.object({
        name: dnsLabel('subset name'),
        labels: labelMap('subset labels', INPUT_LIMITS.selectorEntries).refine(
          l => Object.keys(l).length > 0,
          'a subset needs at least one label to select its pods (e.g. version: v2)',
        ),
      }),
      'subsets',
      INPUT_LIMITS.subsets,
      { invalidType: 'subsets must be a list' },
    ).default([]),
    trafficPolicy: z
      .object({
        tlsMode: z.enum(['ISTIO_MUTUAL', 'DISABLE']).optional(),
        loadBalancer: z
          .enum(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH'])
          .optional(),
      })
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (
      input.subsets.length === 0 &&
      !input.trafficPolicy?.tlsMode &&
      !input.trafficPolicy?.loadBalancer
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['subsets'],
        message:
          'a DestinationRule needs subsets or a trafficPolicy; with neither it changes nothing',
      });
    }
    const names = input.subsets.map(s => s.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['subsets'],
        message: `subset "${dup}" is defined twice`,
      });
    }
  });

/** @public */
export type DestinationRuleInput = z.output<typeof destinationRuleInputSchema>;
