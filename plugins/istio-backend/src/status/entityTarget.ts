import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MESHDECK_SERVICES_ANNOTATION,
} from '@meshdeck/plugin-istio-common';

/** Where an entity's workloads are, from Backstage's Kubernetes annotations. */
export type EntityTarget = {
  /** Only this cluster, when the entity names one. */
  cluster?: string;
  /** Only this namespace, when the entity names one. */
  namespace?: string;
  labelSelector: string;
  /** The `app` name for Kiali and Jaeger links. */
  app?: string;
  /** Service names from `meshdeck.io/services`. */
  services: string[];
};

/**
 * Reads the entity's Kubernetes annotations the way Backstage's Kubernetes
 * plugin does: a label selector, else `backstage.io/kubernetes-id=<id>`.
 */
export function entityTarget(entity: Entity): EntityTarget | undefined {
  const a = entity.metadata.annotations ?? {};
  const id = a[KUBERNETES_ID_ANNOTATION];
  const selector = a[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  if (!id && !selector) {
    return undefined;
  }
  if (selector !== undefined && !/^[\w./!=, -]+$/.test(selector)) {
    throw new InputError(
      `annotation ${KUBERNETES_LABEL_SELECTOR_ANNOTATION} is not a label selector: ${selector}`,
    );
  }
  return {
    cluster: a[KUBERNETES_CLUSTER_ANNOTATION] || undefined,
    namespace: a[KUBERNETES_NAMESPACE_ANNOTATION] || undefined,
    labelSelector: selector || `${KUBERNETES_ID_ANNOTATION}=${id}`,
    app: id ?? entity.metadata.name,
    services: (a[MESHDECK_SERVICES_ANNOTATION] ?? '')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean),
  };
}
