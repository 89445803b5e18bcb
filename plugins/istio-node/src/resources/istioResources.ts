/**
 * A custom resource type Meshdeck reads or writes. `versions` lists the API
 * versions Meshdeck understands, most preferred first; the one used is the
 * first the cluster serves. Plurals are spelled out: they are not `kind + s`.
 *
 * @public
 */
export type CustomResourceType = {
  group: string;
  kind: string;
  plural: string;
  versions: readonly string[];
};

/** @public */
export const istioResources = {
  gateway: {
    group: 'networking.istio.io',
    kind: 'Gateway',
    plural: 'gateways',
    versions: ['v1', 'v1beta1'],
  },
  virtualService: {
    group: 'networking.istio.io',
    kind: 'VirtualService',
    plural: 'virtualservices',
    versions: ['v1', 'v1beta1'],
  },
  destinationRule: {
    group: 'networking.istio.io',
    kind: 'DestinationRule',
    plural: 'destinationrules',
    versions: ['v1', 'v1beta1'],
  },
  peerAuthentication: {
    group: 'security.istio.io',
    kind: 'PeerAuthentication',
    plural: 'peerauthentications',
    versions: ['v1', 'v1beta1'],
  },
  authorizationPolicy: {
    group: 'security.istio.io',
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    versions: ['v1', 'v1beta1'],
  },
  externalSecret: {
    group: 'external-secrets.io',
    kind: 'ExternalSecret',
    plural: 'externalsecrets',
    versions: ['v1', 'v1beta1'],
  },
  // Kubernetes Gateway API (v1.5.1 serves Gateway and HTTPRoute as v1 and
  // v1beta1, ReferenceGrant as v1 and v1beta1 — older releases v1beta1 only)
  k8sGateway: {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    plural: 'gateways',
    versions: ['v1', 'v1beta1'],
  },
  httpRoute: {
    group: 'gateway.networking.k8s.io',
    kind: 'HTTPRoute',
    plural: 'httproutes',
    versions: ['v1', 'v1beta1'],
  },
  referenceGrant: {
    group: 'gateway.networking.k8s.io',
    kind: 'ReferenceGrant',
    plural: 'referencegrants',
    versions: ['v1', 'v1beta1'],
  },
} as const satisfies Record<string, CustomResourceType>;
