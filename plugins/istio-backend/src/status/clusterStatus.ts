import {
  ClusterError,
  ClusterStatus,
  emptyMeshModel,
  emptyGatewayApiModel,
  Finding,
  gatewayConflictFindings,
  GatewayApiModel,
  K8sGateway,
  MeshModel,
  NamespaceStatus,
  parseAmbientAuthorizationPolicy,
  parseDestinationRule,
  parseExternalSecret,
  parseGateway,
  parseHttpRoute,
  parseK8sGateway,
  parsePeerAuthentication,
  parseReferenceGrant,
  parseService,
  parseVirtualService,
  podLayoutFindings,
  revisionInstalledFindings,
  RuleFinding,
  Traffic,
  virtualServiceFindings,
} from '@meshdeck/plugin-istio-common';
import { istioResources, MeshSettings } from '@meshdeck/plugin-istio-node';
import { AcmReader } from '../acm/AcmReader';
import { acmFor } from '../acm/acmFor';
import type { ClusterMeshReads } from '../service/MeshReads';
import { CertificateThresholds, certificateStatus } from './certificates';
import { EntityTarget } from './entityTarget';
import { classifyClusterError } from './errors';
import { clusterLinks } from './links';
import { effectiveMtls } from './mtls';
import {
  AmbientReads,
  ambientStatus,
  readAmbient,
  usesAmbient,
  withDataplanes,
} from './ambient';
import { namespaceFindings, namespaceStatus } from './namespaces';
import {
  groupWorkloads,
  needsReplicaSetOwner,
  sidecarFindings,
} from './sidecars';
import { assembleTraffic, entityServices, GatewayCredential } from './traffic';
import {
  gatewayApiStatus,
  httpRoutesTo,
  mergeTopologies,
  namespacesForSelectors,
  needsReferenceGrants,
  parentGatewaysOf,
} from './gatewayApiTraffic';
import { readGatewayDeployments } from './gatewayDeployments';
import type { DeploymentObject } from '../service/MeshReads';

/** The namespace of mesh-wide policies. */
const MESH_ROOT_NAMESPACE = 'istio-system';

/** A cluster's entry before anything is known about it. */
export function emptyClusterStatus(
  name: string,
  title: string | undefined,
): ClusterStatus {
  return {
    name,
    title,
    controlPlane: [],
    namespaces: [],
    workloads: [],
    traffic: {
      gateways: [],
      virtualServices: [],
      destinationRules: [],
      authorizationPolicies: [],
    },
    certificates: [],
    topology: { nodes: [], edges: [] },
    findings: [],
    links: {},
    errors: [],
  };
}

/** One cluster's part of an entity's status, without its name and title. */
export type ClusterStatusBody = Omit<ClusterStatus, 'name' | 'title'>;

/**
 * Reads what an entity has on one cluster and assembles its entry: control
 * plane, namespaces, workloads with sidecars and mTLS, traffic and topology
 * (Istio's VirtualServices and Gateways, and the Gateway API's HTTPRoutes
 * and Gateways), gateway and listener certificates (with ACM, when
 * configured), findings and links.
 *
 * The pods decide everything else: when they cannot be read, this rejects
 * and the caller makes the whole cluster entry an error. Any other read that
 * fails becomes an error of its own next to what could be read.
 */
