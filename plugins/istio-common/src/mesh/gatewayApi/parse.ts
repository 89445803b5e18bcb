import type { RawObject } from '../model';
import {
  arr,
  num,
  obj,
  objectMeta,
  stableJson,
  str,
  stringMap,
  strings,
} from '../json';
import {
  GATEWAY_API_GROUP,
  GatewayApiCondition,
  GatewayApiObjectRef,
  HttpBackendRef,
  HttpRoute,
  HttpRouteMatch,
  HttpRouteParentRef,
  HttpRouteRule,
  K8sGateway,
  K8sGatewayListener,
  KubernetesLabelSelector,
  ReferenceGrant,
} from './model';

/**
 * Parsers from Gateway API objects (as the API server returns them, or as an
 * action builds them) to the typed model. Like `mesh/parse.ts` they never
 * throw on odd shapes: a field of the wrong type is read as absent, and the
 * API's defaults are applied where the server would apply them.
 */

/** `status.conditions`-style lists. @public */
export function parseGatewayApiConditions(v: unknown): GatewayApiCondition[] {
  return arr(v).flatMap(raw => {
    const c = obj(raw);
    const type = str(c.type);
    if (!type) {
      return [];
    }
    const reason = str(c.reason);
    const message = str(c.message);
    const observedGeneration = num(c.observedGeneration);
    return [
      {
        type,
        status: str(c.status) ?? 'Unknown',
        ...(reason !== undefined && { reason }),
        ...(message !== undefined && { message }),
        ...(observedGeneration !== undefined && { observedGeneration }),
      },
    ];
  });
}

function labelSelector(v: unknown): KubernetesLabelSelector | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    return undefined;
  }
  const s = obj(v);
  const matchLabels = s.matchLabels ? stringMap(s.matchLabels) : undefined;
  const matchExpressions = arr(s.matchExpressions).flatMap(raw => {
    const e = obj(raw);
    const key = str(e.key);
    const operator = str(e.operator);
    return key && operator
      ? [{ key, operator, values: strings(e.values) }]
      : [];
  });
  return {
    ...(matchLabels && { matchLabels }),
    ...(matchExpressions.length > 0 && { matchExpressions }),
  };
}

/** A reference with the API's defaults for group, kind and namespace. */
function reference(
  raw: unknown,
  defaults: { group: string; kind: string; namespace: string },
): GatewayApiObjectRef {
  const r = obj(raw);
  return {
    group: str(r.group) ?? defaults.group,
    kind: str(r.kind) ?? defaults.kind,
    namespace: str(r.namespace) ?? defaults.namespace,
    name: str(r.name) ?? '',
  };
}

function listener(raw: unknown, namespace: string): K8sGatewayListener {
  const l = obj(raw);
  const hostname = str(l.hostname);
  const hasTls = !!l.tls && typeof l.tls === 'object' && !Array.isArray(l.tls);
  const tls = obj(l.tls);
  const allowed = obj(l.allowedRoutes);
  const namespaces = obj(allowed.namespaces);
  const selector = labelSelector(namespaces.selector);
  return {
    name: str(l.name) ?? '',
    port: num(l.port) ?? 0,
    protocol: str(l.protocol) ?? '',
    ...(hostname && { hostname }),
    ...(hasTls && {
      tls: {
        mode: str(tls.mode) ?? 'Terminate',
        certificateRefs: arr(tls.certificateRefs).map(r =>
          reference(r, { group: '', kind: 'Secret', namespace }),
        ),
      },
    }),
    allowedRoutes: {
      namespaces: {
        from: str(namespaces.from) ?? 'Same',
        ...(selector && { selector }),
      },
      kinds: arr(allowed.kinds).flatMap(k => {
        const kind = str(obj(k).kind);
        return kind
          ? [{ group: str(obj(k).group) ?? GATEWAY_API_GROUP, kind }]
          : [];
      }),
    },
  };
}

