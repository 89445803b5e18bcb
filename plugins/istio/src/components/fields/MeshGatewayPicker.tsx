import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { TemplateGateway } from '@meshdeck/plugin-istio-common';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect, useRef } from 'react';
import { GATEWAY_KIND, routeApiOf } from './formContext';
import { useClusterLookup } from './useClusterLookup';

type GatewayOptions = {
  clusterField?: string;
  /**
   * The form field holding the route API (`MeshRouteApiPicker`): Istio
   * Gateways for `istio`, Gateway API Gateways for `gateway-api`. Without
   * it, Istio Gateways.
   */
  routeApiField?: string;
};

/** What a gateway serves, in one line. */
function describeGateway(gateway: TemplateGateway): string {
  if (gateway.api === 'gateway-api') {
    const listeners = (gateway.listeners ?? []).map(l => {
      const from =
        {
          Same: `routes of ${gateway.ref.split('/')[0]} only`,
          All: 'routes of every namespace',
        }[l.allowedRoutesFrom] ?? 'routes of selected namespaces';
      const certificate = l.certificateRefs?.length
        ? ` with certificate ${l.certificateRefs.join(', ')}`
        : '';
      return `${l.hostname ?? 'every hostname'} on listener ${l.name} (${
        l.protocol
      } ${l.port})${certificate}, taking ${from}`;
    });
    return `Serves ${listeners.join('; ') || 'no HTTP listeners'}`;
  }
  return `Serves ${gateway.hosts.join(', ') || 'no hosts'}${
    gateway.credentialName
      ? ` with certificate secret ${gateway.credentialName}`
      : ''
  }`;
}

/**
 * `ui:field: MeshGatewayPicker` — a Gateway templates may bind routes to
 * (`istio.scaffolder.allowedGateways`), with the hosts it serves: an Istio
 * Gateway, or — when the form's `ui:options.routeApiField` says
 * `gateway-api` — a Gateway API Gateway with its listeners. The value is
 * `namespace/name` either way.
 */
export function MeshGatewayPicker(
  props: FieldExtensionComponentProps<string, GatewayOptions>,
) {
  const { formData, onChange, schema, required, rawErrors } = props;
  const routeApiField = props.uiSchema?.['ui:options']?.routeApiField;
  const api = routeApiOf(routeApiField, (props.formContext as any)?.formData);
  const {
    cluster,
    items: gateways,
    loading,
    error,
    current,
  } = useClusterLookup(
    props,
    async (istioApi, c) =>
      api
        ? istioApi.getTemplateGateways(c, routeApiField ? api : undefined)
        : [],
    [api],
  );

  // when the user switches the route API, a gateway of the other kind is
  // no choice any more: take the first of the new list
  const listedFor = useRef(api);
  useEffect(() => {
    if (!api || !cluster || !current) {
      return;
    }
    const before = listedFor.current;
    listedFor.current = api;
    if (
      before &&
      before !== api &&
      formData &&
      !gateways.some(g => g.ref === formData)
    ) {
      onChange(gateways[0]?.ref);
    }
  }, [api, cluster, current, gateways, formData, onChange]);

  const kind = api ? GATEWAY_KIND[api] : 'gateway';
  const selected = gateways.find(g => g.ref === formData);
  let helperText = selected ? describeGateway(selected) : schema.description;
  if (!cluster) {
    helperText = 'Pick a cluster first';
  } else if (!api) {
    helperText = 'Choose how routes are written first';
  } else if (error) {
    helperText = `Cannot list gateways: ${error.message}`;
  } else if (!loading && gateways.length === 0) {
    helperText = `No ${kind} templates may use: see istio.scaffolder.allowedGateways`;
  } else if (!loading && formData && !selected) {
    helperText = `${formData} is not among the ${kind}s templates may use here: pick one of the list`;
  }
  // keep a default that is not (yet) in the list selectable
  const refs = [
    ...new Set([...gateways.map(g => g.ref), ...(formData ? [formData] : [])]),
  ];
  return (
    <TextField
      select
      fullWidth
      margin="normal"
      label={schema.title ?? 'Gateway'}
      value={formData ?? ''}
      onChange={e => onChange(e.target.value)}
      required={required}
      disabled={!cluster || !api || loading}
      error={Boolean(error) || (rawErrors?.length ?? 0) > 0}
      helperText={helperText}
      inputProps={{ 'data-testid': 'mesh-gateway-picker' }}
    >
      {refs.map(ref => (
        <MenuItem key={ref} value={ref}>
          {ref}
        </MenuItem>
      ))}
    </TextField>
  );
}
