import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import { IstioApi, istioApiRef } from '../../api';
import { formValue } from './formContext';

/**
 * Something the backend lists for the cluster picked elsewhere in the form
 * (the `cluster` field, or `ui:options.clusterField`); nothing until one is
 * picked.
 */
export function useClusterLookup<T>(
  props: FieldExtensionComponentProps<string, { clusterField?: string }>,
  lookup: (api: IstioApi, cluster: string) => Promise<T[]>,
) {
  const cluster = formValue(
    props,
    props.uiSchema?.['ui:options']?.clusterField ?? 'cluster',
  );
  const istioApi = useApi(istioApiRef);
  const { value, loading, error } = useAsync(
    async () => (cluster ? lookup(istioApi, cluster) : []),
    [istioApi, cluster],
  );
  return { cluster, items: value ?? [], loading, error };
}
