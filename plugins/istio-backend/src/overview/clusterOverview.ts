import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import {
  CertificateStatus,
  ClusterError,
  ControlPlane,
  dedupe,
  emptyGatewayApiModel,
  emptyMeshModel,
  Finding,
  GatewayApiModel,
  MeshModel,
  MeshService,
  namespaceFindings,
  namespaceStatus,
  NamespaceStatus,
  OverviewHost,
  parseDestinationRule,
  parseGateway,
  parseHttpRoute,
  parseK8sGateway,
  parsePeerAuthentication,
  parseReferenceGrant,
  parseService,
  parseVirtualService,
  sidecarFindings,
} from '@meshdeck/plugin-istio-common';
import { istioResources, MeshSettings } from '@meshdeck/plugin-istio-node';
import { AcmReader } from '../acm/AcmReader';
import type { ClusterMeshReads } from '../service/MeshReads';
import { CertificateThresholds } from '../status/certificates';
import {
  Attempt,
  gatewayCertificates,
  meshRuleFindings,
} from '../status/clusterStatus';
import { classifyClusterError } from '../status/errors';
import {
  gatewayApiConditionFindings,
  gatewayApiRuleFindings,
} from '../status/gatewayApiTraffic';
import { groupWorkloads } from '../status/sidecars';
import {
  CredentialUse,
  gatewayApiCredentials,
  istioGatewayCredentials,
} from './certificates';
import {
  NamespaceEntry,
  namespaceEntries,
  podLabelSets,
  ProxyVersionEntry,
  proxyVersionEntries,
} from './dataPlane';
import { ambientOverviewFindings } from './ambient';
import { findingOwnerKeys, OwnedObject, workloadsInMesh } from './findings';
import {
  gatewayDeploymentOverviewFindings,
  readGatewayDeployments,
} from './gatewayDeployments';
import { gatewayApiHosts, HostEntry, istioHosts } from './hosts';
import { OwnerKey, workloadLabels } from './ownership';

/**
 * One cluster's part of the mesh overview, before it is mapped to a
 * caller's catalog entities: every list with the owner keys of its objects.
 * It is the same for every caller, so it is kept for the TTL and shared.
 */
export type ClusterOverview = {
  name: string;
  title?: string;
  controlPlane: ControlPlane[];
  kialiUrl?: string;
  errors: ClusterError[];
  certificates: Array<{ status: CertificateStatus; keys: OwnerKey[] }>;
  hosts: Array<
    Omit<HostEntry, 'secret'> & { certificate?: OverviewHost['certificate'] }
  >;
  namespaces: NamespaceEntry[];
  proxyVersions: ProxyVersionEntry[];
  findings: Array<{ finding: Finding; keys: OwnerKey[] }>;
  /** Per namespace, the label sets of its pods (whose entities run there). */
  podLabels: Record<string, Array<Record<string, string>>>;
};

/** A cluster's entry when nothing could be read. */
export function emptyClusterOverview(
  name: string,
  title: string | undefined,
  errors: ClusterError[] = [],
): ClusterOverview {
  return {
    name,
    ...(title && { title }),
    controlPlane: [],
    errors,
    certificates: [],
    hosts: [],
    namespaces: [],
    proxyVersions: [],
    findings: [],
    podLabels: {},
  };
}

/** Kiali's overview page of the cluster (`<base>/console/overview`). */
export function kialiOverviewUrl(
  kiali: NonNullable<MeshSettings['kiali']>,
): string {
  const query = kiali.clusterName
    ? `?${new URLSearchParams({ clusterName: kiali.clusterName })}`
    : '';
  return `${kiali.baseUrl.replace(/\/+$/, '')}/console/overview${query}`;
}

const objectName = (
  o: { namespace: string; name: string; labels: Record<string, string> },
  kind: string,
): OwnedObject => ({
  object: `${o.namespace}/${kind}/${o.name}`,
  keys: [{ namespace: o.namespace, labels: o.labels }],
});

/** Lets the event loop run whatever is waiting, then goes on. */
const breathe = () => new Promise<void>(resolve => setImmediate(resolve));

/**
 * Reads one cluster once for the overview — every namespace, every pod,
 * every Service, the control planes, the mesh's Istio and Gateway API
 * objects (all cluster-wide lists, kept by `ClusterReads` for the TTL), each
 * referenced gateway TLS secret by name and the ExternalSecrets of their
 * namespaces, the `<name>-istio` Deployment of each Gateway API Gateway of
 * class `istio` by name, and — only when something is in ambient mode —
 * ztunnel and the AuthorizationPolicies — and assembles its lists:
 * certificates (with ACM, when configured), hosts, namespaces, proxy
 * versions and the rule book's findings, the same the entity status
 * reports (routes' destinations, Gateway Deployments, ambient mode).
 *
 * Every read that fails becomes an error entry naming it; what it would have
 * told is left out (and not judged), the rest is still there.
 */
