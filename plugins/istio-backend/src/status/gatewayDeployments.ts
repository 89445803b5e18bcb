import { K8sGateway } from '@meshdeck/plugin-istio-common';
import type { ClusterMeshReads, DeploymentObject } from '../service/MeshReads';
import type { Attempt } from './clusterStatus';
import { gatewayDeploymentName } from './gatewayApiTraffic';

/**
 * The `<name>-istio` Deployment istiod runs each Gateway API Gateway of
 * class `istio` in (a get by name each, kept per cluster for the TTL, or from the
 * watch-fed cache), by
 * Gateway ref: `null` when it does not exist, absent when it was not read
 * (another class, or the read failed — an error entry through `attempt`).
 */
export async function readGatewayDeployments(
  reads: ClusterMeshReads,
  attempt: Attempt,
  gateways: readonly K8sGateway[],
): Promise<Map<string, DeploymentObject | null>> {
  const deployments = new Map<string, DeploymentObject | null>();
  await Promise.all(
    gateways.map(async g => {
      const name = gatewayDeploymentName(g);
      if (!name) {
        return;
      }
      const read = await attempt(
        `Deployment ${g.namespace}/${name}`,
        () => reads.deployment(g.namespace, name).then(d => d ?? null),
        undefined,
      );
      if (read !== undefined) {
        deployments.set(g.ref, read);
      }
    }),
  );
  return deployments;
}