/** A Gateway API Gateway (`gateway.networking.k8s.io`). @public */
export function parseK8sGateway(o: RawObject): K8sGateway {
  const m = objectMeta(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const listenerStatus = new Map(
    arr(status.listeners).map(raw => {
      const s = obj(raw);
      const attachedRoutes = num(s.attachedRoutes);
      return [
        str(s.name) ?? '',
        {
          ...(attachedRoutes !== undefined && { attachedRoutes }),
          conditions: parseGatewayApiConditions(s.conditions),
        },
      ] as const;
    }),
  );
  return {
    kind: 'Gateway',
    group: GATEWAY_API_GROUP,
    ...m,
    gatewayClassName: str(spec.gatewayClassName) ?? '',
    listeners: arr(spec.listeners).map(raw => {
      const l = listener(raw, m.namespace);
      const s = listenerStatus.get(l.name);
      return s ? { ...l, status: s } : l;
    }),
    conditions: parseGatewayApiConditions(status.conditions),
  };
}

function parentRef(raw: unknown, namespace: string): HttpRouteParentRef {
  const r = reference(raw, {
    group: GATEWAY_API_GROUP,
    kind: 'Gateway',
    namespace,
  });
  const sectionName = str(obj(raw).sectionName);
  const port = num(obj(raw).port);
  return {
    ...r,
    ref: `${r.namespace}/${r.name}`,
    ...(sectionName && { sectionName }),
    ...(port !== undefined && { port }),
  };
}

/**
 * A PathPrefix ignores a trailing slash (`/abc/` matches like `/abc`), so
 * both give the same key.
 */
function normalisedPath(type: string, value: string): string {
  return type === 'PathPrefix' && value.length > 1 && value.endsWith('/')
    ? value.replace(/\/+$/, '') || '/'
    : value;
}

function namedMatches(v: unknown, lowerCaseNames: boolean) {
  return arr(v)
    .map(raw => {
      const h = obj(raw);
      const name = str(h.name) ?? '';
      return {
        name: lowerCaseNames ? name.toLowerCase() : name,
        type: str(h.type) ?? 'Exact',
        value: str(h.value) ?? '',
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One `matches[]` entry with the API's defaults. @public */
export function parseHttpRouteMatch(raw: unknown): HttpRouteMatch {
  const m = obj(raw);
  const path = obj(m.path);
  const type = str(path.type) ?? 'PathPrefix';
  const value = normalisedPath(type, str(path.value) ?? '/');
  const method = str(m.method);
  const headers = namedMatches(m.headers, true);
  const queryParams = namedMatches(m.queryParams, false);
  const key = stableJson({
    path: { type, value },
    ...(method && { method }),
    ...(headers.length > 0 && { headers }),
    ...(queryParams.length > 0 && { queryParams }),
  });
  const display = [
    `${type} ${value}`,
    ...(method ? [method] : []),
    ...headers.map(
      h => `header ${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}`,
    ),
    ...queryParams.map(
      q => `query ${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}`,
    ),
  ].join(' ');
  return { key, display };
}

function backendRef(raw: unknown, namespace: string): HttpBackendRef {
  const r = reference(raw, { group: '', kind: 'Service', namespace });
  const port = num(obj(raw).port);
  const weight = num(obj(raw).weight);
  const isService = r.group === '' && r.kind === 'Service';
  return {
    ...r,
    ...(port !== undefined && { port }),
    ...(weight !== undefined && { weight }),
    ...(isService &&
      r.name && { fqdn: `${r.name}.${r.namespace}.svc.cluster.local` }),
  };
}

function rule(raw: unknown, namespace: string): HttpRouteRule {
  const r = obj(raw);
  const name = str(r.name);
  const matches = arr(r.matches);
  const timeouts = obj(r.timeouts);
  const request = str(timeouts.request);
  const backendRequest = str(timeouts.backendRequest);
  return {
    ...(name && { name }),
    matches: (matches.length > 0 ? matches : [{}]).map(parseHttpRouteMatch),
    backendRefs: arr(r.backendRefs).map(b => backendRef(b, namespace)),
    ...((request || backendRequest) && {
      timeouts: {
        ...(request && { request }),
        ...(backendRequest && { backendRequest }),
      },
    }),
  };
}

/** A Gateway API HTTPRoute. @public */
export function parseHttpRoute(o: RawObject): HttpRoute {
  const m = objectMeta(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const rules = arr(spec.rules);
  return {
    kind: 'HTTPRoute',
    group: GATEWAY_API_GROUP,
    ...m,
    hostnames: strings(spec.hostnames),
    parentRefs: arr(spec.parentRefs).map(p => parentRef(p, m.namespace)),
    // no rules: the API's default, one rule matching every request
    rules: (rules.length > 0 ? rules : [{}]).map(r => rule(r, m.namespace)),
    parents: arr(status.parents).map(raw => {
      const p = obj(raw);
      const controllerName = str(p.controllerName);
      return {
        parentRef: parentRef(p.parentRef, m.namespace),
        ...(controllerName && { controllerName }),
        conditions: parseGatewayApiConditions(p.conditions),
      };
    }),
  };
}

/** A Gateway API ReferenceGrant. @public */
export function parseReferenceGrant(o: RawObject): ReferenceGrant {
  const spec = obj(o.spec);
  return {
    kind: 'ReferenceGrant',
    group: GATEWAY_API_GROUP,
    ...objectMeta(o),
    from: arr(spec.from).flatMap(raw => {
      const f = obj(raw);
      const kind = str(f.kind);
      const namespace = str(f.namespace);
      return kind && namespace
        ? [{ group: str(f.group) ?? '', kind, namespace }]
        : [];
    }),
    to: arr(spec.to).flatMap(raw => {
      const t = obj(raw);
      const kind = str(t.kind);
      const name = str(t.name);
      return kind
        ? [{ group: str(t.group) ?? '', kind, ...(name && { name }) }]
        : [];
    }),
  };
}
