import {
  AMBIENT_KEYS,
  buildNamespace,
  buildPeerAuthentication,
  buildWaypoint,
  INJECTION_LABELS,
  injectionLabelFindings,
  k8sGatewayOwnershipFindings,
  Manifest,
  namespaceInputSchema,
  namespaceWaypointFindings,
  parseAmbientGateway,
  parseK8sGateway,
  RawObject,
  revisionInstalledFindings,
  RuleFinding,
  waypointEnrolmentLabels,
} from '@meshdeck/plugin-istio-common';
import { istioResources, MeshClusterClient } from '@meshdeck/plugin-istio-node';
import {
  checksFromFindings,
  CommonInput,
  createMeshAction,
  MeshActionDeps,
} from '../pipeline/runMeshAction';
import { examples } from './namespaceCreate.examples';

/** The Gateway API release Istio 1.30 pairs with, for the install hint. */
const GATEWAY_API_INSTALL =
  'kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml';

/**
 * The waypoint `name` of namespace `namespace` as it will be applied, and
 * what stops it: the namespace already using another waypoint, an existing
 * Gateway of that name that is not a waypoint or not this component's
 * (Meshdeck never takes over a Gateway), or a cluster without the Gateway
 * API. In render mode a cluster without the Gateway API gets the v1 form.
 */
async function planWaypoint(
  client: MeshClusterClient,
  input: CommonInput & { kubernetesId?: string },
  namespace: string,
  name: string,
  namespaceLabels: Record<string, string> | undefined,
  exists: boolean,
): Promise<{
  manifest: Manifest;
  findings: RuleFinding[];
  warnings: string[];
}> {
  const findings = namespaceWaypointFindings(namespace, namespaceLabels, name);
  const warnings: string[] = [];
  const object = `${namespace}/Gateway/${name}`;
  let version = 'v1';
  if (await client.serves(istioResources.k8sGateway)) {
    version = await client.versionOf(istioResources.k8sGateway);
    const raw = exists
      ? ((await client.get(istioResources.k8sGateway, namespace, name)) as
          | RawObject
          | undefined)
      : undefined;
    const gateway = raw && parseAmbientGateway(raw);
    if (gateway && !gateway.waypoint) {
      findings.push({
        id: 'waypoint-name-taken',
        severity: 'error',
        object,
        message: `Gateway ${namespace}/${name} already exists and is not a waypoint (gatewayClassName: ${
          gateway.gatewayClassName || 'none'
        }, not istio-waypoint); a template does not turn it into one`,
        fix: `Choose another waypoint name (kubectl get gateways -n ${namespace} lists the names in use)`,
      });
    } else if (raw) {
      findings.push(
        ...k8sGatewayOwnershipFindings(
          parseK8sGateway(raw),
          input.kubernetesId,
        ).map(f => ({
          ...f,
          fix: `Choose another waypoint name; or, to use this waypoint as it is, leave out waypoint and enrol the namespace by hand: kubectl label namespace ${namespace} ${AMBIENT_KEYS.useWaypoint}=${name}`,
        })),
      );
    }
  } else if (input.mode === 'render') {
    warnings.push(
      `The cluster does not serve the Gateway API (gateway.networking.k8s.io): the waypoint is rendered as ${version}, and istiod deploys it only once the Gateway API CRDs are installed (${GATEWAY_API_INSTALL})`,
    );
  } else {
    findings.push({
      id: 'gateway-api-not-served',
      severity: 'error',
      object,
      message: `The cluster does not serve the Gateway API (gateway.networking.k8s.io Gateway ${istioResources.k8sGateway.versions.join(
        ' or ',
      )}); a waypoint is a Gateway API Gateway`,
      fix: `Install the Gateway API CRDs: ${GATEWAY_API_INSTALL}`,
    });
  }
  const manifest = buildWaypoint(
    { name, namespace, kubernetesId: input.kubernetesId },
    version,
  );
  return { manifest, findings, warnings };
}

/**
 * `istio:namespace:create`: a mesh-enabled namespace, optionally with a
 * namespace-wide PeerAuthentication and, in ambient mode, a waypoint the
 * namespace is enrolled to (`istio.io/use-waypoint`). The waypoint lives in
 * the namespace and serves only its services, so writing into the namespace
 * (`allowedNamespaces`) is the permission it needs, not `allowedGateways`.
 *
 * @public
 */
export function createNamespaceAction(deps: MeshActionDeps) {
  return createMeshAction(deps, {
    id: 'istio:namespace:create',
    description:
      'Creates or updates a mesh-enabled namespace (sidecar, revision or ambient injection), optionally with mTLS STRICT and, in ambient mode, a waypoint the namespace is enrolled to',
    examples,
    schema: namespaceInputSchema,
    writes: input => ({ namespaces: [input.name] }),
    async plan(input, client, versions) {
      // the namespace as it will be: its injection labels plus ours
      const existing = await client.getNamespace(input.name);
      const ours = INJECTION_LABELS[input.injection];
      const labels = {
        ...Object.fromEntries(
          Object.values(INJECTION_LABELS).flatMap(l => {
            const value = existing?.metadata?.labels?.[l];
            return value === undefined ? [] : [[l, value]];
          }),
        ),
        [ours]: {
          sidecar: 'enabled',
          ambient: 'ambient',
          revision: input.revision ?? '',
        }[input.injection],
      };
      const findings: RuleFinding[] = [
        ...injectionLabelFindings(input.name, labels),
        ...(input.injection === 'revision'
          ? revisionInstalledFindings(
              input.name,
              input.revision,
              await client.istioRevisions(),
            )
          : []),
      ];
      const manifests = [
        buildNamespace({
          name: input.name,
          injection: input.injection,
          revision: input.revision,
          labels: input.waypoint
            ? { ...input.labels, ...waypointEnrolmentLabels(input.waypoint) }
            : input.labels,
          annotations: input.annotations,
          kubernetesId: input.kubernetesId,
        }),
      ];
      const warnings: string[] = [];
      const nextSteps: string[] = [];
      if (input.waypoint) {
        const waypoint = await planWaypoint(
          client,
          input,
          input.name,
          input.waypoint,
          existing?.metadata?.labels,
          existing !== undefined,
        );
        findings.push(...waypoint.findings);
        warnings.push(...waypoint.warnings);
        // a new namespace first, so the Gateway has a namespace to go into;
        // an existing one is enrolled only after its waypoint exists
        if (existing) {
          manifests.unshift(waypoint.manifest);
        } else {
          manifests.push(waypoint.manifest);
        }
        nextSteps.push(
          `istiod deploys waypoint ${input.waypoint} (Deployment and Service) in ${input.name}; until it is programmed (kubectl get gateway ${input.waypoint} -n ${input.name}) the namespace's services get no L7 processing. Attach L7 policies with targetRefs to the Service or to Gateway ${input.waypoint}`,
        );
      }
      if (input.mtls) {
        manifests.push(
          buildPeerAuthentication(
            {
              namespace: input.name,
              mode: input.mtls,
              kubernetesId: input.kubernetesId,
            },
            versions,
          ),
        );
      }
      const checks = checksFromFindings(findings);
      return {
        manifests,
        ...checks,
        warnings: [...(checks.warnings ?? []), ...warnings],
        links: { namespace: input.name },
        nextSteps:
          input.injection === 'ambient'
            ? nextSteps
            : [
                `Pods started before the injection label get no sidecar until they restart: kubectl rollout restart deployment -n ${input.name}`,
              ],
      };
    },
  });
}
