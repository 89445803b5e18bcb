import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { RouteApi, routeApiSchema } from '@meshdeck/plugin-istio-common';

/** A value entered elsewhere in the template's form (any page). */
export function formValue(
  props: Pick<FieldExtensionComponentProps<unknown>, 'formContext'>,
  key: string | undefined,
): string | undefined {
  if (!key) {
    return undefined;
  }
  return stringValue((props.formContext as any)?.formData?.[key]);
}

/** A non-empty string, or undefined. */
export function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * The route API a field works with: `istio` when the field has no
 * `routeApiField` (the fields' behaviour before there was a choice), else
 * the value of that field — undefined while it has none yet.
 */
export function routeApiOf(
  routeApiField: string | undefined,
  formData: Record<string, unknown> | undefined,
): RouteApi | undefined {
  if (!routeApiField) {
    return 'istio';
  }
  const parsed = routeApiSchema.safeParse(formData?.[routeApiField]);
  return parsed.success ? parsed.data : undefined;
}

/** The route APIs in words, as the form shows them. */
export const ROUTE_API_LABELS: Record<RouteApi, string> = {
  istio: 'Istio Gateway and VirtualService (networking.istio.io)',
  'gateway-api':
    'Kubernetes Gateway API: Gateway and HTTPRoute (gateway.networking.k8s.io)',
};

/** The kind of gateway of a route API, in a few words. */
export const GATEWAY_KIND: Record<RouteApi, string> = {
  istio: 'Istio Gateway',
  'gateway-api': 'Gateway API Gateway',
};
