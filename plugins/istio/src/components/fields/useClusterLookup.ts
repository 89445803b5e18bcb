import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import { IstioApi, istioApiRef } from '../../api';
import { formValue } from './formContext';

/**
 * Something the backend lists for the cluster picked elsewhere in the form
 * (the `cluster` field, or `ui:options.clusterField`); nothing until one is
 * picked. `deps` are further values the lookup depends on; `current` is
 * true once `items` are the answer for the present cluster and `deps`.
 */
export function useClusterLookup<T>(
  props: FieldExtensionComponentProps<string, { clusterField?: string }>,
  lookup: (api: IstioApi, cluster: string) => Promise<T[]>,
  deps: unknown[] = [],
) {
  const cluster = formValue(
    props,
    props.uiSchema?.['ui:options']?.clusterField ?? 'cluster',
  );
  const istioApi = useApi(istioApiRef);
  const key = JSON.stringify([cluster, ...deps]);
  const { value, loading, error } = useAsync(
    async () => ({
      key,
      items: cluster ? await lookup(istioApi, cluster) : [],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [istioApi, key],
  );
  return {
    cluster,
    items: value?.items ?? [],
    loading,
    error,
    current: !loading && !error && value?.key === key,
  };
}