export async function clusterStatus(options: {
  reads: ClusterMeshReads;
  target: EntityTarget;
  mesh: MeshSettings;
  thresholds?: CertificateThresholds;
  acm?: AcmReader;
}): Promise<ClusterStatusBody> {
  const { reads, target } = options;
  const errors: ClusterError[] = [];
  const attempt = async <T>(
    what: string,
    read: () => Promise<T>,
    fallback: T,
  ): Promise<T> => {
    try {
      return await read();
    } catch (e) {
      const error = classifyClusterError(e);
      errors.push({ ...error, message: `${what}: ${error.message}` });
      return fallback;
    }
  };
  const [pods, controlPlane] = await Promise.all([
    reads.pods(target.namespace, target.labelSelector),
    attempt('istiod Deployments', () => reads.controlPlanes(), []),
  ]);

  const namespaceNames = [
    ...new Set([
      ...(target.namespace ? [target.namespace] : []),
      ...pods.map(p => p.metadata?.namespace ?? ''),
    ]),
  ].sort();
  const namespaces = new Map<string, NamespaceStatus>();
  // every label, not only the injection ones: ambient reads use-waypoint
  const namespaceLabels = new Map<string, Record<string, string>>();
  const replicaSetOwners = new Map<string, { kind: string; name: string }>();
  const inNamespaces = <T extends { namespace: string }>(objects: T[]) =>
    objects.filter(o => namespaceNames.includes(o.namespace));
  // Every Istio object and Service is parsed once, right after it is read;
  // everything below works on the typed mesh model.
  const [
    peerAuthentications,
    virtualServices,
    gateways,
    destinationRules,
    authorizationPolicies,
    namespaceServices,
    httpRoutes,
  ] = await Promise.all([
    attempt(
      'PeerAuthentications',
      () => reads.istioObjects(istioResources.peerAuthentication),
      [],
    ).then(list => list.map(parsePeerAuthentication)),
    attempt(
      'VirtualServices',
      () => reads.istioObjects(istioResources.virtualService),
      [],
    ).then(list => list.map(parseVirtualService)),
    attempt(
      'Gateways',
      () => reads.istioObjects(istioResources.gateway),
      [],
    ).then(list => list.map(parseGateway)),
    attempt(
      'DestinationRules',
      () => reads.istioObjects(istioResources.destinationRule),
      [],
      // all of them: a subset may be defined in another namespace
    ).then(list => list.map(parseDestinationRule)),
    attempt(
      'AuthorizationPolicies',
      () => reads.istioObjects(istioResources.authorizationPolicy),
      [],
    ).then(list => inNamespaces(list.map(parseAmbientAuthorizationPolicy))),
    Promise.all(
      namespaceNames.map(ns =>
        attempt(`Services in ${ns}`, () => reads.services(ns), []).then(list =>
          list.map(parseService),
        ),
      ),
    ).then(lists => lists.flat()),
    // Gateway API routes (none where the cluster does not serve them);
    // undefined when the read failed, so nothing about them is judged
    attempt(
      'HTTPRoutes',
      () => reads.istioObjects(istioResources.httpRoute),
      undefined,
    ).then(list => list?.map(parseHttpRoute)),
    ...namespaceNames.map(async ns => {
      const object = await attempt(
        `Namespace ${ns}`,
        () => reads.namespace(ns),
        undefined,
      );
      if (object) {
        namespaces.set(ns, namespaceStatus(object));
        namespaceLabels.set(ns, object.metadata?.labels ?? {});
      }
    }),
    // only ReplicaSets whose Deployment the names do not tell
    ...namespaceNames
      .filter(ns =>
        pods.some(p => p.metadata?.namespace === ns && needsReplicaSetOwner(p)),
      )
      .map(async ns => {
        const replicaSets = await attempt(
          `ReplicaSets in ${ns}`,
          () => reads.replicaSets(ns, target.labelSelector),
          [],
        );
        for (const rs of replicaSets) {
          const owner = rs.metadata?.ownerReferences?.find(o => o.controller);
          if (owner) {
            replicaSetOwners.set(`${ns}/${rs.metadata?.name}`, {
              kind: owner.kind,
              name: owner.name,
            });
          }
        }
      }),
  ]);
  const model: MeshModel = {
    ...emptyMeshModel(),
    gateways,
    virtualServices,
    destinationRules,
    services: namespaceServices,
    serviceNamespaces: namespaceNames,
    controlPlanes: controlPlane,
    authorizationPolicies,
    peerAuthentications,
  };
  const policiesIn = (ns: string) =>
    peerAuthentications.filter(p => p.namespace === ns);

  const services = entityServices(
    model.services,
    pods.map(p => ({
      namespace: p.metadata?.namespace ?? '',
      labels: p.metadata?.labels ?? {},
    })),
    target.services,
  );
  const routesToEntity = httpRoutesTo(httpRoutes ?? [], services);

  // The Gateway API Gateways: read once, parsed once, shared by ambient
  // mode (waypoints) and the routes' parents; only when either needs them.
  let k8sGatewaysRead: Promise<K8sGateway[] | undefined> | undefined;
  const k8sGateways = () =>
    (k8sGatewaysRead ??= attempt(
      'Gateway API Gateways',
      () => reads.istioObjects(istioResources.k8sGateway),
      undefined,
    ).then(list => list?.map(parseK8sGateway)));
  if (routesToEntity.length > 0) {
    void k8sGateways(); // start it now; failures become error entries
  }

  // ztunnel and the waypoints, only for an entity that uses ambient mode
  const ambient = usesAmbient(pods, namespaces.values());
  const ambientRead: AmbientReads = ambient
    ? await readAmbient(reads, attempt, k8sGateways)
    : {};

  const podLabels = (w: { pods: Array<{ name: string }> }) =>
    pods.find(p => p.metadata?.name === w.pods[0]?.name)?.metadata?.labels ??
    {};
  const workloads = withDataplanes(
    groupWorkloads(pods, namespaces, replicaSetOwners),
    pods,
    {
      namespaceLabels,
      services: model.services,
      gateways: ambientRead.gateways,
    },
  ).map(w => ({
    ...w,
    mtls: effectiveMtls({
      namespace: w.namespace,
      workloadLabels: podLabels(w),
      namespacePolicies:
        w.namespace === MESH_ROOT_NAMESPACE ? [] : policiesIn(w.namespace),
      rootPolicies: policiesIn(MESH_ROOT_NAMESPACE),
    }),
  }));
  const ambientResult = ambient
    ? ambientStatus({
        workloads,
        pods,
        namespaceLabels,
        services: model.services,
        policies: authorizationPolicies,
        read: ambientRead,
      })
    : undefined;

  const trafficWorkloads = workloads.map(w => ({
    ...w,
    labels: podLabels(w),
  }));
  const istioTraffic = assembleTraffic({
    services,
    virtualServices: model.virtualServices,
    gateways: model.gateways,
    destinationRules: inNamespaces(model.destinationRules),
    authorizationPolicies,
    workloads: trafficWorkloads,
  });
  // the HTTPRoutes to the entity's Services, their Gateways and the rest
  const gatewayApiRead =
    routesToEntity.length > 0
      ? await readGatewayApi({
          reads,
          attempt,
          routes: httpRoutes ?? [],
          routesToEntity,
          gateways: await k8sGateways(),
          mesh: model,
          namespaceLabels,
        })
      : undefined;
  const gatewayApi =
    gatewayApiRead &&
    gatewayApiStatus({
      ...gatewayApiRead,
      services,
      workloads: trafficWorkloads,
    });
  const traffic: Traffic = {
    ...istioTraffic.traffic,
    // only when there are any: an Istio-only entity's answer is unchanged
    ...(gatewayApi && gatewayApi.httpRoutes.length > 0
      ? { httpRoutes: gatewayApi.httpRoutes }
      : {}),
    ...(gatewayApi && gatewayApi.k8sGateways.length > 0
      ? { k8sGateways: gatewayApi.k8sGateways }
      : {}),
  };
  const topology = gatewayApi
    ? mergeTopologies(istioTraffic.topology, gatewayApi.topology)
    : istioTraffic.topology;
  const credentials = [
    ...istioTraffic.credentials,
    ...(gatewayApi?.credentials ?? []),
  ];

  const certificateResults = await gatewayCertificates({
    reads,
    attempt,
    credentials,
    acm: options.acm,
    thresholds: options.thresholds,
    errors,
  });

  const findings: Finding[] = [
    ...[...namespaces.values()].flatMap(namespaceFindings),
    ...sidecarFindings(
      workloads,
      controlPlane.flatMap(c => (c.version ? [c.version] : [])),
    ),
    // pods laid out in a way no injector writes (or read malformed)
    ...pods.flatMap(podLayoutFindings),
    ...certificateResults.flatMap(r => r.findings),
    ...meshRuleFindings(model, [...namespaces.values()], {
      virtualServices: traffic.virtualServices.map(v => v.ref),
      gateways: traffic.gateways.map(g => g.ref),
    }),
    ...(gatewayApi?.findings ?? []),
    ...(ambientResult?.findings ?? []),
  ];

  return {
    controlPlane,
    namespaces: namespaceNames.flatMap(n => {
      const s = namespaces.get(n);
      return s ? [s] : [];
    }),
    workloads,
    traffic,
    certificates: certificateResults.map(r => r.status),
    topology,
    findings,
    links: clusterLinks({
      mesh: options.mesh,
      app: target.app,
      namespaces: namespaceNames,
      workloads,
      services,
      traffic,
      istioObjects: [
        ...model.gateways,
        ...model.virtualServices,
        ...inNamespaces(model.destinationRules),
        ...authorizationPolicies,
      ],
      gatewayApiObjects: [
        ...(gatewayApiRead?.model.gateways ?? []),
        ...routesToEntity,
      ],
    }),
    errors,
    ...(ambientResult && { ambient: ambientResult.ambient }),
  };
}

