import { Finding, K8sGateway } from '@meshdeck/plugin-istio-common';
import type { DeploymentObject } from '../service/MeshReads';
import {
  gatewayDeploymentFindings,
  gatewayDeploymentStatus,
} from '../status/gatewayApiTraffic';

// read the same way as for an entity's status
export { readGatewayDeployments } from '../status/gatewayDeployments';

/**
 * The entity status's Deployment findings (`gateway-deployment-missing`,
 * `gateway-deployment-not-ready`) for every Gateway API Gateway of the
 * cluster whose Deployment was read.
 */
export function gatewayDeploymentOverviewFindings(
  gateways: readonly K8sGateway[],
  deployments: ReadonlyMap<string, DeploymentObject | null>,
): Finding[] {
  return gateways.flatMap(g => {
    const deployment = deployments.get(g.ref);
    return deployment === undefined
      ? []
      : gatewayDeploymentFindings(g, gatewayDeploymentStatus(g, deployment));
  });
}
