import { z } from 'zod';
import { findingSchema } from './status/schema';

/**
 * Responses of the endpoints behind the scaffolder's form fields
 * (`/api/istio/v1/template-fields/...`).
 */

/**
 * Which API the routes a template writes use: Istio's `networking.istio.io`
 * Gateway and VirtualService (`istio`), or the Kubernetes Gateway API's
 * Gateway and HTTPRoute (`gateway-api`). The platform's default is
 * `istio.scaffolder.routeApi`.
 *
 * @public
 */
export const routeApiSchema = z.enum(['istio', 'gateway-api'], {
  errorMap: () => ({ message: 'api must be "istio" or "gateway-api"' }),
});

/** @public */
export type RouteApi = z.infer<typeof routeApiSchema>;

/** The route APIs, in the order the form offers them. @public */
export const ROUTE_APIS: readonly RouteApi[] = ['istio', 'gateway-api'];

/** @public */
export const templateRouteApiResponseSchema = z.object({
  /**
   * The choice the form starts with: `istio.scaffolder.routeApi`, unless the
   * cluster serves only the other API.
   */
  default: routeApiSchema,
  /** `istio.scaffolder.routeApi` as configured (default `istio`). */
  configured: routeApiSchema.optional(),
  /** Whether the cluster serves the kinds each API's routes need. */
  served: z.object({
    /** `networking.istio.io` Gateway and VirtualService. */
    istio: z.boolean(),
    /** `gateway.networking.k8s.io` Gateway and HTTPRoute. */
    gatewayApi: z.boolean(),
  }),
});

/** @public */
export const templateNamespacesResponseSchema = z.object({
  namespaces: z.array(z.string()),
});

/** One listener of a Gateway API Gateway, as the gateway picker shows it. @public */
export const templateGatewayListenerSchema = z.object({
  name: z.string(),
  port: z.number(),
  protocol: z.string(),
  /** Absent: every hostname. */
  hostname: z.string().optional(),
  /** `allowedRoutes.namespaces.from`: `Same`, `All` or `Selector`. */
  allowedRoutesFrom: z.string(),
  /** `namespace/name` of the certificate Secrets, when it terminates TLS. */
  certificateRefs: z.array(z.string()).optional(),
});

/** @public */
export const templateGatewaySchema = z.object({
  /** `namespace/name` */
  ref: z.string(),
  /** Which kind of Gateway (absent in older answers: `istio`). */
  api: routeApiSchema.optional(),
  /** Istio: the servers' hosts; Gateway API: the listeners' hostnames (`*` for none). */
  hosts: z.array(z.string()),
  /** Istio: the TLS credential secret of the gateway. */
  credentialName: z.string().optional(),
  /** Gateway API: the listeners that take HTTPRoutes. */
  listeners: z.array(templateGatewayListenerSchema).optional(),
});

/** @public */
export const templateGatewaysResponseSchema = z.object({
  gateways: z.array(templateGatewaySchema),
});

/** @public */
export const hostCheckSchema = z.object({
  host: z.string(),
  gateway: z.string(),
  /** The API the host was checked for (absent in older answers: `istio`). */
  api: routeApiSchema.optional(),
  ok: z.boolean(),
  /** Why the host cannot go on the gateway, each in one sentence. */
  problems: z.array(z.string()),
  /** Good to know, e.g. which certificate covers it. */
  notes: z.array(z.string()),
  /** The rule book's findings behind `problems` and `notes`. */
  findings: z.array(findingSchema).optional(),
});

/** @public */
export type TemplateRouteApi = z.infer<typeof templateRouteApiResponseSchema>;
/** @public */
export type TemplateGatewayListener = z.infer<
  typeof templateGatewayListenerSchema
>;
/** @public */
export type TemplateGateway = z.infer<typeof templateGatewaySchema>;
/** @public */
export type HostCheck = z.infer<typeof hostCheckSchema>;
