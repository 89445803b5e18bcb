import { z } from 'zod';

/**
 * The mesh status of a catalog entity: the response of
 * `GET /api/istio/v1/status`. This schema is the source of truth; the backend
 * validates what it sends with it and the frontend what it receives.
 */

/** @public */
export const severitySchema = z.enum(['info', 'warning', 'error']);

/**
 * One thing to know or fix, mirroring Istio analyzer (IST) and Kiali (KIA)
 * codes where one fits.
 *
 * @public
 */
export const findingSchema = z.object({
  /** Meshdeck's own id, e.g. `sidecar-missing`. */
  id: z.string(),
  severity: severitySchema,
  /** The IST/KIA code this mirrors, e.g. `IST0103`. */
  code: z.string().optional(),
  /** The object it is about, as `namespace/Kind/name`. */
  object: z.string(),
  message: z.string(),
  /** A concrete fix, usually a command. */
  fix: z.string().optional(),
});

/** @public */
export const missingSidecarReasonSchema = z.enum([
  'namespace-not-labelled',
  'opted-out',
  'created-before-injection',
  'ambient',
  'unknown',
]);

/** @public */
export const sidecarSchema = z.object({
  injected: z.boolean(),
  /** Istio's native sidecar: an init container with restartPolicy Always. */
  native: z.boolean(),
  image: z.string().optional(),
  version: z.string().optional(),
  revision: z.string().optional(),
  ready: z.boolean().optional(),
  resources: z
    .object({
      requests: z.record(z.string()).optional(),
      limits: z.record(z.string()).optional(),
    })
    .optional(),
  missingReason: missingSidecarReasonSchema.optional(),
  /**
   * What the proxy is, when there is one: a workload's sidecar, a gateway
   * (`proxy router`, e.g. the injector's `gateway` template) or an ambient
   * waypoint (`proxy waypoint`).
   */
  kind: z.enum(['sidecar', 'gateway', 'waypoint']).optional(),
  /**
   * How the proxy captures traffic, when there is one: `REDIRECT`, `TPROXY`
   * or `NONE` (no capture; the app must address the proxy itself).
   */
  interceptionMode: z.string().optional(),
  /**
   * The init containers and containers the sidecar injector added, from the
   * pod's `sidecar.istio.io/status` annotation; present whenever the injector
   * processed the pod, even if it added no proxy (e.g. only `istio-validation`).
   */
  injectedContainers: z.array(z.string()).optional(),
  /**
   * True for a pod with `hostNetwork: true` and no proxy: Istio never injects
   * such pods, nor captures them in ambient mode.
   */
  hostNetwork: z.boolean().optional(),
});

/**
 * The waypoint (a Gateway API Gateway of class `istio-waypoint`) that
 * handles a pod's traffic in ambient mode, and which `istio.io/use-waypoint`
 * label chose it: the pod's, a Service's that selects the pod, or the
 * namespace's (the most specific label wins).
 *
 * @public
 */
export const waypointUseSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  source: z.enum(['pod', 'service', 'namespace']),
  /**
   * Its `Programmed` condition is `True`. False also when the Gateway does
   * not exist; absent when the Gateways could not be read.
   */
  programmed: z.boolean().optional(),
});

/**
 * How a pod joins the mesh: its own proxy (`sidecar`), ztunnel (`ambient`,
 * by the `istio.io/dataplane-mode=ambient` label on the pod or its
 * namespace), or not at all (`none`).
 *
 * @public
 */
export const dataplaneSchema = z.object({
  mode: z.enum(['sidecar', 'ambient', 'none']),
  /**
   * Ambient pods only: istio-cni captured the pod's traffic for ztunnel
   * (annotation `ambient.istio.io/redirection: enabled`).
   */
  captured: z.boolean().optional(),
  /** Ambient pods only: the waypoint in use, when one is. */
  waypoint: waypointUseSchema.optional(),
});

/** @public */
export const podStatusSchema = z.object({
  name: z.string(),
  phase: z.string(),
  ready: z.boolean(),
  restarts: z.number().int(),
  createdAt: z.string().optional(),
  sidecar: sidecarSchema,
  /** How the pod joins the mesh. Absent in answers from older backends. */
  dataplane: dataplaneSchema.optional(),
});

/** @public */
export const mtlsModeSchema = z.enum([
  'STRICT',
  'PERMISSIVE',
  'DISABLE',
  'UNSET',
]);

/** @public */
export const workloadStatusSchema = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string(),
  pods: z.array(podStatusSchema),
  /** The PeerAuthentication mode in effect for the workload, and its source. */
  mtls: z.object({ mode: mtlsModeSchema, source: z.string() }).optional(),
});

