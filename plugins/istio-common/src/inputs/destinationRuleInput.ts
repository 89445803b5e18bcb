import { z } from 'zod';
import { commonActionFields, dnsLabel, labelMap, objectName } from './fields';

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
    subsets: z
      .array(
        z.object({
          name: dnsLabel('subset name'),
          labels: labelMap('subset labels').refine(
            l => Object.keys(l).length > 0,
            'a subset needs at least one label to select its pods (e.g. version: v2)',
          ),
        }),
        { required_error: 'subsets is required' },
      )
      .min(1, 'subsets must have at least one subset'),
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
