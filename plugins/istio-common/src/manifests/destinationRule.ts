import { IstioApiVersions, Manifest, meshdeckLabels } from './types';
import { destinationFqdn } from '../mesh/hosts';

/** @public */
export type DestinationRuleSpec = {
  name: string;
  namespace: string;
  /** Service short name or FQDN. */
  host: string;
  subsets: Array<{ name: string; labels: Record<string, string> }>;
  trafficPolicy?: {
    tlsMode?: 'ISTIO_MUTUAL' | 'DISABLE';
    loadBalancer?: 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'PASSTHROUGH';
  };
  kubernetesId?: string;
};

/**
 * A DestinationRule with label-selected subsets (e.g. `v1`/`v2` for canaries).
 *
 * @public
 */
export function buildDestinationRule(
  spec: DestinationRuleSpec,
  versions: IstioApiVersions,
): Manifest {
  const policy = spec.trafficPolicy;
  return {
    apiVersion: `networking.istio.io/${versions.networking}`,
    kind: 'DestinationRule',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: meshdeckLabels(spec.kubernetesId),
    },
    spec: {
      host: destinationFqdn(spec.host, spec.namespace),
      ...(policy &&
        (policy.tlsMode || policy.loadBalancer) && {
          trafficPolicy: {
            ...(policy.loadBalancer && {
              loadBalancer: { simple: policy.loadBalancer },
            }),
            ...(policy.tlsMode && { tls: { mode: policy.tlsMode } }),
          },
        }),
      ...(spec.subsets.length > 0 && { subsets: spec.subsets }),
    },
  };
}