/** @public */
export const injectionModeSchema = z.enum([
  'sidecar',
  'revision',
  'ambient',
  'none',
]);

/** @public */
export const namespaceStatusSchema = z.object({
  name: z.string(),
  injection: injectionModeSchema,
  revision: z.string().optional(),
  /** The labels that decide injection. */
  labels: z.record(z.string()),
  /** When the injection label was first set, if Meshdeck can tell. */
  labelledAt: z.string().optional(),
});

/** @public */
export const controlPlaneSchema = z.object({
  revision: z.string(),
  version: z.string().optional(),
  namespace: z.string(),
});

/**
 * A verdict on a gateway credential. `not-covered`: the certificate's names
 * do not cover a host the gateway serves with it, so clients of that host get
 * a TLS error.
 *
 * @public
 */
export const certificateVerdictSchema = z.enum([
  'ok',
  'expiring',
  'expired',
  'rotation-due',
  'sync-failing',
  'missing',
  'unknown',
  'not-covered',
]);

/** @public */
export const clusterErrorSchema = z.object({
  source: z.enum(['kubernetes', 'acm']),
  kind: z.enum(['unreachable', 'forbidden', 'timeout', 'invalid', 'other']),
  message: z.string(),
});

/**
 * A Gateway API status condition (`Accepted`, `ResolvedRefs`, `Programmed`,
 * …) as the controller wrote it.
 *
 * @public
 */
