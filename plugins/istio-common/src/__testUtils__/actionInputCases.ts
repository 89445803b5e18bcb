import fc from 'fast-check';
import { INPUT_LIMITS } from '../inputs/limits';
import {
  hostileClusterName,
  hostileDnsLabel,
  hostileDuration,
  hostileGatewayApiHost,
  hostileHost,
  hostileHttpPath,
  hostileLabelKey,
  hostileLabelValue,
  hostileObjectName,
  hostilePort,
  hostileWeight,
  notAString,
  oversizedList,
  oversizedMap,
  validDnsLabel,
  validHostname,
  validHttpPath,
  validLabelKey,
  validLabels,
  validLabelValue,
  validObjectName,
  validPort,
  weightsNotSummingTo100,
  weightsSummingTo100,
  yamlSignificantName,
} from './hostileInputs';

/**
 * For each scaffolder action: a valid input to start from, an arbitrary of
 * valid inputs, and single-field mutations that make it hostile. A mutation
 * changes exactly one field, so the refusal must name that field. Shared by
 * the input schemas' unit properties and the actions' integration
 * properties (which pass the cluster and namespaces they may write to).
 */

/** One way to make an input hostile: one field, a value it must refuse. */
export type HostileMutation = {
  /** What the refusal must name (a field name as the message says it). */
  field: string;
  /** The input key that holds the hostile value (what a JSON Schema check names). */
  key: string;
  /** Short description for failure messages and counts. */
  what: string;
  /** The hostile values. */
  values: fc.Arbitrary<unknown>;
  /** The input with the hostile value in place (`base` is not changed). */
  apply: (
    base: Record<string, unknown>,
    value: unknown,
  ) => Record<string, unknown>;
};

/** The cases of one action. */
export type ActionInputCases = {
  /** The action id, e.g. `istio:gateway:create`. */
  id: string;
  /** A valid input; hostile mutations start from it. */
  base: Record<string, unknown>;
  /** Valid inputs the schema must accept. */
  valid: fc.Arbitrary<Record<string, unknown>>;
  mutations: HostileMutation[];
};

/** Where the inputs point: a cluster and namespaces writes are allowed in. */
export type ActionInputContext = {
  cluster: string;
  /** A team namespace (routes, policies, destination rules). */
  namespace: string;
  /** The ingress namespace (gateways). */
  ingress: string;
  /** The name of a namespace the namespace action may create. */
  newNamespace: string;
  /** The domain hosts are under. */
  domain: string;
};

const clone = (o: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(o)) as Record<string, any>;

/** A mutation that sets `path` (creating objects and lists on the way). */
function at(
  field: string,
  what: string,
  path: Array<string | number>,
  values: fc.Arbitrary<unknown>,
): HostileMutation {
  const keys = path.filter((p): p is string => typeof p === 'string');
  return {
    field,
    key: keys[keys.length - 1],
    what,
    values,
    apply(base, value) {
      const copy = clone(base);
      let node: any = copy;
      path.slice(0, -1).forEach((key, i) => {
        if (node[key] === undefined || node[key] === null) {
          node[key] = typeof path[i + 1] === 'number' ? [] : {};
        }
        node = node[key];
      });
      node[path[path.length - 1]] = value;
      return copy;
    },
  };
}

/** A mutation computed from the base input. */
function change(
  field: string,
  what: string,
  values: fc.Arbitrary<unknown>,
  apply: (input: Record<string, any>, value: any) => void,
): HostileMutation {
  return {
    field,
    key: field,
    what,
    values,
    apply(base, value) {
      const copy = clone(base);
      apply(copy, value);
      return copy;
    },
  };
}

/** Mutations every action shares: cluster, mode, renderPath, force, kubernetesId. */
function commonMutations(): HostileMutation[] {
  return [
    at(
      'cluster',
      'cluster: empty, 254+ characters, control characters',
      ['cluster'],
      hostileClusterName,
    ),
    at('cluster', 'cluster: not a string', ['cluster'], notAString),
    at(
      'mode',
      'mode: not apply/render',
      ['mode'],
      fc.oneof(fc.constantFrom('Apply', 'delete', '', 'render\n'), notAString),
    ),
    at(
      'renderPath',
      'renderPath: absolute, escaping, too long, control characters',
      ['renderPath'],
      fc.oneof(
        fc.constantFrom(
          '/etc',
          '../outside',
          'a/../../b',
          '..',
          'a/..\\..\\b',
          'C:\\x',
          'a\u0000b',
          'a\nb',
        ),
        fc
          .integer({ min: INPUT_LIMITS.renderPathLength + 1, max: 3000 })
          .map(n => 'd'.repeat(n)),
        notAString,
      ),
    ),
    at(
      'force',
      'force: not a boolean',
      ['force'],
      fc.constantFrom('true', 1, 'yes', null, []),
    ),
    at(
      'kubernetesId',
      'kubernetesId: not a label value',
      ['kubernetesId'],
      fc.oneof(hostileLabelValue, notAString),
    ),
  ];
}

