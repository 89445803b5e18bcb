import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { istioApiRef } from '../../api';

/**
 * `ui:field: MeshClusterPicker` — one of the clusters configured in
 * Backstage (never a URL or token); picked for you when there is one.
 */
export function MeshClusterPicker(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  const istioApi = useApi(istioApiRef);
  const { value, loading, error } = useAsync(
    () => istioApi.getClusters(),
    [istioApi],
  );
  const clusters = useMemo(() => value?.clusters ?? [], [value]);
  useEffect(() => {
    if (!formData && clusters.length === 1) {
      onChange(clusters[0].name);
    }
  }, [formData, clusters, onChange]);

  let helperText = schema.description;
  if (error) {
    helperText = `Cannot list clusters: ${error.message}`;
  } else if (!loading && clusters.length === 0) {
    helperText = 'No cluster is configured in kubernetes.clusterLocatorMethods';
  }
  return (
    <TextField
      id={idSchema?.$id}
      select
      fullWidth
      margin="normal"
      label={schema.title ?? 'Cluster'}
      value={formData ?? ''}
      onChange={e => onChange(e.target.value)}
      required={required}
      disabled={loading || clusters.length === 0}
      error={Boolean(error) || (rawErrors?.length ?? 0) > 0}
      helperText={helperText}
      inputProps={{ 'data-testid': 'mesh-cluster-picker' }}
    >
      {clusters.map(c => (
        <MenuItem key={c.name} value={c.name}>
          {c.title && c.title !== c.name ? `${c.title} (${c.name})` : c.name}
        </MenuItem>
      ))}
    </TextField>
  );
}
