import { ApiHolder, useApi, useApiHolder } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  RouteApi,
  validateHostname,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '@meshdeck/plugin-istio-common';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { IstioApi, istioApiRef } from '../../api';
import { routeApiOf, stringValue } from './formContext';

type HostOptions = {
  /** The form field holding the gateway (`namespace/name`). */
  gatewayField?: string;
  clusterField?: string;
  /** The form field holding the service's namespace, if the form has one. */
  namespaceField?: string;
  /**
   * The form field holding the name of the route the template writes, so
   * that re-running the template for the same route is no conflict.
   */
  routeNameField?: string;
  /**
   * The form field holding the route API (`MeshRouteApiPicker`): the host
   * is checked with the rules of the VirtualService action for `istio`, of
   * the HTTPRoute action for `gateway-api`. Without it, `istio`.
   */
  routeApiField?: string;
  /**
   * The form field holding a catalog entity (`EntityPicker`) whose
   * `backstage.io/kubernetes-namespace` annotation is the route's namespace
   * (before `namespaceField`), and whose name is the route's name when
   * `routeNameField` is empty — as the onboarding template writes it.
   */
  entityField?: string;
};

/** The route the template will write, as far as the form tells. */
type RouteTarget = {
  cluster?: string;
  gateway?: string;
  api?: RouteApi;
  namespace?: string;
  name?: string;
};

/** The host check's request, or why there is none yet. */
function checkRequest(
  target: RouteTarget,
  host: string,
):
  | { request: Parameters<IstioApi['checkHost']>[0] }
  | { waiting: string | undefined } {
  const { cluster, gateway, api, namespace, name } = target;
  if (!cluster || !gateway) {
    return {
      waiting: 'Pick the gateway first; the host is checked against it',
    };
  }
  if (!api) {
    return {
      waiting:
        'Choose how routes are written first; the host is checked against that kind of gateway',
    };
  }
  if (api === 'gateway-api' && !namespace) {
    return {
      waiting:
        "Pick the namespace first: a Gateway API gateway's listeners take routes by their namespace",
    };
  }
  return {
    request: {
      cluster,
      gateway,
      host,
      namespace,
      name,
      // `api` only when there is a choice: older backends know no `api`
      ...(api === 'gateway-api' && { api }),
    },
  };
}

/** Reads the route's target from the form's values (and the entity, if any). */
function routeTarget(
  options: HostOptions,
  data: Record<string, unknown> | undefined,
  entity: Entity | undefined,
): RouteTarget {
  const value = (key: string | undefined) =>
    key ? stringValue(data?.[key]) : undefined;
  return {
    cluster: value(options.clusterField ?? 'cluster'),
    gateway: value(options.gatewayField ?? 'gateway'),
    api: routeApiOf(options.routeApiField, data),
    namespace:
      stringValue(
        entity?.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION],
      ) ?? value(options.namespaceField ?? 'namespace'),
    name:
      value(options.routeNameField) ??
      (options.entityField ? entity?.metadata.name : undefined),
  };
}

/** The entity the `entityField` names, when it has one and the catalog is there. */
async function entityOf(
  apis: ApiHolder,
  ref: string | undefined,
): Promise<Entity | undefined> {
  const catalogApi = apis.get(catalogApiRef);
  if (!ref || !catalogApi) {
    return undefined;
  }
  return catalogApi.getEntityByRef(ref);
}

/**
 * `ui:field: MeshHostField` — a public host, checked as you type with the
 * rule book's rules that the template's route action runs before it writes:
 * for an Istio Gateway (`hostOnGatewayFindings`): valid name, served by the
 * gateway, covered by its certificate, not claimed by another route; for a
 * Gateway API Gateway (`httpRouteFindings`): a listener takes routes from
 * the namespace, a hostname intersects, no route of another namespace has
 * it on the listener, the listener's certificate covers it.
 */
export function MeshHostField(
  props: FieldExtensionComponentProps<string, HostOptions>,
) {
  const { formData, onChange, schema, required, rawErrors, uiSchema } = props;
  const options = uiSchema?.['ui:options'] ?? {};
  const data = (props.formContext as any)?.formData as
    | Record<string, unknown>
    | undefined;
  const apis = useApiHolder();
  const entityRef = options.entityField
    ? stringValue(data?.[options.entityField])
    : undefined;
  const { value: entity, loading: entityLoading } = useAsync(
    () => entityOf(apis, entityRef),
    [apis, entityRef],
  );
  const target = routeTarget(options, data, entity);
  const { cluster, gateway, api, namespace, name } = target;
  const istioApi = useApi(istioApiRef);
  const [host, setHost] = useState(formData ?? '');
  useDebounce(() => setHost(formData ?? ''), 400, [formData]);

  const syntax = host ? validateHostname(host) : undefined;
  let next = host && !syntax ? checkRequest(target, host) : undefined;
  if (next && entityLoading) {
    // the route's namespace and name may come from the component
    next = { waiting: `Reading ${entityRef}…` };
  }
  const {
    value: check,
    loading,
    error,
  } = useAsync(async () => {
    if (!next || !('request' in next)) {
      return undefined;
    }
    return istioApi.checkHost(next.request);
  }, [
    istioApi,
    host,
    cluster,
    gateway,
    api,
    namespace,
    name,
    syntax,
    entityLoading,
  ]);

  let helperText: string | undefined = schema.description;
  let bad = (rawErrors?.length ?? 0) > 0;
  if (syntax) {
    helperText = syntax;
    bad = true;
  } else if (next && 'waiting' in next) {
    helperText = next.waiting;
  } else if (loading) {
    helperText = `Checking ${host} on ${gateway}…`;
  } else if (error) {
    helperText = `Could not check ${host}: ${error.message}`;
    bad = true;
  } else if (check && !check.ok) {
    helperText = check.problems.join('; ');
    bad = true;
  } else if (check?.ok) {
    helperText = `✓ ${host} can go on ${gateway}${
      check.notes.length ? `: ${check.notes.join('; ')}` : ''
    }`;
  } else if (!gateway) {
    helperText = 'Pick the gateway first; the host is checked against it';
  }
  return (
    <TextField
      fullWidth
      margin="normal"
      label={schema.title ?? 'Host'}
      value={formData ?? ''}
      onChange={e => onChange(e.target.value.trim() || undefined)}
      required={required}
      error={bad}
      helperText={helperText}
      inputProps={{ 'data-testid': 'mesh-host-field' }}
      FormHelperTextProps={{ 'aria-live': 'polite' } as any}
    />
  );
}

/** Blocks the step while the host cannot go on the gateway. */
export const meshHostValidation: CustomFieldValidator<
  string,
  HostOptions
> = async (host, field, context) => {
  if (!host) {
    return;
  }
  const syntax = validateHostname(host);
  if (syntax) {
    field.addError(syntax);
    return;
  }
  const options = context.uiSchema?.['ui:options'] ?? {};
  const data = context.formData as Record<string, unknown>;
  const istioApi = context.apiHolder.get(istioApiRef);
  if (!istioApi) {
    return;
  }
  const entity = options.entityField
    ? await entityOf(
        context.apiHolder,
        stringValue(data?.[options.entityField]),
      ).catch(() => undefined)
    : undefined;
  const next = checkRequest(routeTarget(options, data, entity), host);
  if (!('request' in next)) {
    // nothing to check against yet; the template's steps check again
    return;
  }
  const check = await istioApi.checkHost(next.request);
  check.problems.forEach(p => field.addError(p));
};
