import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  KubernetesValidatorFunctions,
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
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
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
  validateDns1123Label,
  validateDns1123Subdomain,
  validateHostname,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { MeshOverviewService } from './MeshOverviewService';
import { StatusService } from './StatusService';
import { KeptPerCaller } from './KeptPerCaller';
import { TemplateFieldService } from './TemplateFieldService';
import {
  CatalogEntities,
  DEFAULT_ENTITY_CACHE_TTL_MS,
} from './CatalogEntities';

/** The default time an ALLOW of `istio.status.read` is kept per caller. */
export const DEFAULT_PERMISSION_CACHE_TTL_MS = 5_000;

/**
 * Where a request's time went, in milliseconds: `authorize` (the catalog
 * read and the permission check, in parallel; each of them on its own as
 * `catalog` and `permission`, 0 when kept) and `status` (the answer, from
 * the cache or the clusters). Sent as a `Server-Timing` header.
 */
export type RequestTimings = {
  authorize?: number;
  catalog?: number;
  permission?: number;
  status?: number;
};

/** A value as a refusal quotes it: escaped, and shortened when long. */
function quoted(value: string): string {
  return value.length > 80
    ? `${JSON.stringify(value.slice(0, 80)).slice(0, -1)}…" (${
        value.length
      } characters)`
    : JSON.stringify(value);
}

/** No line breaks or control characters. */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;

/** Why `value` is not a `kind:namespace/name` reference, if it is not. */
function entityRefProblem(value: string): string | undefined {
  if (value.length > 1024 || !NO_CONTROL_CHARACTERS.test(value)) {
    return 'at most 1024 characters, no control characters';
  }
  let ref: { kind: string; namespace: string; name: string };
  try {
    ref = parseEntityRef(value);
  } catch (e) {
    return (e as Error).message;
  }
  if (!KubernetesValidatorFunctions.isValidKind(ref.kind)) {
    return `invalid kind ${quoted(ref.kind)}`;
  }
  if (!KubernetesValidatorFunctions.isValidNamespace(ref.namespace)) {
    return `invalid namespace ${quoted(ref.namespace)}`;
  }
  if (ref.name.length > 253 || /[\s/]/.test(ref.name)) {
    return `invalid name ${quoted(ref.name)}`;
  }
  return undefined;
}

/**
 * A string query or body field: a message naming the field when it is
 * missing or not a single string (`?cluster=a&cluster=b` is a list).
 */
function stringField(what: string, required: string) {
  return z.string({
    required_error: required,
    invalid_type_error: `${what} must be a single string`,
  });
}

