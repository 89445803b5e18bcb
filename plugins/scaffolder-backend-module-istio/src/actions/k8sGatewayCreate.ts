import { InputError } from '@backstage/errors';
import {
  buildK8sGateway,
  buildReferenceGrant,
  GATEWAY_API_GROUP,
  k8sGatewayFindings,
  k8sGatewayInputSchema,
  k8sGatewayOwnershipFindings,
  Manifest,
  parseK8sGateway,
  ReferenceFrom,
  referenceGrantAllows,
  referenceGrantName,
  referenceGrantOwnershipFindings,
  RuleFinding,
} from '@meshdeck/plugin-istio-common';
import {
  istioResources,
  readGatewayApiModel,
  readListenerCredentials,
  withPlannedGatewayApi,
} from '@meshdeck/plugin-istio-node';
import {
  checksFromFindings,
  createMeshAction,
  MeshActionDeps,
} from '../pipeline/runMeshAction';
import { examples } from './k8sGatewayCreate.examples';

/**
 * `istio:gatewayapi:gateway:create`: a Gateway API Gateway (class `istio`;
 * istiod deploys `<name>-istio` for it) with HTTPS listeners terminating TLS
 * with their certificateRefs and taking routes from the namespaces
 * `allowedRoutes` names. A certificate Secret in another namespace gets the
 * ReferenceGrant it needs there (unless one already permits it); that
 * namespace must be writable by templates. Before it writes, the rule book
 * checks that an existing Gateway of that name is this component's, that the
 * listeners do not conflict, and that each certificate exists, covers its
 * listener's hostname and has not expired.
 *
 * @public
 */
export function createK8sGatewayAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:gatewayapi:gateway:create',
    description:
      'Creates or updates a Gateway API Gateway (class istio) with HTTPS listeners, and the ReferenceGrant a certificate in another namespace needs, after checking ownership, listener conflicts and the certificates',
    examples,
    schema: k8sGatewayInputSchema,
    writes: input => ({
      createsGateways: [`${input.namespace}/${input.name}`],
    }),
    async plan(input, client) {
      const ref = `${input.namespace}/${input.name}`;
      const [gatewayVersion, grantVersion, cluster] = await Promise.all([
        client.versionOf(istioResources.k8sGateway),
        client.versionOf(istioResources.referenceGrant),
        readGatewayApiModel(client),
      ]);
      const manifest = buildK8sGateway(
        {
          name: input.name,
          namespace: input.namespace,
          listeners: input.listeners.map(l => ({
            name: l.name,
            hostname: l.hostname,
            port: l.port,
            protocol: 'HTTPS' as const,
            certificateRefs: l.certificateRefs,
            allowedRoutes:
              l.allowedRoutes.from === 'Selector'
                ? { from: 'Selector', selector: l.allowedRoutes.selector ?? {} }
                : { from: l.allowedRoutes.from },
          })),
          kubernetesId: input.kubernetesId,
        },
        gatewayVersion,
      );
      const planned = parseK8sGateway(manifest);

      // the ReferenceGrants the certificates in other namespaces need
      const from: ReferenceFrom = {
        group: GATEWAY_API_GROUP,
        kind: 'Gateway',
        namespace: input.namespace,
      };
      const grants: Manifest[] = [];
      const findings: RuleFinding[] = [];
      const notes: string[] = [];
      const seen = new Set<string>();
      for (const to of planned.listeners.flatMap(
        l => l.tls?.certificateRefs ?? [],
      )) {
        const key = `${to.namespace}/${to.name}`;
        if (to.namespace === input.namespace || seen.has(key)) {
          continue;
        }
        seen.add(key);
        const name = referenceGrantName(from, to);
        const mine = cluster.referenceGrants.find(
          g => g.ref === `${to.namespace}/${name}`,
        );
        const others = cluster.referenceGrants.filter(g => g !== mine);
        if (!mine && referenceGrantAllows(others, from, to)) {
          notes.push(
            `A ReferenceGrant in '${to.namespace}' already lets Gateways of '${input.namespace}' use Secret ${key}`,
          );
          continue;
        }
        // a grant opens a Secret (a certificate and its private key) to
        // Gateways elsewhere: templates write one only into a team namespace
        // (the team's own Secrets), never into a platform namespace
        if (!deps.policy.allowsNamespace(to.namespace)) {
          throw new InputError(
            `Templates may not write there: the certificate Secret ${key} needs a ReferenceGrant in namespace '${to.namespace}', which is not a team namespace of istio.scaffolder.allowedNamespaces; templates never grant Secrets of other namespaces. Ask the owners of '${to.namespace}' to grant Gateways of '${input.namespace}' the Secret, or keep the certificate in '${input.namespace}'`,
          );
        }
        findings.push(...referenceGrantOwnershipFindings(mine));
        grants.push(
          buildReferenceGrant(
            {
              name,
              namespace: to.namespace,
              from: [from],
              to: [{ group: to.group, kind: to.kind, name: to.name }],
              kubernetesId: input.kubernetesId,
            },
            grantVersion,
          ),
        );
      }

      const model = withPlannedGatewayApi(
        {
          ...cluster,
          credentials: await readListenerCredentials(client, [planned]),
        },
        [...grants, manifest],
      );
      findings.push(
        ...k8sGatewayOwnershipFindings(
          cluster.gateways.find(g => g.ref === ref),
          input.kubernetesId,
        ),
        ...k8sGatewayFindings(model, planned, { purpose: 'preflight' }),
      );
      const checks = checksFromFindings(findings);
      return {
        // the grants first: the Gateway's certificate resolves from the start
        manifests: [...grants, manifest],
        ...checks,
        warnings: [...(checks.warnings ?? []), ...notes],
        links: { namespace: input.namespace },
        hosts: input.listeners.flatMap(l => (l.hostname ? [l.hostname] : [])),
        nextSteps: [
          `istiod deploys ${input.name}-istio (Deployment and Service) in ${input.namespace} for this Gateway; attach routes with istio:gatewayapi:httproute:create (parentRefs: ${ref})`,
        ],
      };
    },
  });
}
