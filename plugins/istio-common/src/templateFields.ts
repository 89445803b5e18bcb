import { z } from 'zod';
import { findingSchema } from './status/schema';

/**
 * Responses of the endpoints behind the scaffolder's form fields
 * (`/api/istio/v1/template-fields/...`).
 */

/** @public */
export const templateNamespacesResponseSchema = z.object({
  namespaces: z.array(z.string()),
});

/** @public */
export const templateGatewaySchema = z.object({
  /** `namespace/name` */
  ref: z.string(),
  hosts: z.array(z.string()),
  credentialName: z.string().optional(),
});

/** @public */
export const templateGatewaysResponseSchema = z.object({
  gateways: z.array(templateGatewaySchema),
});

/** @public */
export const hostCheckSchema = z.object({
  host: z.string(),
  gateway: z.string(),
  ok: z.boolean(),
  /** Why the host cannot go on the gateway, each in one sentence. */
  problems: z.array(z.string()),
  /** Good to know, e.g. which certificate covers it. */
  notes: z.array(z.string()),
  /** The rule book's findings behind `problems` and `notes`. */
  findings: z.array(findingSchema).optional(),
});

/** @public */
export type TemplateGateway = z.infer<typeof templateGatewaySchema>;
/** @public */
export type HostCheck = z.infer<typeof hostCheckSchema>;
