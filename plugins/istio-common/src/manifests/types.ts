import {
  KUBERNETES_ID_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../annotations';

/**
 * A Kubernetes object as Meshdeck builds it: what is applied and what is
 * rendered into a GitOps pull request are the same objects.
 *
 * @public
 */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
};

/**
 * API versions to build Istio objects with, as discovered from the cluster
 * (`v1` where served, else `v1beta1`). Render mode without a cluster uses v1.
 *
 * @public
 */
export type IstioApiVersions = {
  networking: string;
  security: string;
};

/** @public */
export const DEFAULT_ISTIO_API_VERSIONS: IstioApiVersions = {
  networking: 'v1',
  security: 'v1',
};

/**
 * Labels every Meshdeck-created object carries, so that the Kubernetes plugin
 * shows it on the entity and `kubectl get -l app.kubernetes.io/managed-by=meshdeck`
 * finds it.
 *
 * @public
 */
export function meshdeckLabels(kubernetesId?: string): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    ...(kubernetesId && { [KUBERNETES_ID_ANNOTATION]: kubernetesId }),
  };
}

/**
 * `namespace/Kind/name` (or `Kind/name` for cluster-scoped objects): how
 * actions report the objects they touched.
 *
 * @public
 */
export function manifestRef(manifest: Manifest): string {
  const { namespace, name } = manifest.metadata;
  return namespace
    ? `${namespace}/${manifest.kind}/${name}`
    : `${manifest.kind}/${name}`;
}
