import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useClusterLookup } from './useClusterLookup';

/**
 * `ui:field: MeshNamespacePicker` — a namespace templates may write to
 * (`istio.scaffolder.allowedNamespaces`) in the cluster picked in the
 * `cluster` field (`ui:options.clusterField` to name another).
 */
export function MeshNamespacePicker(
  props: FieldExtensionComponentProps<string, { clusterField?: string }>,
) {
  const { formData, onChange, schema, required, rawErrors } = props;
  const {
    cluster,
    items: namespaces,
    loading,
    error,
  } = useClusterLookup(props, (api, c) => api.getTemplateNamespaces(c));
  let helperText = schema.description;
  if (!cluster) {
    helperText = 'Pick a cluster first';
  } else if (error) {
    helperText = `Cannot list namespaces: ${error.message}`;
  } else if (!loading && namespaces.length === 0) {
    helperText =
      'Templates may write to no namespace here: see istio.scaffolder.allowedNamespaces';
  }
  return (
    <Autocomplete
      freeSolo
      options={namespaces}
      value={formData ?? ''}
      loading={loading}
      disabled={!cluster}
      onChange={(_e, v) => onChange(v ?? undefined)}
      onInputChange={(_e, v) => onChange(v || undefined)}
      renderInput={params => (
        <TextField
          {...params}
          margin="normal"
          label={schema.title ?? 'Namespace'}
          required={required}
          error={Boolean(error) || (rawErrors?.length ?? 0) > 0}
          helperText={helperText}
        />
      )}
    />
  );
}
