import type { V1Service } from '@kubernetes/client-node';
import {
  ClusterError,
  ClusterStatus,
  ControlPlane,
  emptyMeshModel,
  Finding,
  gatewayConflictFindings,
  MeshModel,
  NamespaceStatus,
  parseDestinationRule,
  parseGateway,
  parseService,
  parseVirtualService,
  RawObject,
  revisionInstalledFindings,
  RuleFinding,
  Traffic,
  virtualServiceFindings,
} from '@meshdeck/plugin-istio-common';
import {
  istioResources,
  KubernetesObject,
  MeshSettings,
} from '@meshdeck/plugin-istio-node';
import { AcmReader } from '../acm/AcmReader';
import { acmFor } from '../acm/acmFor';
import type { ClusterMeshReads } from '../service/MeshReads';
import { CertificateThresholds, certificateStatus } from './certificates';
import { EntityTarget } from './entityTarget';
import { classifyClusterError } from './errors';
import { clusterLinks } from './links';
import { effectiveMtls } from './mtls';
import { namespaceFindings, namespaceStatus } from './namespaces';
import {
  groupWorkloads,
  needsReplicaSetOwner,
  sidecarFindings,
} from './sidecars';
import { assembleTraffic, entityServices } from './traffic';

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
 * plane, namespaces, workloads with sidecars and mTLS, traffic and topology,
 * gateway certificates (with ACM, when configured), findings and links.
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
  const replicaSetOwners = new Map<string, { kind: string; name: string }>();
  const inNamespaces = (objects: KubernetesObject[]) =>
    objects.filter(o => namespaceNames.includes(o.metadata.namespace ?? ''));
  const [
    peerAuthentications,
    virtualServices,
    gateways,
    destinationRules,
    authorizationPolicies,
    serviceLists,
  ] = await Promise.all([
    attempt(
      'PeerAuthentications',
      () => reads.istioObjects(istioResources.peerAuthentication),
      [],
    ),
    attempt(
      'VirtualServices',
      () => reads.istioObjects(istioResources.virtualService),
      [],
    ),
    attempt('Gateways', () => reads.istioObjects(istioResources.gateway), []),
    attempt(
      'DestinationRules',
      () => reads.istioObjects(istioResources.destinationRule),
      [],
    ).then(inNamespaces),
    attempt(
      'AuthorizationPolicies',
      () => reads.istioObjects(istioResources.authorizationPolicy),
      [],
    ).then(inNamespaces),
    Promise.all(
      namespaceNames.map(ns =>
        attempt(`Services in ${ns}`, () => reads.services(ns), []),
      ),
    ),
    ...namespaceNames.map(async ns => {
      const object = await attempt(
        `Namespace ${ns}`,
        () => reads.namespace(ns),
        undefined,
      );
      if (object) {
        namespaces.set(ns, namespaceStatus(object));
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
  const policiesIn = (ns: string) =>
    peerAuthentications.filter(p => p.metadata.namespace === ns);

  const podLabels = (w: { pods: Array<{ name: string }> }) =>
    pods.find(p => p.metadata?.name === w.pods[0]?.name)?.metadata?.labels ??
    {};
  const workloads = groupWorkloads(pods, namespaces, replicaSetOwners).map(
    w => ({
      ...w,
      mtls: effectiveMtls({
        namespace: w.namespace,
        workloadLabels: podLabels(w),
        namespacePolicies:
          w.namespace === MESH_ROOT_NAMESPACE ? [] : policiesIn(w.namespace),
        rootPolicies: policiesIn(MESH_ROOT_NAMESPACE),
      }),
    }),
  );

  const services = entityServices(
    serviceLists.flat(),
    pods.map(p => ({
      namespace: p.metadata?.namespace ?? '',
      labels: p.metadata?.labels ?? {},
    })),
    target.services,
  );
  const { traffic, topology, credentials } = assembleTraffic({
    services,
    virtualServices,
    gateways,
    destinationRules,
    authorizationPolicies,
    workloads: workloads.map(w => ({ ...w, labels: podLabels(w) })),
  });

  const certificateResults = await Promise.all(
    credentials.map(async credential => {
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
        ),
      ]);
      if (!tls) {
        return undefined; // unreadable: reported in errors, no verdict
      }
      const owner = externalSecrets.find(
        es =>
          (es.spec?.target?.name ?? es.metadata.name) ===
          credential.credentialName,
      );
      const { acm, error } = await acmFor(
        options.acm,
        credential.hosts,
        tls,
        owner,
      );
      if (error) {
        errors.push(error);
      }
      return certificateStatus(credential, tls, owner, options.thresholds, acm);
    }),
  ).then(results => results.flatMap(r => (r ? [r] : [])));

  const findings: Finding[] = [
    ...[...namespaces.values()].flatMap(namespaceFindings),
    ...sidecarFindings(
      workloads,
      controlPlane.flatMap(c => (c.version ? [c.version] : [])),
    ),
    ...certificateResults.flatMap(r => r.findings),
    ...meshRuleFindings({
      gateways,
      virtualServices,
      destinationRules,
      services: serviceLists.flat(),
      serviceNamespaces: namespaceNames,
      controlPlane,
      namespaces: [...namespaces.values()],
      shown: traffic,
    }),
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
        ...gateways,
        ...virtualServices,
        ...destinationRules,
        ...authorizationPolicies,
      ],
    }),
    errors,
  };
}

/**
 * The rule book's findings about what the entity's traffic touches: its
 * VirtualServices (hosts served and not claimed by another route,
 * destinations, subsets, weights), their Gateways (IST0145) and the
 * revisions its namespaces ask for. The same rules the actions run before
 * they write.
 */
function meshRuleFindings(input: {
  gateways: KubernetesObject[];
  virtualServices: KubernetesObject[];
  destinationRules: KubernetesObject[];
  services: V1Service[];
  serviceNamespaces: string[];
  controlPlane: ControlPlane[];
  namespaces: NamespaceStatus[];
  shown: Traffic;
}): Finding[] {
  const model: MeshModel = {
    ...emptyMeshModel(),
    gateways: input.gateways.map(parseGateway),
    virtualServices: input.virtualServices.map(parseVirtualService),
    destinationRules: input.destinationRules.map(parseDestinationRule),
    services: input.services.map(s => parseService(s as RawObject)),
    serviceNamespaces: input.serviceNamespaces,
    controlPlanes: input.controlPlane,
  };
  const shownVirtualServices = new Set(
    input.shown.virtualServices.map(v => v.ref),
  );
  const shownGateways = new Set(input.shown.gateways.map(g => g.ref));
  const revisions = input.controlPlane.map(c => c.revision);
  const findings: RuleFinding[] = [
    ...model.virtualServices
      .filter(vs => shownVirtualServices.has(vs.ref))
      .flatMap(vs => virtualServiceFindings(model, vs, { purpose: 'status' })),
    ...model.gateways
      .filter(g => shownGateways.has(g.ref))
      .flatMap(g => gatewayConflictFindings(model, g)),
    // without a readable control plane, no revision can be judged
    ...(revisions.length === 0
      ? []
      : input.namespaces.flatMap(ns =>
          ns.injection === 'revision'
            ? revisionInstalledFindings(ns.name, ns.revision, revisions)
            : [],
        )),
  ];
  return findings.map(({ missingReference, ...finding }) => finding);
}
