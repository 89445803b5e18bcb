import { GATEWAY_API_GROUP } from '../mesh/gatewayApi/model';
import { Manifest, meshdeckLabels } from './types';

/** @public */
export type ReferenceGrantSpec = {
  name: string;
  /** The namespace of the objects it lets others reference. */
  namespace: string;
  from: Array<{ group: string; kind: string; namespace: string }>;
  /** `name` absent: every object of the kind in the namespace. */
  to: Array<{ group: string; kind: string; name?: string }>;
  kubernetesId?: string;
};

/**
 * A Gateway API ReferenceGrant: lets the `from` kinds of other namespaces
 * reference the `to` objects of its own namespace.
 *
 * @public
 */
export function buildReferenceGrant(
  spec: ReferenceGrantSpec,
  apiVersion = 'v1',
): Manifest {
  return {
    apiVersion: `${GATEWAY_API_GROUP}/${apiVersion}`,
    kind: 'ReferenceGrant',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: meshdeckLabels(spec.kubernetesId),
    },
    spec: {
      from: spec.from.map(f => ({
        group: f.group,
        kind: f.kind,
        namespace: f.namespace,
      })),
      to: spec.to.map(t => ({
        group: t.group,
        kind: t.kind,
        ...(t.name && { name: t.name }),
      })),
    },
  };
}