const distinctHosts = (domain: string, min = 1, max = 4) =>
  fc.uniqueArray(
    validHostname.map(h => `${h.replace(/^\*\./, 'w.')}.${domain}`),
    { minLength: min, maxLength: max, selector: h => h.toLowerCase() },
  );

function namespaceCases(ctx: ActionInputContext): ActionInputCases {
  const base = { cluster: ctx.cluster, name: ctx.newNamespace, mtls: 'STRICT' };
  const valid = fc
    .record({
      name: validDnsLabel,
      injection: fc.constantFrom('sidecar', 'ambient', 'revision'),
      revision: validDnsLabel,
      labels: validLabels(),
      annotations: fc.dictionary(
        validObjectName,
        fc.string({ maxLength: 50 }),
        { maxKeys: 3 },
      ),
      mtls: fc.option(fc.constantFrom('STRICT', 'PERMISSIVE'), {
        nil: undefined,
      }),
      waypoint: fc.option(
        validDnsLabel.filter(w => w !== 'none'),
        { nil: undefined },
      ),
      kubernetesId: fc.option(validLabelValue, { nil: undefined }),
    })
    .map(v => ({
      cluster: ctx.cluster,
      name: v.name,
      injection: v.injection,
      ...(v.injection === 'revision' && { revision: v.revision }),
      labels: v.labels,
      annotations: v.annotations,
      ...(v.mtls && { mtls: v.mtls }),
      ...(v.injection === 'ambient' && v.waypoint && { waypoint: v.waypoint }),
      ...(v.kubernetesId !== undefined && { kubernetesId: v.kubernetesId }),
    }));
  return {
    id: 'istio:namespace:create',
    base,
    valid,
    mutations: [
      ...commonMutations(),
      at(
        'namespace name',
        'name: not a DNS-1123 label',
        ['name'],
        hostileDnsLabel,
      ),
      at(
        'namespace name',
        'name: YAML-significant characters',
        ['name'],
        yamlSignificantName,
      ),
      at('namespace name', 'name: not a string', ['name'], notAString),
      at(
        'injection',
        'injection: unknown mode',
        ['injection'],
        fc.constantFrom('Sidecar', 'enabled', '', 'none'),
      ),
      change(
        'revision',
        'revision: not a DNS-1123 label',
        hostileDnsLabel,
        (i, v) => {
          i.injection = 'revision';
          i.revision = v;
        },
      ),
      at(
        'labels key',
        'labels: bad key',
        ['labels'],
        hostileLabelKey.map(k => ({ [k]: 'v' })),
      ),
      at(
        'labels value',
        'labels: bad value',
        ['labels'],
        hostileLabelValue.map(v => ({ team: v })),
      ),
      at(
        'labels',
        'labels: thousands of entries',
        ['labels'],
        oversizedMap(INPUT_LIMITS.labels + 1, 3000),
      ),
      at(
        'labels',
        'labels: sets an injection label',
        ['labels'],
        fc.constantFrom(
          { 'istio-injection': 'disabled' },
          { 'istio.io/rev': 'x' },
        ),
      ),
      at(
        'annotations key',
        'annotations: bad key',
        ['annotations'],
        hostileLabelKey.map(k => ({ [k]: 'v' })),
      ),
      at(
        'annotations',
        'annotations: thousands of entries',
        ['annotations'],
        oversizedMap(INPUT_LIMITS.annotations + 1, 3000),
      ),
      at(
        'annotations value',
        'annotations: value over the length limit',
        ['annotations'],
        fc
          .integer({
            min: INPUT_LIMITS.annotationValueLength + 1,
            max: 100_000,
          })
          .map(n => ({ note: 'x'.repeat(n) })),
      ),
      at(
        'mtls',
        'mtls: unknown mode',
        ['mtls'],
        fc.constantFrom('strict', 'DISABLE', '', 'ISTIO_MUTUAL'),
      ),
      change(
        'waypoint',
        'waypoint: not a DNS-1123 label',
        hostileDnsLabel,
        (i, v) => {
          i.injection = 'ambient';
          i.waypoint = v;
        },
      ),
    ],
  };
}

