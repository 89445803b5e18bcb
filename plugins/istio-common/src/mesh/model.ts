import { Finding } from '../status/schema';

/**
 * The typed mesh model: Istio and Kubernetes objects as the rule book sees
 * them, parsed once from what a cluster returns (or from the manifests an
 * action is about to write) by the functions in `parse.ts`. Nothing past the
 * parser looks at raw `spec` objects.
 */

/** A Kubernetes object as read from the API server, before parsing. @public */
export type RawObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: Date | string;
  };
  spec?: unknown;
  status?: unknown;
};

/** Fields every parsed namespaced object has. @public */
export type MeshObjectMeta = {
  namespace: string;
  name: string;
  /** `namespace/name` */
  ref: string;
  labels: Record<string, string>;
  createdAt?: string;
  /** As read, e.g. `networking.istio.io/v1` (for links to the object). */
  apiVersion?: string;
};

/** One server of an Istio Gateway. @public */
export type MeshGatewayServer = {
  port: number;
  protocol?: string;
  name?: string;
  /** Hosts without their optional `<namespace>/` prefix. */
  hosts: string[];
  /**
   * The same hosts with the namespaces whose routes may bind to them: `*`
   * (any, the default), or one namespace (`ns/host`; `./host` is the
   * Gateway's own namespace).
   */
  bindings: Array<{ namespace: string; host: string }>;
  tls?: {
    mode?: string;
    credentialName?: string;
    httpsRedirect?: boolean;
  };
};

/** An Istio Gateway. @public */
export type MeshGateway = MeshObjectMeta & {
  kind: 'Gateway';
  /** The ingress workload's labels the Gateway configures. */
  selector: Record<string, string>;
  servers: MeshGatewayServer[];
};

/** One destination of an HTTP route. @public */
export type MeshDestination = {
  /** As written. */
  host: string;
  /** Fully qualified: short names resolve in the route's namespace. */
  fqdn: string;
  /** The in-cluster Service it names, when it names one. */
  service?: { namespace: string; name: string };
  port?: number;
  subset?: string;
  weight?: number;
};

/** One HTTP route of a VirtualService. @public */
export type MeshHttpRoute = {
  /** The first match's URI prefix or exact path, for display. */
  match?: string;
  /** All match conditions, normalised: equal keys match the same requests. */
  matchKey?: string;
  destinations: MeshDestination[];
};

/** The name of Istio's implicit gateway for sidecars (mesh-internal traffic). @public */
export const MESH_GATEWAY = 'mesh';

/** An Istio VirtualService. @public */
export type MeshVirtualService = MeshObjectMeta & {
  kind: 'VirtualService';
  hosts: string[];
  /** `namespace/name` of each gateway, or `mesh`. No gateways means `mesh`. */
  gateways: string[];
  /**
   * True when the VirtualService names no gateways itself: `gateways` then
   * holds only Istio's implicit `mesh`.
   */
  meshByDefault?: boolean;
  http: MeshHttpRoute[];
};

/** An Istio DestinationRule. @public */
export type MeshDestinationRule = MeshObjectMeta & {
  kind: 'DestinationRule';
  /** Fully qualified host. */
  host: string;
  subsets: Array<{ name: string; labels: Record<string, string> }>;
};

/** A Kubernetes Service. @public */
export type MeshService = MeshObjectMeta & {
  kind: 'Service';
  fqdn: string;
  ports: number[];
  selector: Record<string, string>;
};

/** A policy's target reference (`targetRefs[]`). @public */
export type MeshTargetRef = {
  group?: string;
  kind: string;
  name: string;
  namespace?: string;
};

/** An Istio AuthorizationPolicy. @public */
export type MeshAuthorizationPolicy = MeshObjectMeta & {
  kind: 'AuthorizationPolicy';
  /** `ALLOW` (the default), `DENY`, `AUDIT` or `CUSTOM`. */
  action: string;
  /** How many rules it has (an ALLOW policy without rules allows nothing). */
  rules: number;
  /**
   * `selector.matchLabels`, when the policy has one; without it the policy
   * applies to every workload of its namespace (of the mesh, in the root
   * namespace).
   */
  selector?: Record<string, string>;
  /** `targetRefs` (or the older single `targetRef`), when present. */
  targetRefs?: MeshTargetRef[];
};

/** An Istio PeerAuthentication. @public */
export type MeshPeerAuthentication = MeshObjectMeta & {
  kind: 'PeerAuthentication';
  /**
   * `selector.matchLabels`, when the policy has one; without it the policy
   * is the namespace's (the mesh's, in the root namespace).
   */
  selector?: Record<string, string>;
  /** `mtls.mode` as written (`STRICT`, `PERMISSIVE`, `DISABLE`, `UNSET`). */
  mtlsMode?: string;
  /** `portLevelMtls`, when present: the mode per workload port. */
  portLevelMtls?: Array<{ port: number; mode: string }>;
};

/** An external-secrets.io ExternalSecret. @public */
export type MeshExternalSecret = MeshObjectMeta & {
  kind: 'ExternalSecret';
  /** The Secret it writes: `spec.target.name`, by default its own name. */
  targetName: string;
  refreshInterval?: string;
  /**
   * The provider keys it reads: `data[].remoteRef.key` in order, then the
   * keys of `dataFrom[]` (`extract.key`, or the older `key`).
   */
  remoteKeys: string[];
  /** Its `Ready` condition, when it has one. */
  ready?: { status: string; reason?: string; message?: string };
  /** When it last wrote the Secret. */
  refreshTime?: string;
  annotations: Record<string, string>;
};

/** The public facts of a gateway's TLS credential secret. @public */
export type MeshCredential = {
  namespace: string;
  name: string;
  exists: boolean;
  certificate?: {
    sans: string[];
    daysLeft: number;
    notAfter: string;
    serial?: string;
  };
  /** Why the secret holds no usable certificate. */
  problem?: string;
};

/** An istiod control plane. @public */
export type MeshControlPlane = {
  revision: string;
  version?: string;
  namespace: string;
};

/**
 * What is known about a cluster's mesh. A model may be partial: Services are
 * known for `serviceNamespaces` only (`'*'` for all), credentials for the
 * secrets that were read. Rules judge only what the model knows, and say
 * nothing about the rest.
 *
 * @public
 */
export type MeshModel = {
  gateways: MeshGateway[];
  virtualServices: MeshVirtualService[];
  destinationRules: MeshDestinationRule[];
  services: MeshService[];
  serviceNamespaces: string[] | '*';
  credentials: MeshCredential[];
  controlPlanes: MeshControlPlane[];
  /** When read: the AuthorizationPolicies the model knows. */
  authorizationPolicies?: MeshAuthorizationPolicy[];
  /** When read: the PeerAuthentications the model knows. */
  peerAuthentications?: MeshPeerAuthentication[];
};

/** An empty model, to build on. @public */
export function emptyMeshModel(): MeshModel {
  return {
    gateways: [],
    virtualServices: [],
    destinationRules: [],
    services: [],
    serviceNamespaces: [],
    credentials: [],
    controlPlanes: [],
  };
}

/**
 * A rule's finding. `missingReference` marks "a referenced object does not
 * exist" (IST0101): an action's pre-flight refuses it when applying, but only
 * warns when rendering for a pull request or in a dry run, where an earlier
 * step or the same pull request may create it.
 *
 * @public
 */
export type RuleFinding = Finding & { missingReference?: boolean };
