import { z } from 'zod';
import {
  boundedArray,
  commonActionFields,
  dnsLabel,
  labelMap,
  objectName,
  port,
} from './fields';
import { gatewayApiHostname } from './httpRouteInput';
import { INPUT_LIMITS } from './limits';

const listenerSchema = z
  .object({
    name: objectName('listener name'),
    hostname: gatewayApiHostname('listener hostname').optional(),
    port: port('listener port').default(443),
    certificateRefs: boundedArray(
      z.object({
        name: objectName('certificateRefs name (a kubernetes.io/tls Secret)'),
        namespace: dnsLabel('certificateRefs namespace')
          .optional()
          .describe(
            "The Secret's namespace, if not the Gateway's; a ReferenceGrant there is created with the Gateway",
          ),
      }),
      'certificateRefs',
      INPUT_LIMITS.certificateRefs,
      { required: 'an HTTPS listener needs certificateRefs' },
    ).min(1, 'an HTTPS listener needs at least one certificateRef'),
    allowedRoutes: z
      .object({
        from: z
          .enum(['Same', 'All', 'Selector'], {
            errorMap: () => ({
              message: 'allowedRoutes.from must be "Same", "All" or "Selector"',
            }),
          })
          .default('Same'),
        selector: labelMap(
          'allowedRoutes.selector',
          INPUT_LIMITS.selectorEntries,
        ).optional(),
      })
      .default({ from: 'Same' })
      .describe(
        'Namespaces whose HTTPRoutes the listener takes: its own (Same), All, or those whose labels match selector (Selector)',
      ),
  })
  .superRefine((listener, ctx) => {
    const { from, selector } = listener.allowedRoutes;
    const entries = Object.keys(selector ?? {}).length;
    if (from === 'Selector' && entries === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['allowedRoutes', 'selector'],
        message:
          'allowedRoutes.from Selector needs a selector with at least one label',
      });
    }
    if (from !== 'Selector' && selector !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['allowedRoutes', 'selector'],
        message: 'allowedRoutes.selector is used only with from: Selector',
      });
    }
  });

/**
 * Input of `istio:gatewayapi:gateway:create`.
 *
 * @public
 */
export const k8sGatewayInputSchema = z
  .object({
    ...commonActionFields,
    name: objectName('gateway name'),
    namespace: dnsLabel('namespace').default('istio-ingress'),
    listeners: boundedArray(
      listenerSchema,
      'listeners',
      INPUT_LIMITS.listeners,
      { required: 'listeners is required' },
    ).min(1, 'listeners must have at least one listener'),
  })
  .superRefine((input, ctx) => {
    const names = input.listeners.map(l => l.name);
    const served = input.listeners.map(l => `${l.port}|${l.hostname ?? '*'}`);
    input.listeners.forEach((l, i) => {
      if (names.indexOf(l.name) !== i) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['listeners', i, 'name'],
          message: `listeners has two listeners named "${l.name}"`,
        });
      } else if (served.indexOf(served[i]) !== i) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['listeners', i],
          message: `listeners "${names[served.indexOf(served[i])]}" and "${
            l.name
          }" both serve ${l.hostname ?? 'every hostname'} on port ${
            l.port
          } (HostnameConflict)`,
        });
      }
    });
  });

/** @public */
export type K8sGatewayInput = z.output<typeof k8sGatewayInputSchema>;