export const gatewayApiConditionSchema = z.object({
  type: z.string(),
  /** `True`, `False` or `Unknown`. */
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

/**
 * A Gateway API HTTPRoute in the traffic section: its hostnames, the
 * Gateways (and listeners) it names as parents with the conditions the
 * controller reported for each, and its rules with their backends.
 *
 * @public
 */
export const httpRouteTrafficSchema = z.object({
  /** `namespace/name`. */
  ref: z.string(),
  /** As written; empty: every hostname of the listeners it attaches to. */
  hostnames: z.array(z.string()),
  parents: z.array(
    z.object({
      /** The Gateway API Gateway, `namespace/name`. */
      gateway: z.string(),
      /** The listener named by the parentRef, if any. */
      sectionName: z.string().optional(),
      port: z.number().optional(),
      /**
       * The listeners of the Gateway the route is attached to through this
       * parentRef (allowed and with a hostname in common), by name.
       */
      listeners: z.array(z.string()).optional(),
      /** From `status.parents[]` for this parentRef; empty until reported. */
      conditions: z.array(gatewayApiConditionSchema),
    }),
  ),
  rules: z.array(
    z.object({
      /** e.g. `PathPrefix /api GET`; the API's default is `PathPrefix /`. */
      matches: z.array(z.string()),
      backends: z.array(
        z.object({
          /**
           * `name.namespace.svc.cluster.local` for a Service, else
           * `Kind namespace/name`.
           */
          service: z.string(),
          port: z.number().optional(),
          /** As written (the API's default is 1); weights are relative. */
          weight: z.number().optional(),
        }),
      ),
    }),
  ),
});

/**
 * A Gateway API Gateway an HTTPRoute of the entity attaches to, with its
 * listeners, its conditions and — for class `istio` — the Deployment istiod
 * creates for it (`<name>-istio`).
 *
 * @public
 */
export const k8sGatewayTrafficSchema = z.object({
  /** `namespace/name`. */
  ref: z.string(),
  className: z.string(),
  listeners: z.array(
    z.object({
      name: z.string(),
      port: z.number(),
      protocol: z.string(),
      /** Absent: every hostname. */
      hostname: z.string().optional(),
      /** `Terminate` or `Passthrough`, for listeners with `tls`. */
      tlsMode: z.string().optional(),
      /** The certificate Secrets, as `namespace/name`. */
      certificateRefs: z.array(z.string()),
      /** From `status.listeners[]`, when reported. */
      attachedRoutes: z.number().optional(),
      conditions: z.array(gatewayApiConditionSchema).optional(),
    }),
  ),
  conditions: z.array(gatewayApiConditionSchema),
  /**
   * The Deployment istiod runs the Gateway in, for class `istio`: absent
   * for other classes, or when it could not be read. `exists: false` when
   * there is none.
   */
  deployment: z
    .object({
      namespace: z.string(),
      name: z.string(),
      exists: z.boolean(),
      /** Ready and available on every desired replica (and at least one). */
      ready: z.boolean(),
      desired: z.number(),
      readyReplicas: z.number(),
      availableReplicas: z.number().optional(),
    })
    .optional(),
});

/** @public */
export const trafficSchema = z.object({
  gateways: z.array(
    z.object({
      ref: z.string(),
      hosts: z.array(z.string()),
      servers: z.array(
        z.object({
          port: z.number(),
          protocol: z.string().optional(),
          hosts: z.array(z.string()),
          tlsMode: z.string().optional(),
          credentialName: z.string().optional(),
          httpsRedirect: z.boolean().optional(),
        }),
      ),
    }),
  ),
  virtualServices: z.array(
    z.object({
      ref: z.string(),
      hosts: z.array(z.string()),
      gateways: z.array(z.string()),
      routes: z.array(
        z.object({
          match: z.string().optional(),
          destinations: z.array(
            z.object({
              host: z.string(),
              port: z.number().optional(),
              subset: z.string().optional(),
              weight: z.number().optional(),
            }),
          ),
        }),
      ),
    }),
  ),
  destinationRules: z.array(
    z.object({
      ref: z.string(),
      host: z.string(),
      subsets: z.array(
        z.object({ name: z.string(), labels: z.record(z.string()) }),
      ),
    }),
  ),
  authorizationPolicies: z.array(
    z.object({
      ref: z.string(),
      action: z.string(),
      rules: z.number(),
      selector: z.record(z.string()).optional(),
    }),
  ),
  /**
   * Gateway API HTTPRoutes with a backend among the entity's Services.
   * Absent when there are none (and in answers from older backends).
   */
  httpRoutes: z.array(httpRouteTrafficSchema).optional(),
  /**
   * The Gateway API Gateways those HTTPRoutes attach to. Absent when there
   * are none (and in answers from older backends).
   */
  k8sGateways: z.array(k8sGatewayTrafficSchema).optional(),
});

/** @public */
export const certificateStatusSchema = z.object({
  hosts: z.array(z.string()),
  gateway: z.string(),
  secret: z.object({ namespace: z.string(), name: z.string() }),
  certificate: z
    .object({
      subject: z.string(),
      sans: z.array(z.string()),
      issuer: z.string(),
      serial: z.string(),
      notBefore: z.string(),
      notAfter: z.string(),
      daysLeft: z.number(),
      uncoveredHosts: z.array(z.string()),
    })
    .optional(),
  externalSecret: z
    .object({
      name: z.string(),
      ready: z.boolean(),
      reason: z.string().optional(),
      message: z.string().optional(),
      refreshTime: z.string().optional(),
      refreshInterval: z.string().optional(),
    })
    .optional(),
  acm: z
    .object({
      arn: z.string(),
      status: z.string(),
      notAfter: z.string().optional(),
      serial: z.string().optional(),
      renewalStatus: z.string().optional(),
      type: z.string().optional(),
      inUseBy: z.array(z.string()),
      /**
       * True when ACM could not be asked now (unreachable, throttling or
       * failing) and this is the last good answer for the certificate.
       */
      stale: z.boolean().optional(),
      /**
       * With `stale`: when the answer shown was read from ACM (`since`, ISO
       * time) and why ACM could not be asked now: `reason` is `unreachable`
       * (no connection), `throttled` (ThrottlingException, 429) or
       * `unavailable` (5xx), `message` what the AWS SDK said. Absent in
       * answers from older backends.
       */
      staleness: z
        .object({
          since: z.string(),
          reason: z.string(),
          message: z.string().optional(),
        })
        .optional(),
      /**
       * ACM holds an issued certificate with another serial than the
       * secret's, not expiring before it: the renewed certificate (`serial`,
       * `notAfter` above) waits in ACM to be written to the secret. With a
       * failing ExternalSecret the fix is the sync, not a renewal.
       */
      renewedCertificateWaiting: z.boolean().optional(),
    })
    .optional(),
  /** The most urgent verdict: `verdicts[0]`. */
  verdict: certificateVerdictSchema,
  /**
   * Every verdict that applies, most urgent first (`['ok']` when fine), e.g.
   * `['not-covered', 'sync-failing', 'rotation-due', 'expiring']`. Absent in
   * answers from older backends: read it as `[verdict]`.
   */
  verdicts: z.array(certificateVerdictSchema).optional(),
  /** How urgent the verdict is, by the configured day thresholds. */
  severity: z.enum(['ok', 'warning', 'critical']).optional(),
});

/** @public */
export const topologySchema = z.object({
  nodes: z.array(
    z.object({
      id: z.string(),
      kind: z.enum([
        'host',
        'gateway',
        'virtualService',
        'service',
        'subset',
        'workload',
        /** A Gateway API listener (`namespace/name#listener`). */
        'listener',
        /** A Gateway API HTTPRoute. */
        'httpRoute',
      ]),
      label: z.string(),
      podCount: z.number().optional(),
    }),
  ),
  edges: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      weight: z.number().optional(),
    }),
  ),
});

