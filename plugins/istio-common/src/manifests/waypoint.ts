import {
  AMBIENT_KEYS,
  HBONE_PORT,
  WAYPOINT_GATEWAY_CLASS,
} from '../mesh/ambient';
import { GATEWAY_API_GROUP } from '../mesh/gatewayApi/model';
import { Manifest, meshdeckLabels } from './types';

/** The traffic a waypoint handles (`istio.io/waypoint-for`). @public */
export type WaypointFor = 'service' | 'workload' | 'all' | 'none';

/** @public */
export type WaypointSpec = {
  name: string;
  namespace: string;
  /** Default `service`, Istio's own default. */
  waypointFor?: WaypointFor;
  kubernetesId?: string;
};

/**
 * An Istio waypoint: a Gateway API Gateway of class `istio-waypoint` with
 * the one HBONE listener (`mesh`, port 15008) — the Gateway
 * `istioctl waypoint generate --for service` prints (istio/istio
 * `istioctl/pkg/waypoint/waypoint.go`; istio.io "Configure waypoint
 * proxies"). istiod deploys the waypoint's Deployment and Service for it.
 * `istio.io/waypoint-for` is written out although `service` is Istio's
 * default, so the rendered YAML and the status say what it handles.
 *
 * @public
 */
export function buildWaypoint(spec: WaypointSpec, apiVersion = 'v1'): Manifest {
  return {
    apiVersion: `${GATEWAY_API_GROUP}/${apiVersion}`,
    kind: 'Gateway',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: {
        ...meshdeckLabels(spec.kubernetesId),
        [AMBIENT_KEYS.waypointFor]: spec.waypointFor ?? 'service',
      },
    },
    spec: {
      gatewayClassName: WAYPOINT_GATEWAY_CLASS,
      listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' }],
    },
  };
}

/**
 * The namespace label that enrols a namespace's services to a waypoint of
 * the same namespace (`istio.io/use-waypoint=<name>`).
 *
 * @public
 */
export function waypointEnrolmentLabels(
  waypoint: string,
): Record<string, string> {
  return { [AMBIENT_KEYS.useWaypoint]: waypoint };
}
