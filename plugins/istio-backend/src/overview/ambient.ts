import type { V1Pod } from '@kubernetes/client-node';
import {
  Finding,
  K8sGateway,
  MeshService,
  NamespaceStatus,
  parseAmbientAuthorizationPolicy,
} from '@meshdeck/plugin-istio-common';
import { istioResources } from '@meshdeck/plugin-istio-node';
import type { ClusterMeshReads } from '../service/MeshReads';
import {
  ambientStatus,
  readAmbient,
  usesAmbient,
  withDataplanes,
} from '../status/ambient';
import type { Attempt } from '../status/clusterStatus';
import { groupWorkloads } from '../status/sidecars';

/**
 * Ambient mode in the mesh overview: the entity status's ambient rules
 * (ztunnel, capture, sidecar-and-ambient, opt-outs, waypoints, L7 policies
 * without a waypoint) over every pod of the cluster that is in ambient mode
 * — by its namespace's or its own `istio.io/dataplane-mode` label — with
 * the status's own reads and assembly (`readAmbient`, `withDataplanes`,
 * `ambientStatus`).
 *
 * Like the status, a cluster without anything in ambient mode reads
 * neither ztunnel nor the AuthorizationPolicies. Both are cluster-wide
 * reads kept for the TTL; the Gateway API Gateways (waypoints) are the
 * overview's one read of them. A read that fails is an error entry through
 * `attempt`, and what it would have told is not judged.
 */
export async function ambientOverviewFindings(input: {
  reads: ClusterMeshReads;
  attempt: Attempt;
  /** Every pod of the cluster. */
  pods: readonly V1Pod[];
  /** Every namespace read, as the status sees it. */
  namespaces: ReadonlyMap<string, NamespaceStatus>;
  /** Every label of every namespace read (ambient reads use-waypoint). */
  namespaceLabels: ReadonlyMap<string, Record<string, string>>;
  /** Every Service of the cluster; undefined when the read failed. */
  services: readonly MeshService[] | undefined;
  /** The Gateway API Gateways; undefined when the read failed. */
  gateways: K8sGateway[] | undefined;
}): Promise<Finding[]> {
  const { reads, attempt, namespaces } = input;
  const pods = input.pods.filter(p => {
    const ns = namespaces.get(p.metadata?.namespace ?? '');
    return usesAmbient([p], ns ? [ns] : []);
  });
  if (pods.length === 0) {
    return [];
  }
  const ambientNamespaces = new Set(pods.map(p => p.metadata?.namespace));
  const inAmbientNamespaces = <T extends { namespace: string }>(list: T[]) =>
    list.filter(o => ambientNamespaces.has(o.namespace));
  const [read, policies] = await Promise.all([
    readAmbient(reads, attempt, async () => input.gateways),
    attempt(
      'AuthorizationPolicies',
      () => reads.istioObjects(istioResources.authorizationPolicy),
      undefined,
    ).then(list => list?.map(parseAmbientAuthorizationPolicy)),
  ]);
  const namespaceLabels = new Map(
    [...input.namespaceLabels].filter(([ns]) => ambientNamespaces.has(ns)),
  );
  const services = inAmbientNamespaces([...(input.services ?? [])]);
  const workloads = withDataplanes(
    groupWorkloads(pods, new Map(namespaces), new Map()),
    pods,
    { namespaceLabels, services, gateways: read.gateways },
  );
  return ambientStatus({
    workloads,
    pods,
    namespaceLabels,
    services,
    // without them, no policy is judged (rather than every one missed)
    policies: inAmbientNamespaces(policies ?? []),
    read,
  }).findings;
}
