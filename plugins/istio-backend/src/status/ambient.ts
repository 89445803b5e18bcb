import type { V1Pod } from '@kubernetes/client-node';
import {
  AMBIENT_KEYS,
  AmbientAuthorizationPolicy,
  AmbientGateway,
  ambientFindings,
  ambientGatewayOf,
  AmbientStatus,
  dataplaneOf,
  Finding,
  MeshService,
  K8sGateway,
  NamespaceStatus,
  waypointsInUse,
  WorkloadStatus,
  ztunnelOf,
} from '@meshdeck/plugin-istio-common';
import type { ClusterMeshReads } from '../service/MeshReads';

/**
 * Ambient mode in the status: which data plane each pod is in, the ztunnel
 * DaemonSet and the waypoints, and the ambient rules' findings.
 *
 * ztunnel and the Gateway API Gateways are cluster-wide reads (kept per
 * cluster like the Istio objects); ztunnel is read only for an entity with
 * something in ambient mode (an ambient namespace, or a pod labelled
 * `istio.io/dataplane-mode=ambient`), the Gateways only for such an entity
 * or one with HTTPRoutes to its Services, so a sidecar-only entity without
 * HTTPRoutes reads neither. ztunnel is found by name
 * (`ztunnel`) in any namespace, preferring `istio-system`.
 */

/** True when the entity has anything in ambient mode. */
export function usesAmbient(
  pods: V1Pod[],
  namespaces: Iterable<NamespaceStatus>,
): boolean {
  return (
    [...namespaces].some(n => n.injection === 'ambient') ||
    pods.some(
      p => p.metadata?.labels?.[AMBIENT_KEYS.dataplaneMode] === 'ambient',
    )
  );
}

/** What the ambient reads found; undefined where a read failed. */
export type AmbientReads = {
  gateways?: AmbientGateway[];
  /** null: read, and no ztunnel DaemonSet exists. */
  ztunnel?: AmbientStatus['ztunnel'] | null;
};

/**
 * Reads ztunnel, and takes the Gateway API Gateways from `gateways` — the
 * cluster status's one read of them, parsed once and shared with the
 * Gateway API part (none when the cluster does not serve the Gateway API,
 * undefined when the read failed). A failed read becomes an error entry
 * through `attempt` and leaves its part undefined, so the rules do not
 * judge it.
 */
export async function readAmbient(
  reads: ClusterMeshReads,
  attempt: <T>(what: string, read: () => Promise<T>, fallback: T) => Promise<T>,
  gateways: () => Promise<K8sGateway[] | undefined>,
): Promise<AmbientReads> {
  const [daemonSets, k8sGateways] = await Promise.all([
    attempt('ztunnel DaemonSet', () => reads.ztunnels(), undefined),
    gateways(),
  ]);
  return {
    gateways: k8sGateways?.map(ambientGatewayOf),
    ztunnel:
      daemonSets === undefined ? undefined : ztunnelOf(daemonSets) ?? null,
  };
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * The workloads with each pod's data plane (`sidecar`, `ambient` with
 * capture and waypoint, or `none`).
 */
export function withDataplanes(
  workloads: WorkloadStatus[],
  pods: V1Pod[],
  context: {
    namespaceLabels: Map<string, Record<string, string>>;
    services: MeshService[];
    gateways?: AmbientGateway[];
  },
): WorkloadStatus[] {
  const byName = new Map(
    pods.map(p => [
      key(p.metadata?.namespace ?? '', p.metadata?.name ?? ''),
      p,
    ]),
  );
  return workloads.map(w => ({
    ...w,
    pods: w.pods.map(status => {
      const pod = byName.get(key(w.namespace, status.name));
      if (!pod) {
        return status;
      }
      return {
        ...status,
        dataplane: dataplaneOf(pod, {
          namespaceLabels: context.namespaceLabels.get(w.namespace),
          services: context.services.filter(s => s.namespace === w.namespace),
          gateways: context.gateways,
        }),
      };
    }),
  }));
}

/**
 * The cluster's `ambient` entry and the ambient rules' findings, for an
 * entity that uses ambient mode.
 */
export function ambientStatus(input: {
  workloads: WorkloadStatus[];
  pods: V1Pod[];
  namespaceLabels: Map<string, Record<string, string>>;
  services: MeshService[];
  policies: AmbientAuthorizationPolicy[];
  read: AmbientReads;
}): { ambient: AmbientStatus; findings: Finding[] } {
  const { workloads, read } = input;
  const findings = ambientFindings({
    workloads,
    podLabels: Object.fromEntries(
      input.pods.map(p => [
        key(p.metadata?.namespace ?? '', p.metadata?.name ?? ''),
        p.metadata?.labels ?? {},
      ]),
    ),
    namespaceLabels: Object.fromEntries(input.namespaceLabels),
    services: input.services,
    policies: input.policies,
    gateways: read.gateways,
    ztunnel: read.ztunnel,
  });
  const dataplanes = workloads.flatMap(w =>
    w.pods.flatMap(p => (p.dataplane ? [p.dataplane] : [])),
  );
  return {
    ambient: {
      ...(read.ztunnel && { ztunnel: read.ztunnel }),
      waypoints: waypointsInUse(dataplanes, read.gateways),
    },
    findings,
  };
}
