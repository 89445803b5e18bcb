import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';
import { istioApiRef } from '../../api';
import { formValue } from './formContext';

/**
 * `ui:field: MeshNamespacePicker` — a namespace templates may write to
 * (`istio.scaffolder.allowedNamespaces`) in the cluster picked in the
 * `cluster` field (`ui:options.clusterField` to name another).
 */
export function MeshNamespacePicker(
  props: FieldExtensionComponentProps<string, { clusterField?: string }>,
) {
  const { formData, onChange, schema, required, rawErrors, uiSchema } = props;
  const cluster = formValue(
    props,
    uiSchema?.['ui:options']?.clusterField ?? 'cluster',
  );
  const istioApi = useApi(istioApiRef);
  const { value, loading, error } = useAsync(
    async () => (cluster ? istioApi.getTemplateNamespaces(cluster) : []),
    [istioApi, cluster],
  );
  let helperText = schema.description;
  if (!cluster) {
    helperText = 'Pick a cluster first';
  } else if (error) {
    helperText = `Cannot list namespaces: ${error.message}`;
  } else if (!loading && value?.length === 0) {
    helperText =
      'Templates may write to no namespace here: see istio.scaffolder.allowedNamespaces';
  }
  return (
    <Autocomplete
      freeSolo
      options={value ?? []}
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