/**
 * The ambient data plane of a cluster, present when the entity has pods or
 * namespaces in ambient mode: the ztunnel DaemonSet (absent when none was
 * found) and the waypoints the entity's pods use.
 *
 * @public
 */
export const ambientStatusSchema = z.object({
  ztunnel: z
    .object({
      namespace: z.string(),
      name: z.string(),
      /** Nodes that should run ztunnel (`desiredNumberScheduled`). */
      desired: z.number(),
      /** Nodes where it is ready (`numberReady`). */
      ready: z.number(),
    })
    .optional(),
  waypoints: z.array(
    z.object({
      name: z.string(),
      namespace: z.string(),
      programmed: z.boolean(),
      /** Why it is not programmed, from its `Programmed` condition. */
      reason: z.string().optional(),
    }),
  ),
});

/**
 * What Meshdeck found in one cluster the entity maps to. Errors are per
 * cluster and per source: one broken cluster never blanks the others.
 *
 * @public
 */
export const clusterStatusSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  controlPlane: z.array(controlPlaneSchema),
  namespaces: z.array(namespaceStatusSchema),
  workloads: z.array(workloadStatusSchema),
  traffic: trafficSchema,
  certificates: z.array(certificateStatusSchema),
  topology: topologySchema,
  findings: z.array(findingSchema),
  links: z.object({
    kialiGraph: z.string().optional(),
    /** Kiali workload pages, keyed `namespace/name`. */
    kialiWorkloads: z.record(z.string()).optional(),
    /** Kiali service pages, keyed `namespace/name`. */
    kialiServices: z.record(z.string()).optional(),
    /**
     * Kiali pages of Istio config objects, keyed `Kind:namespace/name`;
     * Gateway API objects as `HTTPRoute:namespace/name` and
     * `K8sGateway:namespace/name` (Istio's own Gateway keeps `Gateway:`).
     */
    kialiConfig: z.record(z.string()).optional(),
    /** Jaeger trace searches, keyed by namespace. */
    jaeger: z.record(z.string()).optional(),
  }),
  errors: z.array(clusterErrorSchema),
  /** Ambient mode, when the entity uses it. */
  ambient: ambientStatusSchema.optional(),
});

/** @public */
export const verdictSchema = z.enum([
  'healthy',
  'warning',
  'critical',
  'unknown',
]);

/**
 * Response of `GET /api/istio/v1/status?entityRef=`.
 *
 * @public
 */
export const meshStatusSchema = z.object({
  entityRef: z.string(),
  verdict: verdictSchema,
  generatedAt: z.string(),
  /** Present on answers served from the cache. */
  cache: z.object({ hit: z.boolean(), ageSeconds: z.number() }).optional(),
  clusters: z.array(clusterStatusSchema),
});

/** @public */
export type ClusterStatus = z.infer<typeof clusterStatusSchema>;
/** @public */
export type Traffic = z.infer<typeof trafficSchema>;
/** @public */
export type HttpRouteTraffic = z.infer<typeof httpRouteTrafficSchema>;
/** @public */
export type K8sGatewayTraffic = z.infer<typeof k8sGatewayTrafficSchema>;
/** @public */
export type GatewayApiConditionStatus = z.infer<
  typeof gatewayApiConditionSchema
>;
/** @public */
export type CertificateStatus = z.infer<typeof certificateStatusSchema>;
/** @public */
export type Topology = z.infer<typeof topologySchema>;
/** @public */
export type MeshStatus = z.infer<typeof meshStatusSchema>;
/** @public */
export type Verdict = z.infer<typeof verdictSchema>;
/** @public */
export type Finding = z.infer<typeof findingSchema>;
/** @public */
export type Sidecar = z.infer<typeof sidecarSchema>;
/** @public */
export type PodStatus = z.infer<typeof podStatusSchema>;
/** @public */
export type Dataplane = z.infer<typeof dataplaneSchema>;
/** @public */
export type WaypointUse = z.infer<typeof waypointUseSchema>;
/** @public */
export type AmbientStatus = z.infer<typeof ambientStatusSchema>;
/** @public */
export type WorkloadStatus = z.infer<typeof workloadStatusSchema>;
/** @public */
export type NamespaceStatus = z.infer<typeof namespaceStatusSchema>;
/** @public */
export type ControlPlane = z.infer<typeof controlPlaneSchema>;
/** @public */
export type MtlsMode = z.infer<typeof mtlsModeSchema>;
/** @public */
export type CertificateVerdict = z.infer<typeof certificateVerdictSchema>;
/** @public */
export type ClusterError = z.infer<typeof clusterErrorSchema>;
