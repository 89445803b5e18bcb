import type {
  V1Namespace,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import type { DaemonSetObject } from '@meshdeck/plugin-istio-common';
import type {
  CustomResourceType,
  KubernetesObject,
  TlsSecretCertificate,
} from '@meshdeck/plugin-istio-node';

/** An istiod Deployment: its revision, version (image tag) and namespace. */
export type ControlPlane = {
  revision: string;
  version?: string;
  namespace: string;
};

/**
 * A Deployment as the status needs it (e.g. the `<name>-istio` Deployment
 * istiod runs a Gateway API Gateway in): its name and replica counts only.
 */
export type DeploymentObject = {
  metadata?: { name?: string; namespace?: string };
  spec?: { replicas?: number };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
  };
};

/**
 * What the mesh status of an entity reads from one cluster. Each read fails
 * on its own (the assembly turns a failure into an error entry next to what
 * could be read); none returns secret values.
 */
export interface ClusterMeshReads {
  /** The entity's pods: by label selector, in one namespace or in all. */
  pods(namespace: string | undefined, labelSelector: string): Promise<V1Pod[]>;
  /** The Services of a namespace the entity's pods run in. */
  services(namespace: string): Promise<V1Service[]>;
  /** The entity's ReplicaSets in a namespace, to name their Deployments. */
  replicaSets(
    namespace: string,
    labelSelector: string,
  ): Promise<V1ReplicaSet[]>;
  /** A namespace object, undefined when it does not exist. */
  namespace(name: string): Promise<V1Namespace | undefined>;
  /** The istiod Deployments of the cluster. */
  controlPlanes(): Promise<ControlPlane[]>;
  /**
   * All objects of an Istio or Gateway API type in the cluster (e.g.
   * `istioResources.httpRoute`); none when the cluster does not serve the
   * type.
   */
  istioObjects(type: CustomResourceType): Promise<KubernetesObject[]>;
  /** The public fields of a gateway's TLS secret, never its key. */
  tlsCertificate(
    namespace: string,
    name: string,
  ): Promise<TlsSecretCertificate>;
  /**
   * The ExternalSecrets of a namespace; none when external-secrets is not
   * installed.
   */
  externalSecrets(namespace: string): Promise<KubernetesObject[]>;
  /**
   * The DaemonSets named `ztunnel` in any namespace (Istio's ambient node
   * proxy; `istio-system` unless installed elsewhere): where they run and
   * how many of their pods are ready.
   */
  ztunnels(): Promise<DaemonSetObject[]>;
  /**
   * One Deployment by name (the `<name>-istio` Deployment of a Gateway API
   * Gateway), undefined when it does not exist.
   */
  deployment(
    namespace: string,
    name: string,
  ): Promise<DeploymentObject | undefined>;
  /**
   * Every namespace of the cluster, as its name, labels and the
   * managedFields entries that set labels (when the injection label was
   * set), nothing else. For the mesh overview.
   */
  namespaces(): Promise<V1Namespace[]>;
  /**
   * Every pod of the cluster, trimmed to what the mesh overview reads: name,
   * namespace, labels, Istio annotations, owner, containers' names, images
   * and restart policies, phase and readiness. Never environment variables,
   * volumes or anything else of the spec.
   */
  allPods(): Promise<V1Pod[]>;
  /**
   * Every Service of the cluster, trimmed to what the rule book reads
   * (`parseService`): name, namespace, labels, and of the spec the type,
   * selector and ports. For the mesh overview, which judges every route's
   * destinations (and ambient waypoints set on Services) with them.
   */
  allServices(): Promise<V1Service[]>;
}

/**
 * The reads of every cluster. `generation` names what is known about the
 * cluster (see {@link ClusterGenerations}): an implementation that keeps
 * reads must not answer a generation with reads made for another one, so a
 * new generation means fresh reads.
 */
export interface MeshReads {
  cluster(name: string, generation: string): ClusterMeshReads;
  /**
   * For reads that follow the cluster by watching it: a value that changes
   * whenever anything the status reads changes there, as long as every such
   * read is served that way; undefined otherwise. With `namespace` (an
   * entity whose workloads are all there), changes of other namespaces'
   * workloads do not move it. An answer kept under it is right until it
   * changes, so it can be kept without a TTL.
   */
  version?(cluster: string, namespace?: string): string | undefined;
}
