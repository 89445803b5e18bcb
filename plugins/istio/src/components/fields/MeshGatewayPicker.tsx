import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useClusterLookup } from './useClusterLookup';

/**
 * `ui:field: MeshGatewayPicker` — a Gateway templates may bind routes to
 * (`istio.scaffolder.allowedGateways`), with the hosts it serves.
 */
export function MeshGatewayPicker(
  props: FieldExtensionComponentProps<string, { clusterField?: string }>,
) {
  const { formData, onChange, schema, required, rawErrors } = props;
  const {
    cluster,
    items: gateways,
    loading,
    error,
  } = useClusterLookup(props, (api, c) => api.getTemplateGateways(c));
  const selected = gateways.find(g => g.ref === formData);
  let helperText = selected
    ? `Serves ${selected.hosts.join(', ') || 'no hosts'}${
        selected.credentialName
          ? ` with certificate secret ${selected.credentialName}`
          : ''
      }`
    : schema.description;
  if (!cluster) {
    helperText = 'Pick a cluster first';
  } else if (error) {
    helperText = `Cannot list gateways: ${error.message}`;
  } else if (!loading && gateways.length === 0) {
    helperText =
      'No gateway templates may use: see istio.scaffolder.allowedGateways';
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
      disabled={!cluster || loading}
      error={Boolean(error) || (rawErrors?.length ?? 0) > 0}
      helperText={helperText}
    >
      {refs.map(ref => (
        <MenuItem key={ref} value={ref}>
          {ref}
        </MenuItem>
      ))}
    </TextField>
  );
}