function gatewayCases(ctx: ActionInputContext): ActionInputCases {
  const base = {
    cluster: ctx.cluster,
    name: 'fuzz-gateway',
    namespace: ctx.ingress,
    hosts: [`gw.${ctx.domain}`],
  };
  const valid = fc
    .record({
      name: validObjectName,
      namespace: validObjectName,
      selector: validLabels(3),
      hosts: distinctHosts(ctx.domain),
      credentialName: validObjectName,
      httpsRedirect: fc.boolean(),
      files: fc.boolean(),
    })
    .map(v => ({
      cluster: ctx.cluster,
      name: v.name,
      namespace: v.namespace,
      selector: v.selector,
      hosts: v.hosts,
      credentialName: v.credentialName,
      httpsRedirect: v.httpsRedirect,
      ...(v.files && {
        tlsFiles: {
          serverCertificate: '/etc/certs/tls.crt',
          privateKey: '/etc/certs/tls.key',
        },
      }),
    }));
  return {
    id: 'istio:gateway:create',
    base,
    valid,
    mutations: [
      ...commonMutations(),
      at(
        'gateway name',
        'name: not a DNS-1123 subdomain',
        ['name'],
        hostileObjectName,
      ),
      at(
        'namespace',
        'namespace: not a DNS-1123 subdomain',
        ['namespace'],
        hostileObjectName,
      ),
      at('host', 'hosts[0]: not a host name', ['hosts', 0], hostileHost),
      at('host', 'hosts[0]: not a string', ['hosts', 0], notAString),
      at('hosts', 'hosts: empty list', ['hosts'], fc.constant([])),
      at(
        'hosts',
        'hosts: not a list',
        ['hosts'],
        fc.constantFrom('a.example.com', 42, null, {}),
      ),
      at(
        'hosts',
        'hosts: thousands',
        ['hosts'],
        oversizedList(INPUT_LIMITS.hosts + 1, 3000, i => `h${i}.${ctx.domain}`),
      ),
      at(
        'hosts',
        'hosts: the same host twice',
        ['hosts'],
        fc.constant([`a.${ctx.domain}`, `A.${ctx.domain}`]),
      ),
      at(
        'selector key',
        'selector: bad key',
        ['selector'],
        hostileLabelKey.map(k => ({ [k]: 'v' })),
      ),
      at(
        'selector value',
        'selector: bad value',
        ['selector'],
        hostileLabelValue.map(v => ({ istio: v })),
      ),
      at(
        'selector',
        'selector: thousands of entries',
        ['selector'],
        oversizedMap(INPUT_LIMITS.selectorEntries + 1, 3000),
      ),
      at(
        'credentialName',
        'credentialName: not a name',
        ['credentialName'],
        hostileObjectName,
      ),
      at(
        'httpsRedirect',
        'httpsRedirect: not a boolean',
        ['httpsRedirect'],
        fc.constantFrom('false', 0, null),
      ),
      at(
        'tlsFiles.serverCertificate',
        'tlsFiles.serverCertificate: not an absolute path',
        ['tlsFiles'],
        hostileHttpPath.map(p => ({
          serverCertificate: p,
          privateKey: '/etc/certs/tls.key',
        })),
      ),
    ],
  };
}

