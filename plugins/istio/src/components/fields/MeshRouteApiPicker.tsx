import { useApi } from '@backstage/core-plugin-api';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  ROUTE_APIS,
  RouteApi,
  routeApiSchema,
  TemplateRouteApi,
} from '@meshdeck/plugin-istio-common';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { istioApiRef } from '../../api';
import { formValue, ROUTE_API_LABELS, stringValue } from './formContext';

type RouteApiOptions = { clusterField?: string };

const isServed = (answer: TemplateRouteApi | undefined, api: RouteApi) =>
  !answer || (api === 'istio' ? answer.served.istio : answer.served.gatewayApi);

const notServed = (api: RouteApi) =>
  `The cluster does not serve the ${
    api === 'istio'
      ? 'Istio Gateway and VirtualService kinds (networking.istio.io)'
      : 'Gateway API Gateway and HTTPRoute kinds (gateway.networking.k8s.io)'
  }: choose the other API`;

/**
 * `ui:field: MeshRouteApiPicker` — which API the template's routes use:
 * Istio's Gateway and VirtualService, or the Kubernetes Gateway API's
 * Gateway and HTTPRoute. It starts with the platform's default
 * (`istio.scaffolder.routeApi`, or the other API when the cluster picked in
 * the `cluster` field serves only that one) and disables an API the cluster
 * does not serve. The value is `istio` or `gateway-api`; the gateway picker
 * and the host field follow it through their `ui:options.routeApiField`.
 */
export function MeshRouteApiPicker(
  props: FieldExtensionComponentProps<string, RouteApiOptions>,
) {
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  const cluster = formValue(
    props,
    props.uiSchema?.['ui:options']?.clusterField ?? 'cluster',
  );
  const istioApi = useApi(istioApiRef);
  const {
    value: answer,
    loading,
    error,
  } = useAsync(
    async () => (cluster ? istioApi.getTemplateRouteApi(cluster) : undefined),
    [istioApi, cluster],
  );
  // the platform's default, once known, unless the user chose already
  useEffect(() => {
    if (!formData && answer) {
      onChange(answer.default);
    }
  }, [formData, answer, onChange]);

  const chosen = routeApiSchema.safeParse(formData);
  let helperText: string | undefined = schema.description;
  let bad = (rawErrors?.length ?? 0) > 0;
  if (!cluster) {
    helperText = 'Pick a cluster first: it decides which APIs can be used';
  } else if (loading) {
    helperText = `Asking ${cluster} which APIs it serves…`;
  } else if (error) {
    helperText = `Cannot tell which APIs ${cluster} serves: ${error.message}`;
    bad = true;
  } else if (chosen.success && !isServed(answer, chosen.data)) {
    helperText = notServed(chosen.data);
    bad = true;
  } else if (
    answer &&
    answer.configured &&
    answer.default !== answer.configured
  ) {
    helperText = `The platform's default is the ${
      ROUTE_API_LABELS[answer.configured]
    }, but ${cluster} serves only the other one`;
  }
  return (
    <FormControl
      component="fieldset"
      margin="normal"
      fullWidth
      required={required}
      error={bad}
    >
      <FormLabel component="legend">
        {schema.title ?? 'How routes are written'}
      </FormLabel>
      <RadioGroup
        name={idSchema?.$id ?? 'routeApi'}
        value={stringValue(formData) ?? ''}
        onChange={(_event, value) => onChange(value)}
        data-testid="mesh-route-api-picker"
      >
        {ROUTE_APIS.map(api => {
          const served = isServed(answer, api);
          return (
            <FormControlLabel
              key={api}
              value={api}
              control={<Radio color="primary" />}
              disabled={!served}
              label={
                served
                  ? ROUTE_API_LABELS[api]
                  : `${ROUTE_API_LABELS[api]} (not served by ${cluster})`
              }
            />
          );
        })}
      </RadioGroup>
      {helperText && (
        <FormHelperText aria-live="polite">{helperText}</FormHelperText>
      )}
    </FormControl>
  );
}

/** Blocks the step while the chosen API is one the cluster does not serve. */
export const meshRouteApiValidation: CustomFieldValidator<
  string,
  RouteApiOptions
> = async (value, field, context) => {
  const chosen = routeApiSchema.safeParse(value);
  if (!value) {
    return;
  }
  if (!chosen.success) {
    field.addError(`choose ${ROUTE_APIS.join(' or ')}`);
    return;
  }
  const options = context.uiSchema?.['ui:options'] ?? {};
  const cluster = stringValue(
    (context.formData as Record<string, unknown>)?.[
      options.clusterField ?? 'cluster'
    ],
  );
  const istioApi = context.apiHolder.get(istioApiRef);
  if (!cluster || !istioApi) {
    return;
  }
  let answer: TemplateRouteApi;
  try {
    answer = await istioApi.getTemplateRouteApi(cluster);
  } catch {
    // the field says it cannot tell; the template's steps check again
    return;
  }
  if (!isServed(answer, chosen.data)) {
    field.addError(notServed(chosen.data));
  }
};
