import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  HostCheck,
  hostCheckSchema,
  istioCertificateRefreshPermission,
  istioMeshReadPermission,
  istioStatusReadPermission,
  MeshOverview,
  meshOverviewSchema,
  MeshStatus,
  OverviewCertificate,
  OverviewCluster,
  routeApiSchema,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { z } from 'zod';
import { MeshOverviewService } from './MeshOverviewService';
import { StatusService } from './StatusService';
import { TemplateFieldService } from './TemplateFieldService';

/** `entityRef`, as every entity-scoped query and body takes it. */
export const entityRefField = z.string({
  required_error: 'entityRef is required, e.g. component:default/checkout',
});

/** The input of the mesh status. */
export const statusQuerySchema = z.object({ entityRef: entityRefField });

/** The input of the host check. */
export const hostCheckQuerySchema = z
  .object({
    cluster: z.string({ required_error: 'cluster is required' }),
    gateway: z
      .string({ required_error: 'gateway is required, as namespace/name' })
      .regex(/^[^/]+\/[^/]+$/, 'gateway must be namespace/name'),
    host: z.string({ required_error: 'host is required' }),
    namespace: z.string().optional(),
    /** The route's own name: re-applying it is no conflict. */
    name: z.string().optional(),
    /** `istio` (the default) or `gateway-api`. */
    api: routeApiSchema.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.api === 'gateway-api' && !query.namespace) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['namespace'],
        message:
          'namespace is required with api=gateway-api: a Gateway API listener takes routes by their namespace (allowedRoutes)',
      });
    }
  });

/** The input of the expiring certificates. */
export const expiringCertificatesQuerySchema = z.object({
  withinDays: z.coerce
    .number({ invalid_type_error: 'withinDays must be a number of days' })
    .int('withinDays must be a whole number of days')
    .min(0, 'withinDays must not be negative')
    .max(3650, 'withinDays must be at most 3650')
    .default(30),
});

/** The gateway certificates that need attention, across all clusters. */
export type ExpiringCertificates = {
  withinDays: number;
  /** Most urgent first, as in the mesh overview. */
  certificates: OverviewCertificate[];
  /** Clusters that could not be (fully) read: their list may be short. */
  clusterErrors: Array<OverviewCluster['errors'][number] & { cluster: string }>;
};

/** The input parsed with `schema`, or an InputError naming every field. */
export function parse<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    // every message names its field
    throw new InputError(result.error.issues.map(i => i.message).join('; '));
  }
  return result.data;
}

/** Principal types a query serves. */
type PrincipalType = 'user' | 'service';

export type MeshQueriesOptions = {
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  clusters: ClusterRegistry;
  status: StatusService;
  templateFields: TemplateFieldService;
  overview: MeshOverviewService;
};

/**
 * The read operations of the plugin, each with its own checks: the caller's
 * principal type, the input, the catalog read and the permission decision
 * with the caller's credentials, then the work. The HTTP routes and the
 * actions registry (MCP tools) call these same methods, so an answer or a
 * refusal is the same whichever way a caller asks.
 */
export class MeshQueries {
  constructor(private readonly options: MeshQueriesOptions) {}

  /**
   * The mesh status of an entity (`GET /v1/status`): users and other
   * backends, with `istio.status.read` on the entity.
   */
  async status(
    input: unknown,
    credentials: BackstageCredentials,
  ): Promise<MeshStatus> {
    this.requirePrincipal(credentials, ['user', 'service']);
    const { entityRef } = parse(statusQuerySchema, input);
    const { entity } = await this.authorizedEntity(
      entityRef,
      credentials,
      istioStatusReadPermission,
      'read the mesh status',
    );
    return this.options.status.statusFor(entity);
  }

  /**
   * Whether a host can go on a gateway, by the rule book
   * (`GET /v1/template-fields/host-check`): signed-in users, as the
   * scaffolder's form asks it.
   */
  async hostCheck(
    input: unknown,
    credentials: BackstageCredentials,
  ): Promise<HostCheck> {
    this.requirePrincipal(credentials, ['user']);
    const query = parse(hostCheckQuerySchema, input);
    return hostCheckSchema.parse(
      await this.options.templateFields.checkHost({
        ...query,
        cluster: this.options.clusters.get(query.cluster).name,
      }),
    );
  }

  /**
   * The mesh overview of every cluster (`GET /v1/overview`): users and other
   * backends with `istio.mesh.read`; entities the caller may not see in the
   * catalog are not named in it.
   */
  async overview(credentials: BackstageCredentials): Promise<MeshOverview> {
    this.requirePrincipal(credentials, ['user', 'service']);
    await this.authorizeMeshRead(credentials, 'read the mesh overview');
    // parsing strips anything the schema does not declare
    return meshOverviewSchema.parse(
      await this.options.overview.overview(credentials),
    );
  }

  /**
   * The gateway certificates of every cluster that expire within
   * `withinDays` (default 30) or have a verdict other than `ok` (expired,
   * sync failing, rotation due, missing, not covering a host …), most urgent
   * first, from the mesh overview: the same permission, `istio.mesh.read`.
   */
  async expiringCertificates(
    input: unknown,
    credentials: BackstageCredentials,
  ): Promise<ExpiringCertificates> {
    this.requirePrincipal(credentials, ['user', 'service']);
    const { withinDays } = parse(expiringCertificatesQuerySchema, input ?? {});
    const { certificates, clusters } = await this.overview(credentials);
    return {
      withinDays,
      certificates: certificates.filter(
        c =>
          c.verdict !== 'ok' ||
          (c.certificate !== undefined && c.certificate.daysLeft <= withinDays),
      ),
      clusterErrors: clusters.flatMap(c =>
        c.errors.map(e => ({ cluster: c.name, ...e })),
      ),
    };
  }

  /**
   * The entity as the caller may see it, once the permission allows: an
   * entity the catalog does not show the caller is a 404, a denied
   * permission a 403 naming the action.
   */
  async authorizedEntity(
    rawRef: string,
    credentials: BackstageCredentials,
    permission:
      | typeof istioStatusReadPermission
      | typeof istioCertificateRefreshPermission,
    action: string,
  ): Promise<{ entity: Entity; entityRef: string }> {
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(rawRef));
    } catch (e) {
      throw new InputError(`entityRef is not an entity reference: ${e}`);
    }
    // read with the caller's credentials: an entity they may not see does
    // not exist for them
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    const [decision] = await this.options.permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed to ${action} of ${entityRef}`);
    }
    return { entity, entityRef };
  }

  private async authorizeMeshRead(
    credentials: BackstageCredentials,
    action: string,
  ): Promise<void> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: istioMeshReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed to ${action}`);
    }
  }

  /** The errors `httpAuth.credentials(req, { allow })` throws, for any caller. */
  private requirePrincipal(
    credentials: BackstageCredentials,
    allow: PrincipalType[],
  ): void {
    const { auth } = this.options;
    if (auth.isPrincipal(credentials, 'none')) {
      throw new AuthenticationError('Missing credentials');
    }
    for (const type of ['user', 'service'] as const) {
      if (auth.isPrincipal(credentials, type) && !allow.includes(type)) {
        throw new NotAllowedError(
          `This endpoint does not allow '${type}' credentials`,
        );
      }
    }
  }
}