/**
 * A read that becomes an error entry (and `fallback`) when it fails.
 */
export type Attempt = <T>(
  what: string,
  read: () => Promise<T>,
  fallback: T,
) => Promise<T>;

/**
 * The status of each gateway credential: its secret's public certificate,
 * the ExternalSecret that writes it and the ACM certificate behind it (when
 * configured), judged by the rule book. Shared by the entity status and the
 * mesh overview. An unreadable secret is an error entry (through `attempt`)
 * and gets no entry; an ACM failure is pushed to `errors`.
 */
export async function gatewayCertificates(input: {
  reads: ClusterMeshReads;
  attempt: Attempt;
  credentials: GatewayCredential[];
  acm?: AcmReader;
  thresholds?: CertificateThresholds;
  errors: ClusterError[];
}): Promise<Array<ReturnType<typeof certificateStatus>>> {
  const { reads, attempt, errors } = input;
  const results = await Promise.all(
    input.credentials.map(async credential => {
      const where = `${credential.namespace}/${credential.credentialName}`;
      const [tls, externalSecrets] = await Promise.all([
        attempt(
          `TLS secret ${where}`,
          () =>
            reads.tlsCertificate(
              credential.namespace,
              credential.credentialName,
            ),
          undefined,
        ),
        attempt(
          `ExternalSecrets in ${credential.namespace}`,
          () => reads.externalSecrets(credential.namespace),
          [],
        ).then(list => list.map(parseExternalSecret)),
      ]);
      if (!tls) {
        return undefined; // unreadable: reported in errors, no verdict
      }
      const owner = externalSecrets.find(
        es => es.targetName === credential.credentialName,
      );
      const { acm, error } = await acmFor(
        input.acm,
        credential.hosts,
        tls,
        owner,
      );
      if (error) {
        errors.push(error);
      }
      return certificateStatus(credential, tls, owner, input.thresholds, acm);
    }),
  );
  return results.flatMap(r => (r ? [r] : []));
}

