/**
 * Upper bounds on the lists and free-form strings of the scaffolder action
 * inputs. A template user's input is hostile input: without them a single
 * task could ask for a VirtualService with thousands of hosts or a path of a
 * megabyte, and the cluster (or the pull request) would get it.
 *
 * The numbers are generous for real use. Strings already bounded by a DNS or
 * Kubernetes name validator (names, namespaces, hosts, subsets, label keys and
 * values, annotation keys, kubernetesId) are not repeated here.
 *
 * @public
 */
export const INPUT_LIMITS = {
  // Lists

  /** `hosts` of a Gateway or a VirtualService. */
  hosts: 20,
  /** `gateways` of a VirtualService. */
  gateways: 5,
  /** `routes` of a VirtualService. */
  routes: 20,
  /** `destinations` of one VirtualService route. */
  destinations: 10,
  /** `subsets` of a DestinationRule. */
  subsets: 10,
  /** `allow` rules of an AuthorizationPolicy. */
  allowRules: 10,
  /** `serviceAccounts` of one AuthorizationPolicy rule (each a principal). */
  serviceAccounts: 20,
  /** `namespaces` of one AuthorizationPolicy rule. */
  namespaces: 20,
  /** `methods` of one AuthorizationPolicy rule: each of the seven, once. */
  methods: 7,
  /** `paths` of one AuthorizationPolicy rule. */
  paths: 20,
  /** Entries of a namespace's `labels`. */
  labels: 32,
  /** Entries of a namespace's `annotations`. */
  annotations: 32,
  /**
   * Entries of a label selector: Gateway and AuthorizationPolicy `selector`,
   * DestinationRule subset `labels`.
   */
  selectorEntries: 16,

  // String lengths, in characters

  /** `cluster`: a name from the Backstage config, at most a DNS name. */
  clusterLength: 253,
  /** `renderPath`: the workspace directory rendered files go to. */
  renderPathLength: 256,
  /** An HTTP path: route `pathPrefix`, AuthorizationPolicy `paths` entries. */
  httpPathLength: 256,
  /**
   * A `<namespace>/<name>` reference: VirtualService `gateways` entries,
   * AuthorizationPolicy `serviceAccounts` entries. A namespace (63) plus "/"
   * plus an object name (253), so no valid reference is refused.
   */
  namespacedRefLength: 63 + 1 + 253,
  /** Gateway `tlsFiles.serverCertificate` and `tlsFiles.privateKey`. */
  tlsFilePathLength: 256,
  /** A duration such as `5s`: route `timeout`, `retries.perTryTimeout`. */
  durationLength: 32,
  /**
   * One annotation value. With at most `annotations` entries this keeps a
   * namespace's annotations well under Kubernetes' 256 KiB total.
   */
  annotationValueLength: 4096,

  // Error reports

  /** Problems listed by formatInputIssues before it summarises the rest. */
  reportedIssues: 25,

  // Gateway API (HTTPRoute, Gateway); the API's own maximum in parentheses

  /** `hostnames` of an HTTPRoute (16). */
  httpRouteHostnames: 16,
  /** `parentRefs` of an HTTPRoute (32). */
  parentRefs: 5,
  /** `rules` of an HTTPRoute (16). */
  httpRouteRules: 16,
  /** `matches` of one HTTPRoute rule (64). */
  httpRouteMatches: 8,
  /** `backendRefs` of one HTTPRoute rule (16). */
  backendRefs: 10,
  /** `listeners` of a Gateway (64). */
  listeners: 16,
  /** `certificateRefs` of one listener (64; Istio serves one RSA and one ECDSA). */
  certificateRefs: 4,
} as const;

/** @public */
export type InputLimits = typeof INPUT_LIMITS;
