import {
  buildGateway,
  dedupe,
  gatewayConflictFindings,
  gatewayInputSchema,
  gatewayOwnershipFindings,
  hostCertificateFindings,
  parseGateway,
} from '@meshdeck/plugin-istio-common';
import {
  meshCredential,
  readMeshModel,
  withPlanned,
} from '@meshdeck/plugin-istio-node';
import {
  checksFromFindings,
  createMeshAction,
  MeshActionDeps,
} from '../pipeline/runMeshAction';
import { examples } from './gatewayCreate.examples';

/**
 * `istio:gateway:create`: an HTTPS Gateway. Before it writes, the rule book
 * checks that an existing Gateway of that name is this component's, that its
 * certificate secret exists, covers every host and has not expired, and that
 * no other Gateway of the same ingress workload serves the hosts.
 *
 * @public
 */
export function createGatewayAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:gateway:create',
    description:
      'Creates or updates an HTTPS Gateway (TLS SIMPLE with a credential secret, optional HTTP to HTTPS redirect) after checking ownership, its certificate and host conflicts',
    examples,
    schema: gatewayInputSchema,
    writes: input => ({
      createsGateways: [`${input.namespace}/${input.name}`],
    }),
    async plan(input, client, versions) {
      const ref = `${input.namespace}/${input.name}`;
      const manifest = buildGateway(
        {
          name: input.name,
          namespace: input.namespace,
          selector: input.selector,
          hosts: input.hosts,
          tls: input.tlsFiles
            ? { mode: 'files', ...input.tlsFiles }
            : { mode: 'credential', credentialName: input.credentialName },
          httpsRedirect: input.httpsRedirect,
          kubernetesId: input.kubernetesId,
        },
        versions,
      );
      const cluster = await readMeshModel(client);
      if (!input.tlsFiles) {
        cluster.credentials.push(
          meshCredential(
            input.namespace,
            input.credentialName,
            await client.readTlsCertificate(
              input.namespace,
              input.credentialName,
            ),
          ),
        );
      }
      const model = withPlanned(cluster, [manifest]);
      const planned = parseGateway(manifest);
      const findings = dedupe([
        ...gatewayOwnershipFindings(
          cluster.gateways.find(g => g.ref === ref),
          input.kubernetesId,
        ),
        ...input.hosts.flatMap(host =>
          hostCertificateFindings(model, { host, gateway: ref }),
        ),
        ...gatewayConflictFindings(model, planned),
      ]);
      return {
        manifests: [manifest],
        ...checksFromFindings(findings),
        links: { namespace: input.namespace },
        hosts: input.hosts,
      };
    },
  });
}