/**
 * What the Gateway API part of an entity's status reads beyond the routes
 * and Gateways: the ReferenceGrants (only when a shown route or Gateway
 * references another namespace), the labels of route namespaces a
 * `Selector` listener judges, and the `<name>-istio` Deployment of each
 * shown Gateway of class `istio` (a get by name each, kept per cluster).
 * Failed reads are error entries; what they would have told is not judged.
 */
async function readGatewayApi(input: {
  reads: ClusterMeshReads;
  attempt: Attempt;
  /** Every HTTPRoute of the cluster (for hostname conflicts). */
  routes: GatewayApiModel['httpRoutes'];
  routesToEntity: GatewayApiModel['httpRoutes'];
  /** Every Gateway API Gateway; undefined when the read failed. */
  gateways: K8sGateway[] | undefined;
  mesh: MeshModel;
  /** Labels of the namespaces read so far, added to here. */
  namespaceLabels: Map<string, Record<string, string>>;
}): Promise<{
  model: GatewayApiModel;
  known: { gateways: boolean; referenceGrants: boolean };
  deployments: Map<string, DeploymentObject | null>;
}> {
  const { reads, attempt, routesToEntity, namespaceLabels } = input;
  const shown = parentGatewaysOf(input.gateways ?? [], routesToEntity);
  const grantsNeeded = needsReferenceGrants(routesToEntity, shown);
  const [referenceGrants, deployments] = await Promise.all([
    grantsNeeded
      ? attempt(
          'ReferenceGrants',
          () => reads.istioObjects(istioResources.referenceGrant),
          undefined,
        ).then(list => list?.map(parseReferenceGrant))
      : Promise.resolve([]),
    readGatewayDeployments(reads, attempt, shown),
    ...namespacesForSelectors(routesToEntity, shown)
      .filter(ns => !namespaceLabels.has(ns))
      .map(async ns => {
        const object = await attempt(
          `Namespace ${ns}`,
          () => reads.namespace(ns),
          undefined,
        );
        if (object) {
          namespaceLabels.set(ns, object.metadata?.labels ?? {});
        }
      }),
  ]);
  return {
    model: {
      ...emptyGatewayApiModel(),
      gateways: input.gateways ?? [],
      httpRoutes: input.routes,
      referenceGrants: referenceGrants ?? [],
      services: input.mesh.services,
      serviceNamespaces: input.mesh.serviceNamespaces,
      namespaceLabels: Object.fromEntries(namespaceLabels),
      controlPlanes: input.mesh.controlPlanes,
    },
    known: {
      gateways: input.gateways !== undefined,
      referenceGrants: referenceGrants !== undefined,
    },
    deployments,
  };
}

