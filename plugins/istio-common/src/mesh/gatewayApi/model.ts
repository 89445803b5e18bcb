import type {
  MeshControlPlane,
  MeshCredential,
  MeshObjectMeta,
  MeshService,
} from '../model';

/**
 * The Kubernetes Gateway API (`gateway.networking.k8s.io`, v1.5.1 as Istio
 * 1.30 pairs with it) as the rule book sees it: Gateways with listeners,
 * HTTPRoutes and ReferenceGrants, parsed once by `parse.ts`. References are
 * normalised: an omitted `group` is the core group (`''`), an omitted
 * `namespace` is the referring object's own, omitted kinds get the API's
 * defaults (`Gateway`, `Service`, `Secret`).
 */

/** The Gateway API's group. @public */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** The GatewayClass whose Gateways istiod programs. @public */
export const ISTIO_GATEWAY_CLASS = 'istio';

/** A status condition (`Accepted`, `ResolvedRefs`, `Programmed`, …). @public */
export type GatewayApiCondition = {
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
};

/** A Kubernetes `metav1.LabelSelector`. @public */
export type KubernetesLabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
    operator: string;
    values?: string[];
  }>;
};

/** A reference to an object in a namespace (`group` `''` is the core group). @public */
export type GatewayApiObjectRef = {
  group: string;
  kind: string;
  namespace: string;
  name: string;
};

/** One listener of a Gateway API Gateway. @public */
export type K8sGatewayListener = {
  name: string;
  port: number;
  /** As written, e.g. `HTTPS`; compare case-insensitively. */
  protocol: string;
  /** Absent: every hostname (`*`). */
  hostname?: string;
  tls?: {
    /** `Terminate` (the default) or `Passthrough`. */
    mode: string;
    /** The certificate Secrets, their namespace defaulted to the Gateway's. */
    certificateRefs: GatewayApiObjectRef[];
  };
  allowedRoutes: {
    namespaces: {
      /** `Same` (the default), `All` or `Selector`. */
      from: string;
      selector?: KubernetesLabelSelector;
    };
    /** Empty: the kinds the protocol takes (HTTPRoute for HTTP and HTTPS). */
    kinds: Array<{ group: string; kind: string }>;
  };
  /** From `status.listeners[]`, when a controller wrote it. */
  status?: { attachedRoutes?: number; conditions: GatewayApiCondition[] };
};

/** A Gateway API Gateway (not Istio's `networking.istio.io` Gateway). @public */
export type K8sGateway = MeshObjectMeta & {
  kind: 'Gateway';
  group: typeof GATEWAY_API_GROUP;
  gatewayClassName: string;
  listeners: K8sGatewayListener[];
  /** `status.conditions`, empty until a controller writes them. */
  conditions: GatewayApiCondition[];
};

/** One `parentRefs[]` entry of a route. @public */
export type HttpRouteParentRef = GatewayApiObjectRef & {
  /** `namespace/name` of the parent. */
  ref: string;
  sectionName?: string;
  port?: number;
};

/** One backend of a route rule. @public */
export type HttpBackendRef = GatewayApiObjectRef & {
  port?: number;
  /** As written; the API's default is 1. */
  weight?: number;
  /** `name.namespace.svc.cluster.local` for a core Service. */
  fqdn?: string;
};

/** One match of a route rule. @public */
export type HttpRouteMatch = {
  /** Normalised with the API's defaults: equal keys match the same requests. */
  key: string;
  /** For people, e.g. `PathPrefix /api`, `Exact /health GET`. */
  display: string;
};

/** One rule of an HTTPRoute. @public */
export type HttpRouteRule = {
  name?: string;
  /** The API's default (no matches) is `PathPrefix /`. */
  matches: HttpRouteMatch[];
  backendRefs: HttpBackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
};

/** What a controller says about a route on one parent (`status.parents[]`). @public */
export type HttpRouteParentStatus = {
  parentRef: HttpRouteParentRef;
  controllerName?: string;
  conditions: GatewayApiCondition[];
};

/** A Gateway API HTTPRoute. @public */
export type HttpRoute = MeshObjectMeta & {
  kind: 'HTTPRoute';
  group: typeof GATEWAY_API_GROUP;
  /** Empty: every hostname of the listeners it attaches to. */
  hostnames: string[];
  parentRefs: HttpRouteParentRef[];
  rules: HttpRouteRule[];
  /** `status.parents`, empty until a controller writes it. */
  parents: HttpRouteParentStatus[];
};

/** A Gateway API ReferenceGrant, in the namespace of the objects it opens. @public */
export type ReferenceGrant = MeshObjectMeta & {
  kind: 'ReferenceGrant';
  group: typeof GATEWAY_API_GROUP;
  from: Array<{ group: string; kind: string; namespace: string }>;
  /** `name` absent: every object of the kind in the grant's namespace. */
  to: Array<{ group: string; kind: string; name?: string }>;
};

/**
 * What is known about a cluster's Gateway API objects. Like the mesh model it
 * may be partial: Services are known for `serviceNamespaces` only, the
 * certificates for the Secrets that were read, namespace labels for the
 * namespaces in `namespaceLabels`. Rules judge only what the model knows.
 *
 * @public
 */
export type GatewayApiModel = {
  /** False when the cluster does not serve the Gateway API. */
  served: boolean;
  gateways: K8sGateway[];
  httpRoutes: HttpRoute[];
  referenceGrants: ReferenceGrant[];
  services: MeshService[];
  serviceNamespaces: string[] | '*';
  /** The public facts of the listeners' certificate Secrets that were read. */
  credentials: MeshCredential[];
  /** Labels of the namespaces that were read (for `allowedRoutes` selectors). */
  namespaceLabels: Record<string, Record<string, string>>;
  controlPlanes: MeshControlPlane[];
};

/** An empty Gateway API model, to build on. @public */
export function emptyGatewayApiModel(): GatewayApiModel {
  return {
    served: true,
    gateways: [],
    httpRoutes: [],
    referenceGrants: [],
    services: [],
    serviceNamespaces: [],
    credentials: [],
    namespaceLabels: {},
    controlPlanes: [],
  };
}
