/**
 * Catalog annotations Meshdeck reads. The Kubernetes ones are Backstage's own,
 * so an entity set up for the Kubernetes plugin works with Meshdeck unchanged.
 *
 * @public
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** @public */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
/** @public */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
/** @public */
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/**
 * Label put on every Kubernetes object Meshdeck creates.
 *
 * @public
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** @public */
export const MANAGED_BY_VALUE = 'meshdeck';

/**
 * Field manager used for every server-side apply Meshdeck makes.
 *
 * @public
 */
export const MESHDECK_FIELD_MANAGER = 'meshdeck';

/**
 * True when the entity carries any of the annotations that map it to
 * Kubernetes workloads.
 *
 * @public
 */
export function hasKubernetesAnnotations(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[KUBERNETES_ID_ANNOTATION] ||
      annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
  );
}

/**
 * Comma-separated Kubernetes Service names that belong to the entity, in
 * addition to the Services that select its pods.
 *
 * @public
 */
export const MESHDECK_SERVICES_ANNOTATION = 'meshdeck.io/services';

/**
 * On a gateway TLS secret or its ExternalSecret: the ARN of the ACM
 * certificate behind it.
 *
 * @public
 */
export const ACM_CERTIFICATE_ARN_ANNOTATION = 'meshdeck.io/acm-certificate-arn';
