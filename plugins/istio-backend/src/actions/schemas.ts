import { ActionsRegistryActionOptions } from '@backstage/backend-plugin-api/alpha';
import {
  certificateVerdictSchema,
  severitySchema,
} from '@meshdeck/plugin-istio-common';

/**
 * The zod the actions registry hands a schema callback. It is the registry's
 * own instance (`zod/v3` of the zod Backstage depends on), not ours, so the
 * tools' schemas are written with it; the values of our enums come from
 * istio-common's schemas, and the answers are validated with those schemas
 * by `MeshQueries` before they get here.
 */
export type RegistryZod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/**
 * An open object schema of the registry's zod. The shared parts below are
 * typed this wide (their exact types cannot be named outside the registry's
 * zod); `MeshQueries` returns the exact types.
 */
type OpenObject = ReturnType<ReturnType<RegistryZod['object']>['passthrough']>;

/**
 * A finding of the rule book. Objects are open (`passthrough`): fields the
 * status gains later reach the caller unchanged.
 */
export const findingOutput = (z: RegistryZod): OpenObject =>
  z
    .object({
      id: z
        .string()
        .describe("Meshdeck's id of the rule, e.g. sidecar-missing"),
      severity: z.enum(severitySchema.options),
      code: z
        .string()
        .optional()
        .describe('The Istio analyzer or Kiali code it mirrors, e.g. IST0103'),
      object: z
        .string()
        .describe('The object it is about, as namespace/Kind/name'),
      message: z.string(),
      fix: z.string().optional().describe('A concrete fix, usually a command'),
    })
    .passthrough();

/** A gateway TLS certificate and its verdict. */
export const certificateOutput = (z: RegistryZod): OpenObject =>
  z
    .object({
      hosts: z.array(z.string()),
      gateway: z.string().describe('The Gateway, as namespace/name'),
      secret: z.object({ namespace: z.string(), name: z.string() }),
      certificate: z
        .object({
          notAfter: z.string(),
          daysLeft: z.number(),
        })
        .passthrough()
        .optional()
        .describe('The certificate in the secret, when it has a readable one'),
      verdict: z
        .enum(certificateVerdictSchema.options)
        .describe('The most urgent verdict; ok when nothing is to be done'),
    })
    .passthrough();
