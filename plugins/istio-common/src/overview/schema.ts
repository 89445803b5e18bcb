import { z } from 'zod';
import {
  certificateStatusSchema,
  clusterErrorSchema,
  controlPlaneSchema,
  findingSchema,
  injectionModeSchema,
  mtlsModeSchema,
} from '../status/schema';

/**
 * The mesh overview of the platform team: the response of
 * `GET /api/istio/v1/overview`, every configured cluster at once. Like the
 * entity status, this schema is the source of truth for the backend and the
 * `/mesh` page, and it never holds secret data.
 *
 * Catalog entities are named by entity ref (`component:default/checkout`),
 * owners by the entity ref of the owning group or user as written in
 * `spec.owner` (`group:default/team-shop`). Only entities the caller may see
 * are named.
 */

/**
 * The catalog entities an object belongs to, and their owners.
 *
 * @public
 */
export const overviewOwnershipSchema = z.object({
  entities: z.array(z.string()),
  owners: z.array(z.string()),
});

/**
 * A gateway TLS secret that a Gateway (Istio or Gateway API) references, in
 * one cluster, with what it serves and whom it concerns.
 *
 * @public
 */
export const overviewCertificateSchema = certificateStatusSchema
  .extend({ cluster: z.string() })
  .merge(overviewOwnershipSchema);

/**
 * A route that claims a public host on a gateway.
 *
 * @public
 */
export const overviewRouteSchema = z.object({
  kind: z.enum(['VirtualService', 'HTTPRoute']),
  namespace: z.string(),
  name: z.string(),
});

/**
 * One host on one gateway: the registry a team checks before asking for a
 * host. `conflict` is set when more than one namespace claims the host on
 * the gateway (or a Gateway API listener): the rule book's finding says why.
 * A wildcard host says which routed hosts it covers (`wildcard`).
 *
 * @public
 */
export const overviewHostSchema = z
  .object({
    cluster: z.string(),
    host: z.string(),
    /** The Gateway serving it, as `namespace/name`. */
    gateway: z.string(),
    api: z.enum(['istio', 'gateway-api']),
    /** The Gateway API listener (`sectionName`), when there is one. */
    listener: z.string().optional(),
    /** The routes that claim the host; none when the gateway serves it unrouted. */
    routes: z.array(overviewRouteSchema),
    /** The certificate verdict of the host's TLS secret, when it has one. */
    certificate: z
      .object({
        secret: z.string(),
        verdict: certificateStatusSchema.shape.verdict,
      })
      .optional(),
    conflict: z.string().optional(),
    /**
     * Set on a wildcard host (`*.example.com`, or `*`): a wildcard listener,
     * not a host served unrouted. `covers` lists the routed hosts on the
     * same Gateway (Gateway API: the same listener) that fall under it; they
     * are no conflict with it.
     */
    wildcard: z.object({ covers: z.array(z.string()) }).optional(),
  })
  .merge(overviewOwnershipSchema);

/**
 * One namespace's data plane.
 *
 * @public
 */
export const overviewNamespaceSchema = z
  .object({
    cluster: z.string(),
    name: z.string(),
    injection: injectionModeSchema,
    revision: z.string().optional(),
    /** Pods with an Istio proxy (sidecar), or captured by ztunnel (ambient). */
    podsInMesh: z.number().int(),
    /** Pods neither with a proxy nor captured. */
    podsOutsideMesh: z.number().int(),
    /** The namespace-wide PeerAuthentication mode (or the mesh's). */
    mtls: mtlsModeSchema,
  })
  .merge(overviewOwnershipSchema);

/**
 * The proxies of one proxy version on a cluster: how many pods run it, by
 * namespace and owner. With the control plane's version this says how ready
 * an upgrade is.
 *
 * @public
 */
export const overviewProxyVersionSchema = z.object({
  cluster: z.string(),
  version: z.string(),
  /** The control-plane revision the proxies belong to. */
  revision: z.string(),
  pods: z.number().int(),
  /** A control plane of the revision runs a newer version. */
  outdated: z.boolean(),
  namespaces: z.array(
    z
      .object({ namespace: z.string(), pods: z.number().int() })
      .merge(overviewOwnershipSchema),
  ),
});

/**
 * A finding of the rule book somewhere in the mesh, with whom it concerns.
 *
 * @public
 */
export const overviewFindingSchema = findingSchema
  .extend({ cluster: z.string() })
  .merge(overviewOwnershipSchema);

/**
 * A cluster of the overview: its control planes and what could not be read.
 *
 * @public
 */
export const overviewClusterSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  controlPlane: z.array(controlPlaneSchema),
  /** Kiali's overview of the cluster, when Kiali is configured. */
  kialiUrl: z.string().optional(),
  errors: z.array(clusterErrorSchema),
});

/**
 * The mesh overview: every list across all clusters, most urgent first.
 *
 * @public
 */
export const meshOverviewSchema = z.object({
  generatedAt: z.string(),
  clusters: z.array(overviewClusterSchema),
  /** Gateway TLS secrets, most urgent verdict and fewest days left first. */
  certificates: z.array(overviewCertificateSchema),
  /** Hosts on gateways, conflicts first, then by host. */
  hosts: z.array(overviewHostSchema),
  /** Namespaces with pods or a mesh label, by cluster and name. */
  namespaces: z.array(overviewNamespaceSchema),
  /** Proxy versions, oldest first. */
  proxyVersions: z.array(overviewProxyVersionSchema),
  /** Findings, errors first, grouped by code. */
  findings: z.array(overviewFindingSchema),
});

/** @public */
export type MeshOverview = z.infer<typeof meshOverviewSchema>;
/** @public */
export type OverviewCluster = z.infer<typeof overviewClusterSchema>;
/** @public */
export type OverviewCertificate = z.infer<typeof overviewCertificateSchema>;
/** @public */
export type OverviewHost = z.infer<typeof overviewHostSchema>;
/** @public */
export type OverviewRoute = z.infer<typeof overviewRouteSchema>;
/** @public */
export type OverviewNamespace = z.infer<typeof overviewNamespaceSchema>;
/** @public */
export type OverviewProxyVersion = z.infer<typeof overviewProxyVersionSchema>;
/** @public */
export type OverviewFinding = z.infer<typeof overviewFindingSchema>;
/** @public */
export type OverviewOwnership = z.infer<typeof overviewOwnershipSchema>;