/**
 * The rule book's findings about what the entity's traffic touches: its
 * VirtualServices (hosts served and not claimed by another route,
 * destinations, subsets, weights), their Gateways (IST0145) and the
 * revisions its namespaces ask for. The same rules the actions run before
 * they write, over the cluster's model. Without `shown` (the refs of the
 * VirtualServices and Gateways to judge), every one in the model: the mesh
 * overview's findings.
 */
export function meshRuleFindings(
  model: MeshModel,
  namespaces: NamespaceStatus[],
  shown?: { virtualServices: string[]; gateways: string[] },
): Finding[] {
  const shownVirtualServices = shown && new Set(shown.virtualServices);
  const shownGateways = shown && new Set(shown.gateways);
  const revisions = model.controlPlanes.map(c => c.revision);
  const findings: RuleFinding[] = [
    ...model.virtualServices
      .filter(vs => !shownVirtualServices || shownVirtualServices.has(vs.ref))
      .flatMap(vs => virtualServiceFindings(model, vs, { purpose: 'status' })),
    ...model.gateways
      .filter(g => !shownGateways || shownGateways.has(g.ref))
      .flatMap(g => gatewayConflictFindings(model, g)),
    // without a readable control plane, no revision can be judged
    ...(revisions.length === 0
      ? []
      : namespaces.flatMap(ns =>
          ns.injection === 'revision'
            ? revisionInstalledFindings(ns.name, ns.revision, revisions)
            : [],
        )),
  ];
  return findings.map(({ missingReference, ...finding }) => finding);
}