function virtualServiceCases(ctx: ActionInputContext): ActionInputCases {
  const base = {
    cluster: ctx.cluster,
    name: 'fuzz-route',
    namespace: ctx.namespace,
    hosts: [`vs.${ctx.domain}`],
    gateways: [`${ctx.ingress}/public`],
    routes: [{ destinations: [{ host: 'web', port: 8080 }] }],
  };
  const destinations = fc
    .integer({ min: 1, max: 4 })
    .chain(n =>
      fc.tuple(
        fc.array(
          fc.record({
            host: fc.oneof(
              validDnsLabel,
              validHostname.map(h => h.replace(/^\*\./, '')),
            ),
            port: fc.option(validPort, { nil: undefined }),
            subset: fc.option(validDnsLabel, { nil: undefined }),
          }),
          { minLength: n, maxLength: n },
        ),
        n === 1 ? fc.constant([undefined]) : weightsSummingTo100(n),
      ),
    )
    .map(([ds, ws]) =>
      ds.map((d, i) =>
        JSON.parse(
          JSON.stringify({
            ...d,
            ...(ws[i] !== undefined && { weight: ws[i] }),
          }),
        ),
      ),
    );
  const valid = fc
    .record({
      name: validObjectName,
      namespace: validDnsLabel,
      hosts: distinctHosts(ctx.domain),
      gateways: fc.array(
        fc.tuple(validDnsLabel, validObjectName).map(([n, g]) => `${n}/${g}`),
        { minLength: 1, maxLength: 3 },
      ),
      routes: fc.array(
        fc.record({
          destinations,
          timeout: fc.option(fc.constantFrom('5s', '500ms', '1m', '1.5s'), {
            nil: undefined,
          }),
          retries: fc.option(
            fc.record({
              attempts: fc.integer({ min: 0, max: 10 }),
              perTryTimeout: fc.constantFrom('2s', '100ms'),
            }),
            { nil: undefined },
          ),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      prefix: validHttpPath,
    })
    .map(v => ({
      cluster: ctx.cluster,
      name: v.name,
      namespace: v.namespace,
      hosts: v.hosts,
      gateways: v.gateways,
      // distinct prefixes: the same prefix twice is refused (KIA1105)
      routes: v.routes.map((r, i) =>
        JSON.parse(
          JSON.stringify({
            ...r,
            pathPrefix: `${v.prefix.replace(/\/$/, '')}/r${i}`,
          }),
        ),
      ),
    }));
  const destination = (path: Array<string | number>) => [
    'routes',
    0,
    'destinations',
    0,
    ...path,
  ];
  return {
    id: 'istio:virtualservice:create',
    base,
    valid,
    mutations: [
      ...commonMutations(),
      at(
        'virtualservice name',
        'name: not a DNS-1123 subdomain',
        ['name'],
        hostileObjectName,
      ),
      at(
        'namespace',
        'namespace: not a DNS-1123 label',
        ['namespace'],
        hostileDnsLabel,
      ),
      at('host', 'hosts[0]: not a host name', ['hosts', 0], hostileHost),
      at(
        'hosts',
        'hosts: thousands',
        ['hosts'],
        oversizedList(INPUT_LIMITS.hosts + 1, 3000, i => `h${i}.${ctx.domain}`),
      ),
      at('hosts', 'hosts: empty list', ['hosts'], fc.constant([])),
      at(
        'gateways',
        'gateways[0]: not namespace/name',
        ['gateways', 0],
        fc.oneof(
          hostileDnsLabel.map(n => `${n}/public`),
          hostileObjectName
            .filter(n => !n.includes('/'))
            .map(n => `${ctx.ingress}/${n}`),
          fc.constantFrom('public', '/public', 'ns/', 'a/b/c', 'mesh '),
        ),
      ),
      at(
        'gateways',
        'gateways: thousands',
        ['gateways'],
        oversizedList(
          INPUT_LIMITS.gateways + 1,
          3000,
          i => `${ctx.ingress}/g${i}`,
        ),
      ),
      at(
        'routes',
        'routes: thousands',
        ['routes'],
        oversizedList(INPUT_LIMITS.routes + 1, 3000, i => ({
          pathPrefix: `/p${i}`,
          destinations: [{ host: 'web' }],
        })),
      ),
      at('routes', 'routes: empty list', ['routes'], fc.constant([])),
      at(
        'pathPrefix',
        'pathPrefix: not an absolute path',
        ['routes', 0, 'pathPrefix'],
        hostileHttpPath,
      ),
      at(
        'destination host',
        'destination host: not a host or Service name',
        destination(['host']),
        hostileHost.filter(
          // a single label is a Service name there, and may be valid
          h =>
            h.includes('.') || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(h),
        ),
      ),
      at(
        'destination port',
        'destination port: not a port',
        destination(['port']),
        hostilePort,
      ),
      at(
        'subset',
        'subset: not a DNS-1123 label',
        destination(['subset']),
        hostileDnsLabel,
      ),
      at(
        'weight',
        'weight: not 0..100',
        destination(['weight']),
        hostileWeight,
      ),
      at(
        'weights',
        'weights: do not add up to 100',
        ['routes', 0, 'destinations'],
        weightsNotSummingTo100.map(ws =>
          ws.map((w, i) => ({ host: `web${i}`, weight: w })),
        ),
      ),
      at(
        'destinations',
        'destinations: thousands',
        ['routes', 0, 'destinations'],
        oversizedList(INPUT_LIMITS.destinations + 1, 3000, i => ({
          host: `web${i}`,
        })),
      ),
      at(
        'timeout',
        'timeout: not a duration',
        ['routes', 0, 'timeout'],
        hostileDuration,
      ),
      at(
        'retries.attempts',
        'retries.attempts: not 0..10',
        ['routes', 0, 'retries'],
        fc
          .oneof(
            fc.integer({ min: 11, max: 1e6 }),
            fc.integer({ min: -1e6, max: -1 }),
          )
          .map(a => ({ attempts: a })),
      ),
    ],
  };
}

function destinationRuleCases(ctx: ActionInputContext): ActionInputCases {
  const base = {
    cluster: ctx.cluster,
    name: 'fuzz-rule',
    namespace: ctx.namespace,
    host: 'web',
    trafficPolicy: { tlsMode: 'ISTIO_MUTUAL' },
  };
  const valid = fc
    .record({
      name: validObjectName,
      namespace: validDnsLabel,
      host: validDnsLabel,
      subsets: fc.uniqueArray(
        fc.record({
          name: validDnsLabel,
          labels: fc.dictionary(validLabelKey, validLabelValue, {
            minKeys: 1,
            maxKeys: 3,
          }),
        }),
        { maxLength: 4, selector: s => s.name },
      ),
      tls: fc.constantFrom('ISTIO_MUTUAL', 'DISABLE'),
    })
    .map(v => ({
      cluster: ctx.cluster,
      name: v.name,
      namespace: v.namespace,
      host: v.host,
      subsets: v.subsets,
      trafficPolicy: { tlsMode: v.tls },
    }));
  const subset = (name: unknown, labels: unknown = { version: 'v1' }) => [
    { name, labels },
  ];
  return {
    id: 'istio:destinationrule:create',
    base,
    valid,
    mutations: [
      ...commonMutations(),
      at(
        'destinationrule name',
        'name: not a DNS-1123 subdomain',
        ['name'],
        hostileObjectName,
      ),
      at(
        'namespace',
        'namespace: not a DNS-1123 label',
        ['namespace'],
        hostileDnsLabel,
      ),
      at('host', 'host: not a Service name', ['host'], hostileDnsLabel),
      at(
        'subset name',
        'subsets[0].name: not a DNS-1123 label',
        ['subsets'],
        hostileDnsLabel.map(n => subset(n)),
      ),
      at(
        'subset labels',
        'subsets[0].labels: bad key',
        ['subsets'],
        hostileLabelKey.map(k => subset('v1', { [k]: 'v1' })),
      ),
      at(
        'subset labels',
        'subsets[0].labels: bad value',
        ['subsets'],
        hostileLabelValue.map(v => subset('v1', { version: v })),
      ),
      at(
        'subsets',
        'subsets: thousands',
        ['subsets'],
        oversizedList(INPUT_LIMITS.subsets + 1, 3000, i => ({
          name: `v${i}`,
          labels: { version: `v${i}` },
        })),
      ),
      at(
        'subset',
        'subsets: the same name twice',
        ['subsets'],
        fc.constant([...subset('v1'), ...subset('v1')]),
      ),
      at(
        'tlsMode',
        'trafficPolicy.tlsMode: unknown',
        ['trafficPolicy', 'tlsMode'],
        fc.constantFrom('MUTUAL', 'istio_mutual', '', 7),
      ),
    ],
  };
}

function authorizationPolicyCases(ctx: ActionInputContext): ActionInputCases {
  const base = {
    cluster: ctx.cluster,
    name: 'fuzz-policy',
    namespace: ctx.namespace,
    allow: [{ namespaces: [ctx.ingress] }],
  };
  const rule = fc
    .record(
      {
        serviceAccounts: fc.array(
          fc.tuple(validDnsLabel, validObjectName).map(([n, s]) => `${n}/${s}`),
          { minLength: 1, maxLength: 3 },
        ),
        namespaces: fc.array(validDnsLabel, { minLength: 1, maxLength: 3 }),
        methods: fc.subarray(
          ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
          { minLength: 1 },
        ),
        paths: fc.array(validHttpPath, { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .filter(r => Object.keys(r).length > 0);
  const valid = fc
    .record({
      name: validObjectName,
      namespace: validDnsLabel,
      selector: fc.option(validLabels(3), { nil: undefined }),
      allow: fc.array(rule, { minLength: 1, maxLength: 3 }),
      defaultDeny: fc.boolean(),
    })
    .map(v => JSON.parse(JSON.stringify({ cluster: ctx.cluster, ...v })));
  const rule0 = (key: string, value: unknown) => [{ [key]: value }];
  return {
    id: 'istio:authorizationpolicy:create',
    base,
    valid,
    mutations: [
      ...commonMutations(),
      at(
        'authorizationpolicy name',
        'name: not a DNS-1123 subdomain',
        ['name'],
        hostileObjectName,
      ),
      at(
        'namespace',
        'namespace: not a DNS-1123 label',
        ['namespace'],
        hostileDnsLabel,
      ),
      at(
        'selector key',
        'selector: bad key',
        ['selector'],
        hostileLabelKey.map(k => ({ [k]: 'v' })),
      ),
      at(
        'serviceAccounts',
        'serviceAccounts[0]: not namespace/name',
        ['allow'],
        fc
          .oneof(
            hostileDnsLabel.map(n => `${n}/sa`),
            fc.constantFrom('sa', '/sa', 'ns/', '*', 'ns/sa/x'),
          )
          .map(s => rule0('serviceAccounts', [s])),
      ),
      at(
        'serviceAccounts',
        'serviceAccounts: thousands',
        ['allow'],
        oversizedList(
          INPUT_LIMITS.serviceAccounts + 1,
          3000,
          i => `ns/sa${i}`,
        ).map(l => rule0('serviceAccounts', l)),
      ),
      at(
        'allowed namespace',
        'namespaces[0]: not a DNS-1123 label',
        ['allow'],
        hostileDnsLabel.map(n => rule0('namespaces', [n])),
      ),
      at(
        'methods',
        'methods[0]: unknown method',
        ['allow'],
        fc
          .constantFrom('get', 'CONNECT', 'TRACE', '', '*', 'GET ')
          .map(m => rule0('methods', [m])),
      ),
      at(
        'methods',
        'methods: thousands',
        ['allow'],
        oversizedList(INPUT_LIMITS.methods + 1, 3000, () => 'GET').map(l =>
          rule0('methods', l),
        ),
      ),
      at(
        'paths',
        'paths[0]: not an absolute path',
        ['allow'],
        hostileHttpPath.map(p => rule0('paths', [p])),
      ),
      at(
        'paths',
        'paths: thousands',
        ['allow'],
        oversizedList(INPUT_LIMITS.paths + 1, 3000, i => `/p${i}`).map(l =>
          rule0('paths', l),
        ),
      ),
      at(
        'allow',
        'allow[0]: an empty rule',
        ['allow'],
        fc.constantFrom([{}], [{ namespaces: [] }]),
      ),
      at(
        'allow',
        'allow: thousands of rules',
        ['allow'],
        oversizedList(INPUT_LIMITS.allowRules + 1, 3000, i => ({
          paths: [`/p${i}`],
        })),
      ),
      at(
        'defaultDeny',
        'defaultDeny: not a boolean',
        ['defaultDeny'],
        fc.constantFrom('yes', 1, null),
      ),
    ],
  };
}

function k8sGatewayCases(ctx: ActionInputContext): ActionInputCases {
  const base = {
    cluster: ctx.cluster,
    name: 'fuzz-k8s-gateway',
    namespace: ctx.ingress,
    listeners: [
      {
        name: 'https',
        hostname: `*.${ctx.domain}`,
        certificateRefs: [{ name: 'gw-cert' }],
      },
    ],
  };
  const valid = fc
    .record({
      name: validObjectName,
      namespace: validDnsLabel,
      listeners: fc.uniqueArray(
        fc.record({
          name: validObjectName,
          hostname: validHostname,
          port: validPort,
          certificateRefs: fc.array(fc.record({ name: validObjectName }), {
            minLength: 1,
            maxLength: 2,
          }),
          allowedRoutes: fc.oneof(
            fc.constant({ from: 'Same' }),
            fc.constant({ from: 'All' }),
            fc
              .dictionary(validLabelKey, validLabelValue, {
                minKeys: 1,
                maxKeys: 2,
              })
              .map(selector => ({ from: 'Selector', selector })),
          ),
        }),
        { minLength: 1, maxLength: 3, selector: l => l.name },
      ),
    })
    .filter(
      v =>
        new Set(v.listeners.map(l => `${l.port}|${l.hostname}`)).size ===
        v.listeners.length,
    )
    .map(v => ({ cluster: ctx.cluster, ...v }));
  const listener = (path: Array<string | number>) => ['listeners', 0, ...path];
  return {
    id: 'istio:gatewayapi:gateway:create',
    base,
    valid,
    mutations: [
      ...commonMutations(),
      at(
        'gateway name',
        'name: not a DNS-1123 subdomain',
        ['name'],
        hostileObjectName,
      ),
      at(
        'namespace',
        'namespace: not a DNS-1123 label',
        ['namespace'],
        hostileDnsLabel,
      ),
      at(
        'listener name',
        'listener name: not a DNS-1123 subdomain',
        listener(['name']),
        hostileObjectName,
      ),
      at(
        'listener hostname',
        'listener hostname: not a Gateway API hostname',
        listener(['hostname']),
        hostileGatewayApiHost,
      ),
      at(
        'listener port',
        'listener port: not a port',
        listener(['port']),
        hostilePort,
      ),
      at(
        'certificateRefs name',
        'certificateRefs[0].name: not a name',
        listener(['certificateRefs', 0, 'name']),
        hostileObjectName,
      ),
      at(
        'certificateRefs namespace',
        'certificateRefs[0].namespace: not a label',
        listener(['certificateRefs', 0, 'namespace']),
        hostileDnsLabel,
      ),
      at(
        'certificateRefs',
        'certificateRefs: thousands',
        listener(['certificateRefs']),
        oversizedList(INPUT_LIMITS.certificateRefs + 1, 3000, i => ({
          name: `c${i}`,
        })),
      ),
      at(
        'allowedRoutes.from',
        'allowedRoutes.from: unknown',
        listener(['allowedRoutes', 'from']),
        fc.constantFrom('same', 'None', '', 'All '),
      ),
      at(
        'allowedRoutes.selector',
        'allowedRoutes.selector: bad key',
        listener(['allowedRoutes']),
        hostileLabelKey.map(k => ({
          from: 'Selector',
          selector: { [k]: 'v' },
        })),
      ),
      at(
        'listeners',
        'listeners: thousands',
        ['listeners'],
        oversizedList(INPUT_LIMITS.listeners + 1, 3000, i => ({
          name: `l${i}`,
          hostname: `l${i}.${ctx.domain}`,
          certificateRefs: [{ name: 'c' }],
        })),
      ),
      at(
        'listeners',
        'listeners: the same name twice',
        ['listeners'],
        fc.constant(
          [0, 1].map(i => ({
            name: 'https',
            hostname: `x${i}.${ctx.domain}`,
            certificateRefs: [{ name: 'c' }],
          })),
        ),
      ),
    ],
  };
}

function httpRouteCases(ctx: ActionInputContext): ActionInputCases {
  const base = {
    cluster: ctx.cluster,
    name: 'fuzz-httproute',
    namespace: ctx.namespace,
    hostnames: [`route.${ctx.domain}`],
    parentRefs: [{ name: 'public', namespace: ctx.ingress }],
    rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }],
  };
  const valid = fc
    .record({
      name: validObjectName,
      namespace: validDnsLabel,
      hostnames: distinctHosts(ctx.domain, 1, 3),
      parentRefs: fc.uniqueArray(
        fc.record({
          name: validObjectName,
          namespace: fc.option(validDnsLabel, { nil: undefined }),
        }),
        {
          minLength: 1,
          maxLength: 3,
          selector: p => `${p.namespace}/${p.name}`,
        },
      ),
      rules: fc.array(
        fc.record({
          backendRefs: fc.array(
            fc.record({
              name: validDnsLabel,
              port: validPort,
              weight: fc.integer({ min: 1, max: 1000 }),
            }),
            { minLength: 1, maxLength: 3 },
          ),
          method: fc.option(fc.constantFrom('GET', 'POST', 'DELETE'), {
            nil: undefined,
          }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      prefix: validHttpPath,
    })
    .map(v =>
      JSON.parse(
        JSON.stringify({
          cluster: ctx.cluster,
          name: v.name,
          namespace: v.namespace,
          hostnames: v.hostnames,
          parentRefs: v.parentRefs,
          rules: v.rules.map((r, i) => ({
            backendRefs: r.backendRefs,
            matches: [
              {
                path: {
                  type: 'PathPrefix',
                  value: `${v.prefix.replace(/\/$/, '')}/r${i}`,
                },
                method: r.method,
              },
            ],
          })),
        }),
      ),
    );
  return {
    id: 'istio:gatewayapi:httproute:create',
    base,
    valid,
    mutations: [
      ...commonMutations(),
      at(
        'httproute name',
        'name: not a DNS-1123 subdomain',
        ['name'],
        hostileObjectName,
      ),
      at(
        'namespace',
        'namespace: not a DNS-1123 label',
        ['namespace'],
        hostileDnsLabel,
      ),
      at(
        'hostname',
        'hostnames[0]: not a Gateway API hostname',
        ['hostnames', 0],
        hostileGatewayApiHost,
      ),
      at(
        'hostnames',
        'hostnames: thousands',
        ['hostnames'],
        oversizedList(
          INPUT_LIMITS.httpRouteHostnames + 1,
          3000,
          i => `h${i}.${ctx.domain}`,
        ),
      ),
      at(
        'parentRefs name',
        'parentRefs[0].name: not a name',
        ['parentRefs', 0, 'name'],
        hostileObjectName,
      ),
      at(
        'parentRefs namespace',
        'parentRefs[0].namespace: not a label',
        ['parentRefs', 0, 'namespace'],
        hostileDnsLabel,
      ),
      at(
        'parentRefs port',
        'parentRefs[0].port: not a port',
        ['parentRefs', 0, 'port'],
        hostilePort,
      ),
      at(
        'sectionName',
        'parentRefs[0].sectionName: not a name',
        ['parentRefs', 0, 'sectionName'],
        hostileObjectName,
      ),
      at(
        'parentRefs',
        'parentRefs: thousands',
        ['parentRefs'],
        oversizedList(INPUT_LIMITS.parentRefs + 1, 3000, i => ({
          name: `g${i}`,
        })),
      ),
      at(
        'backendRefs name',
        'backendRefs[0].name: not a Service name',
        ['rules', 0, 'backendRefs', 0, 'name'],
        hostileDnsLabel,
      ),
      at(
        'backendRefs port',
        'backendRefs[0].port: not a port',
        ['rules', 0, 'backendRefs', 0, 'port'],
        hostilePort,
      ),
      at(
        'weight',
        'backendRefs[0].weight: not 0..1000000',
        ['rules', 0, 'backendRefs', 0, 'weight'],
        fc.oneof(
          fc.integer({ min: -1e6, max: -1 }),
          fc.integer({ min: 1_000_001, max: 1e9 }),
          fc.constantFrom(0.5, Number.NaN, '1', null),
        ),
      ),
      at(
        'backendRefs',
        'backendRefs: every weight 0',
        ['rules', 0, 'backendRefs'],
        fc.integer({ min: 1, max: 5 }).map(n =>
          Array.from({ length: n }, (_, i) => ({
            name: `web${i}`,
            port: 80,
            weight: 0,
          })),
        ),
      ),
      at(
        'backendRefs',
        'backendRefs: thousands',
        ['rules', 0, 'backendRefs'],
        oversizedList(INPUT_LIMITS.backendRefs + 1, 3000, i => ({
          name: `web${i}`,
          port: 80,
        })),
      ),
      at(
        'path value',
        'matches[0].path.value: not a path',
        ['rules', 0, 'matches', 0, 'path'],
        fc
          .oneof(
            hostileHttpPath,
            fc.constantFrom('/a//b', '/a/../b', '/a/./b', '/a%2fb', '/a#b'),
          )
          .map(value => ({ type: 'PathPrefix', value })),
      ),
      at(
        'path type',
        'matches[0].path.type: unknown',
        ['rules', 0, 'matches', 0, 'path'],
        fc
          .constantFrom('RegularExpression', 'prefix', '')
          .map(type => ({ type, value: '/' })),
      ),
      at(
        'method',
        'matches[0].method: unknown',
        ['rules', 0, 'matches', 0, 'method'],
        fc.constantFrom('get', 'FETCH', '', 'GET\n'),
      ),
      at(
        'matches',
        'matches: thousands',
        ['rules', 0, 'matches'],
        oversizedList(INPUT_LIMITS.httpRouteMatches + 1, 3000, i => ({
          path: { value: `/m${i}` },
        })),
      ),
      at(
        'rules',
        'rules: thousands',
        ['rules'],
        oversizedList(INPUT_LIMITS.httpRouteRules + 1, 3000, i => ({
          matches: [{ path: { value: `/r${i}` } }],
          backendRefs: [{ name: 'web', port: 80 }],
        })),
      ),
      at(
        'timeouts.request',
        'timeouts.request: not a duration',
        ['rules', 0, 'timeouts', 'request'],
        hostileDuration,
      ),
    ],
  };
}

/** The cases of every writing action, for one context. */
export function actionInputCases(ctx: ActionInputContext): ActionInputCases[] {
  return [
    namespaceCases(ctx),
    gatewayCases(ctx),
    virtualServiceCases(ctx),
    destinationRuleCases(ctx),
    authorizationPolicyCases(ctx),
    k8sGatewayCases(ctx),
    httpRouteCases(ctx),
  ];
}

/** A context for tests that do not touch a cluster. */
export const OFFLINE_CONTEXT: ActionInputContext = {
  cluster: 'east',
  namespace: 'shop',
  ingress: 'istio-ingress',
  newNamespace: 'fuzz-team',
  domain: 'fuzz.example',
};
