import { IstioApiVersions, Manifest, meshdeckLabels } from './types';

/**
 * How pods of a namespace join the mesh.
 *
 * @public
 */
export type InjectionMode = 'sidecar' | 'revision' | 'ambient';

/** Labels that decide injection; a namespace carries exactly one of them. @public */
export const INJECTION_LABELS = {
  sidecar: 'istio-injection',
  revision: 'istio.io/rev',
  ambient: 'istio.io/dataplane-mode',
} as const;

/** @public */
export type NamespaceSpec = {
  name: string;
  injection: InjectionMode;
  /** Required for injection `revision`. */
  revision?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  kubernetesId?: string;
};

function injectionLabel(spec: NamespaceSpec): Record<string, string> {
  switch (spec.injection) {
    case 'sidecar':
      return { [INJECTION_LABELS.sidecar]: 'enabled' };
    case 'revision':
      if (!spec.revision) {
        throw new Error('injection "revision" needs a revision');
      }
      return { [INJECTION_LABELS.revision]: spec.revision };
    case 'ambient':
      return { [INJECTION_LABELS.ambient]: 'ambient' };
    default:
      throw new Error(`unknown injection mode ${spec.injection}`);
  }
}

/**
 * A mesh-enabled namespace: one injection label (never both, IST0123), the
 * Meshdeck labels and the caller's extra labels and annotations.
 *
 * @public
 */
export function buildNamespace(spec: NamespaceSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: spec.name,
      labels: {
        ...spec.labels,
        ...meshdeckLabels(spec.kubernetesId),
        ...injectionLabel(spec),
      },
      ...(spec.annotations &&
        Object.keys(spec.annotations).length > 0 && {
          annotations: spec.annotations,
        }),
    },
  };
}

/**
 * Namespace-wide PeerAuthentication (named `default`, as Istio expects for
 * the namespace policy).
 *
 * @public
 */
export function buildPeerAuthentication(
  spec: {
    namespace: string;
    mode: 'STRICT' | 'PERMISSIVE';
    kubernetesId?: string;
  },
  versions: IstioApiVersions,
): Manifest {
  return {
    apiVersion: `security.istio.io/${versions.security}`,
    kind: 'PeerAuthentication',
    metadata: {
      name: 'default',
      namespace: spec.namespace,
      labels: meshdeckLabels(spec.kubernetesId),
    },
    spec: { mtls: { mode: spec.mode } },
  };
}
