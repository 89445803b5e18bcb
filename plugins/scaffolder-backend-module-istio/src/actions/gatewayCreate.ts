import {
  buildGateway,
  gatewayInputSchema,
  hostsOverlap,
  uncoveredHosts,
} from '@meshdeck/plugin-istio-common';
import { istioResources } from '@meshdeck/plugin-istio-node';
import { isDeepStrictEqual } from 'node:util';
import { servedHosts } from '../pipeline/gatewayHosts';
import { createMeshAction, MeshActionDeps } from '../pipeline/runMeshAction';
import { examples } from './gatewayCreate.examples';

/**
 * `istio:gateway:create`: an HTTPS Gateway, checked against its credential
 * secret and the other Gateways of the same ingress workload.
 *
 * @public
 */
export function createGatewayAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:gateway:create',
    description:
      'Creates or updates an HTTPS Gateway (TLS SIMPLE with a credential secret, optional HTTP to HTTPS redirect) after checking its certificate and host conflicts',
    examples,
    schema: gatewayInputSchema,
    writes: input => ({
      namespaces: [input.namespace],
      gateways: [`${input.namespace}/${input.name}`],
    }),
    async plan(input, client, versions) {
      const ref = `${input.namespace}/${input.name}`;
      const problems: string[] = [];
      const missing: string[] = [];
      if (!input.tlsFiles) {
        const secret = `${input.namespace}/${input.credentialName}`;
        const tls = await client.readTlsCertificate(
          input.namespace,
          input.credentialName,
        );
        if (!tls.exists) {
          missing.push(
            `credential secret ${secret} does not exist (IST0101); the gateway workload reads it from its own namespace, so create the TLS secret there first`,
          );
        } else if (!tls.certificate) {
          problems.push(
            `credential secret ${secret} is unusable: ${tls.problem} (IST0161)`,
          );
        } else {
          const cert = tls.certificate;
          if (cert.daysLeft < 0) {
            problems.push(
              `the certificate in ${secret} expired on ${cert.notAfter} (IST0161)`,
            );
          }
          const uncovered = uncoveredHosts(cert.sans, input.hosts);
          if (uncovered.length > 0) {
            problems.push(
              `the certificate in ${secret} (names: ${
                cert.sans.join(', ') || 'none'
              }) does not cover ${uncovered.join(', ')} (IST0161)`,
            );
          }
        }
      }

      const ports = input.httpsRedirect ? [443, 80] : [443];
      for (const other of await client.list(istioResources.gateway)) {
        const otherRef = `${other.metadata.namespace}/${other.metadata.name}`;
        if (
          otherRef === ref ||
          !isDeepStrictEqual(other.spec?.selector ?? {}, input.selector)
        ) {
          continue;
        }
        for (const served of servedHosts(other)) {
          const clash = input.hosts.find(
            h => ports.includes(served.port) && hostsOverlap(h, served.host),
          );
          if (clash) {
            problems.push(
              `host ${clash} on port ${served.port} is already served by Gateway ${otherRef} on the same workload (IST0145/KIA0301); bind a VirtualService to that Gateway instead`,
            );
          }
        }
      }

      return {
        manifests: [
          buildGateway(
            {
              name: input.name,
              namespace: input.namespace,
              selector: input.selector,
              hosts: input.hosts,
              tls: input.tlsFiles
                ? { mode: 'files', ...input.tlsFiles }
                : {
                    mode: 'credential',
                    credentialName: input.credentialName,
                  },
              httpsRedirect: input.httpsRedirect,
              kubernetesId: input.kubernetesId,
            },
            versions,
          ),
        ],
        problems: [...new Set(problems)],
        missing,
        links: { namespace: input.namespace },
        hosts: input.hosts,
      };
    },
  });
}
