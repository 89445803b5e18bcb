import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { hasKubernetesAnnotations } from '@meshdeck/plugin-istio-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioApiRef } from '../../api';

/**
 * The current entity's mesh status; not fetched for an entity without
 * Kubernetes annotations (`mapped` is false then).
 */
export function useMeshStatus() {
  const { entity } = useEntity();
  const istioApi = useApi(istioApiRef);
  const mapped = hasKubernetesAnnotations(entity);
  const entityRef = stringifyEntityRef(entity);
  const state = useAsyncRetry(
    async () => (mapped ? istioApi.getStatus(entityRef) : undefined),
    [istioApi, entityRef, mapped],
  );
  return { entity, entityRef, mapped, ...state };
}