export async function clusterOverview(options: {
  reads: ClusterMeshReads;
  name: string;
  title?: string;
  mesh: MeshSettings;
  thresholds?: CertificateThresholds;
  acm?: AcmReader;
}): Promise<ClusterOverview> {
  const { reads } = options;
  const errors: ClusterError[] = [];
  const failures: unknown[] = [];
  const attempt: Attempt = async (what, read, fallback) => {
    try {
      return await read();
    } catch (e) {
      failures.push(e);
      const error = classifyClusterError(e);
      errors.push({ ...error, message: `${what}: ${error.message}` });
      return fallback;
    }
  };
  const list = <T>(
    what: string,
    type: (typeof istioResources)[keyof typeof istioResources],
    parse: (o: any) => T,
  ): Promise<T[] | undefined> =>
    attempt<T[] | undefined>(
      what,
      async () => (await reads.istioObjects(type)).map(parse),
      undefined,
    );
  const [
    namespaceObjects,
    pods,
    services,
    controlPlane,
    gateways,
    virtualServices,
    destinationRules,
    peerAuthentications,
    k8sGateways,
    httpRoutes,
    referenceGrants,
  ] = await Promise.all([
    attempt<V1Namespace[] | undefined>(
      'Namespaces',
      () => reads.namespaces(),
      undefined,
    ),
    attempt<V1Pod[] | undefined>('Pods', () => reads.allPods(), undefined),
    attempt<MeshService[] | undefined>(
      'Services',
      async () => (await reads.allServices()).map(parseService),
      undefined,
    ),
    attempt<ControlPlane[] | undefined>(
      'istiod Deployments',
      () => reads.controlPlanes(),
      undefined,
    ),
    list('Gateways', istioResources.gateway, parseGateway),
    list('VirtualServices', istioResources.virtualService, parseVirtualService),
    list(
      'DestinationRules',
      istioResources.destinationRule,
      parseDestinationRule,
    ),
    list(
      'PeerAuthentications',
      istioResources.peerAuthentication,
      parsePeerAuthentication,
    ),
    list('Gateway API Gateways', istioResources.k8sGateway, parseK8sGateway),
    list('HTTPRoutes', istioResources.httpRoute, parseHttpRoute),
    list('ReferenceGrants', istioResources.referenceGrant, parseReferenceGrant),
  ]);

  if (
    [
      namespaceObjects,
      pods,
      services,
      controlPlane,
      gateways,
      virtualServices,
      destinationRules,
      peerAuthentications,
      k8sGateways,
      httpRoutes,
      referenceGrants,
    ].every(read => read === undefined)
  ) {
    // nothing could be read: one error for the cluster, not one per read
    throw failures[0];
  }

  const namespaces = new Map<string, NamespaceStatus>(
    (namespaceObjects ?? []).map(n => [
      n.metadata?.name ?? '',
      namespaceStatus(n),
    ]),
  );
  // every label, not only the injection ones: ambient reads use-waypoint
  const namespaceLabels = new Map(
    (namespaceObjects ?? []).map(n => [
      n.metadata?.name ?? '',
      n.metadata?.labels ?? {},
    ]),
  );
  // Services are one cluster-wide list: known in every namespace that
  // exists (a destination in a namespace that does not is an external
  // host, as far as the rules can tell); judged only with both reads
  const serviceNamespaces =
    services && namespaceObjects ? [...namespaces.keys()] : [];
  const gatewayApi: GatewayApiModel = {
    ...emptyGatewayApiModel(),
    gateways: k8sGateways ?? [],
    httpRoutes: httpRoutes ?? [],
    referenceGrants: referenceGrants ?? [],
    services: services ?? [],
    serviceNamespaces,
    namespaceLabels: Object.fromEntries(namespaceLabels),
    controlPlanes: controlPlane ?? [],
  };

  // what the rules need beyond the cluster-wide lists: the Gateways'
  // Deployments, and ztunnel and the policies when ambient mode is used
  const [deployments, ambientFindings] = await Promise.all([
    readGatewayDeployments(reads, attempt, k8sGateways ?? []),
    pods
      ? ambientOverviewFindings({
          reads,
          attempt,
          pods,
          namespaces,
          namespaceLabels,
          services,
          gateways: k8sGateways,
        })
      : Promise.resolve([]),
  ]);

  // certificates: every secret a Gateway or listener references
  const uses: CredentialUse[] = [
    ...istioGatewayCredentials(gateways ?? [], virtualServices ?? []),
    ...gatewayApiCredentials(gatewayApi),
  ];
  const useKey = (
    gateway: string,
    secret: { namespace: string; name: string },
  ) => `${gateway}|${secret.namespace}/${secret.name}`;
  const judged = await gatewayCertificates({
    reads,
    attempt,
    credentials: uses,
    acm: options.acm,
    thresholds: options.thresholds,
    errors,
  });
  const keysOfUse = new Map(
    uses.map(u => [
      useKey(u.gateway, { namespace: u.namespace, name: u.credentialName }),
      u.keys,
    ]),
  );
  const certificates = judged.map(r => ({
    status: r.status,
    keys: keysOfUse.get(useKey(r.status.gateway, r.status.secret)) ?? [],
  }));
  const verdictOf = new Map(
    certificates.map(c => [
      useKey(c.status.gateway, c.status.secret),
      c.status.verdict,
    ]),
  );

  // hosts, with the verdict of the secret they are served with
  const hosts = [
    ...istioHosts(gateways ?? [], virtualServices ?? []),
    ...gatewayApiHosts(gatewayApi),
  ].map(({ secret, ...host }) => {
    const verdict = secret && verdictOf.get(useKey(host.gateway, secret));
    return {
      ...host,
      ...(secret &&
        verdict && {
          certificate: {
            secret: `${secret.namespace}/${secret.name}`,
            verdict,
          },
        }),
    };
  });

  // The passes over every pod below take ~100 ms each at 10,000 pods: the
  // event loop gets a turn between them, so status requests answered
  // meanwhile do not wait for the whole overview (an hourly notification
  // run held them for 0.75 s in the benchmark).
  await breathe();
  // the data plane, when both namespaces and pods could be read
  const dataPlane =
    namespaceObjects && pods
      ? namespaceEntries({
          namespaces: namespaceObjects,
          pods,
          peerAuthentications,
        })
      : [];
  await breathe();
  const proxyVersions = pods
    ? proxyVersionEntries(pods, controlPlane ?? [])
    : [];
  await breathe();

  // findings: the rule book over the whole cluster, judging only what was read
  const workloads = pods
    ? workloadsInMesh(groupWorkloads(pods, namespaces, new Map()), namespaces)
    : [];
  const ruleModel: MeshModel = {
    ...emptyMeshModel(),
    gateways: gateways ?? [],
    virtualServices: virtualServices ?? [],
    destinationRules: destinationRules ?? [],
    services: services ?? [],
    serviceNamespaces,
    controlPlanes: controlPlane ?? [],
  };
  await breathe();
  const findings = dedupe([
    ...[...namespaces.values()].flatMap(namespaceFindings),
    ...sidecarFindings(workloads, [
      ...new Set(
        (controlPlane ?? []).flatMap(c => (c.version ? [c.version] : [])),
      ),
    ]),
    ...judged.flatMap(r => r.findings),
    // without the Gateways, DestinationRules or VirtualServices their rules
    // would report what was merely not read
    ...(gateways && virtualServices && destinationRules
      ? meshRuleFindings(ruleModel, [...namespaces.values()])
      : []),
    ...(httpRoutes
      ? [
          ...gatewayApiRuleFindings(gatewayApi, httpRoutes, k8sGateways ?? [], {
            gateways: k8sGateways !== undefined,
            referenceGrants: referenceGrants !== undefined,
          }),
          ...gatewayApiConditionFindings(httpRoutes, k8sGateways ?? []),
        ]
      : []),
    ...gatewayDeploymentOverviewFindings(k8sGateways ?? [], deployments),
    ...ambientFindings,
  ]);
  await breathe();
  const ownerKeys = findingOwnerKeys([
    ...(pods ?? []).map(p => ({
      object: `${p.metadata?.namespace}/Pod/${p.metadata?.name}`,
      keys: [
        {
          namespace: p.metadata?.namespace,
          labels: workloadLabels(p.metadata?.labels),
        },
      ],
    })),
    ...(virtualServices ?? []).map(v => objectName(v, 'VirtualService')),
    ...(gateways ?? []).map(g => objectName(g, 'Gateway')),
    ...(k8sGateways ?? []).map(g => objectName(g, 'Gateway')),
    ...(httpRoutes ?? []).map(r => objectName(r, 'HTTPRoute')),
    ...certificates.map(c => ({
      object: `${c.status.secret.namespace}/Secret/${c.status.secret.name}`,
      keys: c.keys,
    })),
  ]);

  await breathe();
  const podLabels = pods ? podLabelSets(pods) : {};
  const kiali = options.mesh.kiali;
  return {
    name: options.name,
    ...(options.title && { title: options.title }),
    controlPlane: controlPlane ?? [],
    ...(kiali && { kialiUrl: kialiOverviewUrl(kiali) }),
    errors,
    certificates,
    hosts,
    namespaces: dataPlane,
    proxyVersions,
    findings: findings.map(finding => ({
      finding,
      keys: ownerKeys(finding.object),
    })),
    podLabels,
  };
}