/** A refinement that refuses a value `validate` finds a problem with. */
function checkedBy(what: string, validate: (v: string) => string | undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const problem = validate(value);
    if (problem) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} ${quoted(value)} ${problem}`,
      });
    }
  };
}

/** `entityRef`, as every entity-scoped query and body takes it. */
export const entityRefField = stringField(
  'entityRef',
  'entityRef is required, e.g. component:default/checkout',
).superRefine((value, ctx) => {
  const problem = entityRefProblem(value);
  if (problem) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `entityRef is not an entity reference (kind:namespace/name, e.g. component:default/checkout): ${quoted(
        value,
      )}: ${problem}`,
    });
  }
});

/**
 * A configured cluster's name as a query or body field: at most 253
 * characters without control characters (an unknown name is a 404 later).
 */
export const clusterField = stringField('cluster', 'cluster is required')
  .min(1, 'cluster must not be empty')
  .max(253, 'cluster must be at most 253 characters')
  .regex(
    NO_CONTROL_CHARACTERS,
    'cluster must not contain line breaks or control characters',
  );

/** A namespace field (DNS-1123 label). */
export const namespaceField = (what: string, required: string) =>
  stringField(what, required).superRefine(
    checkedBy(what, validateDns1123Label),
  );

/** An object name field (DNS-1123 subdomain). */
export const objectNameField = (what: string, required: string) =>
  stringField(what, required).superRefine(
    checkedBy(what, validateDns1123Subdomain),
  );

/** `namespace/name` of a gateway. */
const gatewayField = stringField(
  'gateway',
  'gateway is required, as namespace/name',
).superRefine((value, ctx) => {
  const parts = value.split('/');
  const problem =
    parts.length === 2
      ? validateDns1123Label(parts[0]) ?? validateDns1123Subdomain(parts[1])
      : '';
  if (problem !== undefined) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: problem
        ? `gateway must be namespace/name: ${quoted(value)} ${problem}`
        : 'gateway must be namespace/name',
    });
  }
});

/** The input of the mesh status. */
export const statusQuerySchema = z.object({ entityRef: entityRefField });

/** The input of the host check. */
export const hostCheckQuerySchema = z
  .object({
    cluster: clusterField,
    gateway: gatewayField,
    host: stringField('host', 'host is required').superRefine(
      checkedBy('host', validateHostname),
    ),
    namespace: namespaceField('namespace', 'namespace is required').optional(),
    /** The route's own name: re-applying it is no conflict. */
    name: objectNameField('name', 'name is required').optional(),
    /** `istio` (the default) or `gateway-api`. */
    api: routeApiSchema.optional(),
  })
  .superRefine((query, ctx) => {
    if (
      query.api === 'gateway-api' &&
      query.host !== query.host.toLowerCase()
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['host'],
        message: `host ${quoted(
          query.host,
        )} must be lower case with api=gateway-api (the Gateway API requires it)`,
      });
    }
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

/**
 * The input parsed with `schema`, or an InputError naming every field: a
 * message that does not start with its field's name (zod's own, e.g. of an
 * enum) gets the field put in front.
 */
export function parse<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      result.error.issues
        .slice(0, 10)
        .map(issue => {
          const field = issue.path.join('.');
          return field && !issue.message.startsWith(String(issue.path[0]))
            ? `${field}: ${issue.message}`
            : issue.message;
        })
        .join('; '),
    );
  }
  return result.data;
}

/** Principal types a query serves. */
type PrincipalType = 'user' | 'service';

/** A caller's decisions on an entity: seeing it, and the plugin's permission. */
type EntityDecisions = {
  catalogRead: AuthorizeResult;
  permission: AuthorizeResult;
};

export type MeshQueriesOptions = {
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  clusters: ClusterRegistry;
  status: StatusService;
  templateFields: TemplateFieldService;
  overview: MeshOverviewService;
  /**
   * How long an entity read is kept (`istio.entityCacheTtl`, default 5 s;
   * 0 reads the catalog on every request).
   */
  entityCacheTtlMs?: number;
  /**
   * How long a caller's ALLOW of `istio.status.read` (with
   * `catalog.entity.read`) on an entity is kept (`istio.permissionCacheTtl`,
   * default 5 s; 0 asks the permission backend on every request). A DENY is
   * never kept, nor any other permission.
   */
  permissionCacheTtlMs?: number;
};

/**
 * The read operations of the plugin, each with its own checks: the caller's
 * principal type, the input, the catalog read and the permission decisions
 * (`catalog.entity.read` and the plugin's own) with the caller's
 * credentials, then the work. The HTTP routes and the
 * actions registry (MCP tools) call these same methods, so an answer or a
 * refusal is the same whichever way a caller asks.
 */
export class MeshQueries {
  private readonly entities: CatalogEntities;
  private readonly statusReads: KeptPerCaller<EntityDecisions>;

  constructor(private readonly options: MeshQueriesOptions) {
    this.entities = new CatalogEntities({
      catalog: options.catalog,
      auth: options.auth,
      ttlMs: options.entityCacheTtlMs ?? DEFAULT_ENTITY_CACHE_TTL_MS,
    });
    this.statusReads = new KeptPerCaller({
      auth: options.auth,
      ttlMs: options.permissionCacheTtlMs ?? DEFAULT_PERMISSION_CACHE_TTL_MS,
      keep: decisions =>
        decisions.catalogRead === AuthorizeResult.ALLOW &&
        decisions.permission === AuthorizeResult.ALLOW,
    });
  }

  /**
   * The mesh status of an entity (`GET /v1/status`): users and other
   * backends, with `istio.status.read` on the entity.
   */
  async status(
    input: unknown,
    credentials: BackstageCredentials,
    timings?: RequestTimings,
  ): Promise<MeshStatus> {
    this.requirePrincipal(credentials, ['user', 'service']);
    const { entityRef } = parse(statusQuerySchema, input);
    const started = performance.now();
    const { entity } = await this.authorizedEntity(
      entityRef,
      credentials,
      istioStatusReadPermission,
      'read the mesh status',
      timings,
    );
    const authorized = performance.now();
    const status = await this.options.status.statusFor(entity);
    if (timings) {
      timings.authorize = authorized - started;
      timings.status = performance.now() - authorized;
    }
    return status;
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
   * The entity, once the caller may see it and the permission allows: an
   * entity the catalog does not have, or `catalog.entity.read` does not
   * allow the caller, is a 404; a denied permission a 403 naming the action.
   */
  async authorizedEntity(
    rawRef: string,
    credentials: BackstageCredentials,
    permission:
      | typeof istioStatusReadPermission
      | typeof istioCertificateRefreshPermission,
    action: string,
    timings?: RequestTimings,
  ): Promise<{ entity: Entity; entityRef: string }> {
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(rawRef));
    } catch (e) {
      throw new InputError(`entityRef is not an entity reference: ${e}`);
    }
    // Read the entity (kept, shared by every caller) and ask for the
    // caller's decisions at the same time: whether they may see the entity
    // (`catalog.entity.read`, what the catalog applies to a read on their
    // behalf: an entity they may not see does not exist for them) and the
    // plugin's permission, in one request to the permission backend.
    const ask = async (): Promise<EntityDecisions> => {
      const [catalogRead, decision] = await this.options.permissions.authorize(
        [
          { permission: catalogEntityReadPermission, resourceRef: entityRef },
          { permission, resourceRef: entityRef },
        ],
        { credentials },
      );
      return { catalogRead: catalogRead.result, permission: decision.result };
    };
    // each of the two, timed on its own for the Server-Timing header
    const timed = async <T>(
      name: 'catalog' | 'permission',
      work: () => Promise<T>,
    ): Promise<T> => {
      const started = performance.now();
      const value = await work();
      if (timings) {
        timings[name] = performance.now() - started;
      }
      return value;
    };
    // a read of the status, asked again seconds later by a reloading card
    // or an agent, is allowed from a kept ALLOW (as the Kubernetes API
    // server keeps its webhook authorizer's decisions); anything else asks
    const [entity, decisions] = await Promise.all([
      timed('catalog', () => this.entities.get(entityRef)),
      timed('permission', () =>
        permission.name === istioStatusReadPermission.name
          ? this.statusReads.get(credentials, entityRef, ask)
          : ask(),
      ),
    ]);
    if (!entity || decisions.catalogRead !== AuthorizeResult.ALLOW) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    if (decisions.permission !== AuthorizeResult.ALLOW) {
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
