import { useApi } from '@backstage/core-plugin-api';
import {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import { validateHostname } from '@meshdeck/plugin-istio-common';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { istioApiRef } from '../../api';
import { formValue } from './formContext';

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
};

/**
 * `ui:field: MeshHostField` — a public host, checked as you type with the
 * rule book's host-on-gateway rules (the ones the route actions run before
 * they write): valid name, served by the gateway, covered by its
 * certificate, not claimed by another route.
 */
export function MeshHostField(
  props: FieldExtensionComponentProps<string, HostOptions>,
) {
  const { formData, onChange, schema, required, rawErrors, uiSchema } = props;
  const options = uiSchema?.['ui:options'] ?? {};
  const cluster = formValue(props, options.clusterField ?? 'cluster');
  const gateway = formValue(props, options.gatewayField ?? 'gateway');
  const namespace = formValue(props, options.namespaceField ?? 'namespace');
  const name = options.routeNameField
    ? formValue(props, options.routeNameField)
    : undefined;
  const istioApi = useApi(istioApiRef);
  const [host, setHost] = useState(formData ?? '');
  useDebounce(() => setHost(formData ?? ''), 400, [formData]);

  const syntax = host ? validateHostname(host) : undefined;
  const {
    value: check,
    loading,
    error,
  } = useAsync(async () => {
    if (!host || syntax || !cluster || !gateway) {
      return undefined;
    }
    return istioApi.checkHost({ cluster, gateway, host, namespace, name });
  }, [istioApi, host, cluster, gateway, namespace, name, syntax]);

  let helperText: string | undefined = schema.description;
  let bad = (rawErrors?.length ?? 0) > 0;
  if (syntax) {
    helperText = syntax;
    bad = true;
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
  const cluster = data[options.clusterField ?? 'cluster'];
  const gateway = data[options.gatewayField ?? 'gateway'];
  const namespace = data[options.namespaceField ?? 'namespace'];
  const name = options.routeNameField
    ? data[options.routeNameField]
    : undefined;
  if (typeof cluster !== 'string' || typeof gateway !== 'string') {
    return;
  }
  const istioApi = context.apiHolder.get(istioApiRef);
  if (!istioApi) {
    return;
  }
  const check = await istioApi.checkHost({
    cluster,
    gateway,
    host,
    namespace: typeof namespace === 'string' ? namespace : undefined,
    name: typeof name === 'string' && name ? name : undefined,
  });
  check.problems.forEach(p => field.addError(p));
};
