import { ZodTypeAny } from 'zod';
import { authorizationPolicyInputSchema } from './authorizationPolicyInput';
import { destinationRuleInputSchema } from './destinationRuleInput';
import { formatInputIssues } from './formatIssues';
import { gatewayInputSchema } from './gatewayInput';
import { INPUT_LIMITS } from './limits';
import { namespaceInputSchema } from './namespaceInput';
import { virtualServiceInputSchema } from './virtualServiceInput';

const ns = { cluster: 'testbed', name: 'shop' };
const gw = { cluster: 'testbed', name: 'shop-gw', hosts: ['shop.example.com'] };
const route = { destinations: [{ host: 'checkout', port: 8080 }] };
const vs = {
  cluster: 'testbed',
  name: 'checkout',
  namespace: 'shop',
  hosts: ['shop.example.com'],
  gateways: ['istio-ingress/public'],
  routes: [route],
};
const dr = {
  cluster: 'testbed',
  name: 'checkout',
  namespace: 'shop',
  host: 'checkout',
  subsets: [{ name: 'v1', labels: { version: 'v1' } }],
};
const ap = {
  cluster: 'testbed',
  name: 'allow-frontend',
  namespace: 'shop',
  allow: [{ serviceAccounts: ['shop/frontend'] }],
};

function problems(schema: ZodTypeAny, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : formatInputIssues(result.error);
}

describe('action inputs: valid', () => {
  it.each([
    ['namespace', namespaceInputSchema, ns],
    [
      'namespace with revision',
      namespaceInputSchema,
      { ...ns, injection: 'revision', revision: '1-30' },
    ],
    ['gateway', gatewayInputSchema, gw],
    [
      'gateway with wildcard',
      gatewayInputSchema,
      { ...gw, hosts: ['*.example.com'] },
    ],
    ['virtualservice', virtualServiceInputSchema, vs],
    [
      'canary',
      virtualServiceInputSchema,
      {
        ...vs,
        routes: [
          {
            destinations: [
              { host: 'checkout', subset: 'v1', weight: 90 },
              { host: 'checkout', subset: 'v2', weight: 10 },
            ],
          },
        ],
      },
    ],
    ['destinationrule', destinationRuleInputSchema, dr],
    [
      'destinationrule with only a traffic policy',
      destinationRuleInputSchema,
      {
        cluster: 'eks-prod',
        name: 'checkout',
        namespace: 'shop',
        host: 'checkout',
        trafficPolicy: { tlsMode: 'ISTIO_MUTUAL' },
      },
    ],
    ['authorizationpolicy', authorizationPolicyInputSchema, ap],
  ])('%s', (_, schema, input) => {
    expect(problems(schema, input)).toEqual([]);
  });

  it('fills in defaults', () => {
    expect(gatewayInputSchema.parse(gw)).toMatchObject({
      namespace: 'istio-ingress',
      selector: { istio: 'ingressgateway' },
      credentialName: 'istio-gateway-cert',
      httpsRedirect: true,
      mode: 'apply',
      renderPath: 'manifests',
      force: false,
    });
  });
});

// Each bad input gives a specific message, naming the field and the problem.
describe('action inputs: bad', () => {
  it.each<[string, ZodTypeAny, unknown, string]>([
    [
      'missing cluster',
      namespaceInputSchema,
      { name: 'shop' },
      'cluster: cluster is required: the name of a cluster configured in Backstage',
    ],
    [
      'empty cluster',
      namespaceInputSchema,
      { ...ns, cluster: '' },
      'cluster: cluster must not be empty',
    ],
    [
      'bad mode',
      namespaceInputSchema,
      { ...ns, mode: 'yolo' },
      'mode: mode must be "apply" or "render"',
    ],
    [
      'upper-case namespace',
      namespaceInputSchema,
      { ...ns, name: 'Shop' },
      'name: namespace name "Shop" must consist of lower-case letters',
    ],
    [
      'namespace too long',
      namespaceInputSchema,
      { ...ns, name: 'a'.repeat(64) },
      'must be at most 63 characters (has 64)',
    ],
    [
      'unknown injection',
      namespaceInputSchema,
      { ...ns, injection: 'magic' },
      'injection: injection must be "sidecar", "revision" or "ambient"',
    ],
    [
      'revision missing',
      namespaceInputSchema,
      { ...ns, injection: 'revision' },
      'revision: revision is required with injection "revision"',
    ],
    [
      'revision without revision mode',
      namespaceInputSchema,
      { ...ns, revision: '1-30' },
      'revision: revision is only used with injection "revision" (got injection "sidecar")',
    ],
    [
      'second injection label',
      namespaceInputSchema,
      { ...ns, labels: { 'istio.io/rev': 'canary' } },
      'labels: labels must not set "istio.io/rev"',
    ],
    [
      'sidecar label in labels',
      namespaceInputSchema,
      { ...ns, labels: { 'istio-injection': 'enabled' } },
      'IST0123',
    ],
    [
      'bad label key',
      namespaceInputSchema,
      { ...ns, labels: { 'team name': 'a' } },
      'labels: labels key "team name" name part may only contain',
    ],
    [
      'bad label value',
      namespaceInputSchema,
      { ...ns, labels: { team: 'a b' } },
      'labels: labels value "a b" of "team" may only contain',
    ],
    [
      'bad annotation key',
      namespaceInputSchema,
      { ...ns, annotations: { 'a/b/c': 'x' } },
      'annotations: annotations key "a/b/c" may contain at most one "/"',
    ],
    [
      'bad mtls',
      namespaceInputSchema,
      { ...ns, mtls: 'ON' },
      'mtls: mtls must be "STRICT" or "PERMISSIVE"',
    ],
    [
      'bad kubernetesId',
      namespaceInputSchema,
      { ...ns, kubernetesId: '-checkout' },
      'kubernetesId: kubernetesId "-checkout" may only contain',
    ],
    [
      'no hosts',
      gatewayInputSchema,
      { ...gw, hosts: [] },
      'hosts: hosts must name at least one host',
    ],
    [
      'host not qualified',
      gatewayInputSchema,
      { ...gw, hosts: ['shop'] },
      'hosts[0]: host "shop" must be a fully qualified host name',
    ],
    [
      'wildcard in middle',
      gatewayInputSchema,
      { ...gw, hosts: ['shop.*.example.com'] },
      'hosts[0]: host "shop.*.example.com" a wildcard is only allowed as the whole first label',
    ],
    [
      'bare wildcard',
      gatewayInputSchema,
      { ...gw, hosts: ['*.com'] },
      'needs at least two labels after "*."',
    ],
    [
      'host with underscore',
      gatewayInputSchema,
      { ...gw, hosts: ['my_shop.example.com'] },
      'label "my_shop" may only contain',
    ],
    [
      'duplicate host',
      gatewayInputSchema,
      { ...gw, hosts: ['a.example.com', 'A.example.com'] },
      'hosts: hosts lists "A.example.com" twice',
    ],
    [
      'bad credential name',
      gatewayInputSchema,
      { ...gw, credentialName: 'My_Cert' },
      'credentialName: credentialName "My_Cert"',
    ],
    [
      'relative tls file',
      gatewayInputSchema,
      {
        ...gw,
        tlsFiles: { serverCertificate: 'cert.pem', privateKey: '/etc/key.pem' },
      },
      'tlsFiles.serverCertificate: tlsFiles.serverCertificate must be an absolute path',
    ],
    [
      'gateway ref without namespace',
      virtualServiceInputSchema,
      { ...vs, gateways: ['public'] },
      'gateways[0]: gateways entries must be "<namespace>/<name>"',
    ],
    [
      'no routes',
      virtualServiceInputSchema,
      { ...vs, routes: [] },
      'routes: routes must have at least one route',
    ],
    [
      'route without destinations',
      virtualServiceInputSchema,
      { ...vs, routes: [{ destinations: [] }] },
      'routes[0].destinations: a route needs at least one destination',
    ],
    [
      'port zero',
      virtualServiceInputSchema,
      { ...vs, routes: [{ destinations: [{ host: 'checkout', port: 0 }] }] },
      'routes[0].destinations[0].port: destination port must be between 1 and 65535',
    ],
    [
      'port too big',
      virtualServiceInputSchema,
      {
        ...vs,
        routes: [{ destinations: [{ host: 'checkout', port: 70000 }] }],
      },
      'destination port must be between 1 and 65535',
    ],
    [
      'port as string',
      virtualServiceInputSchema,
      { ...vs, routes: [{ destinations: [{ host: 'checkout', port: '80' }] }] },
      'destination port must be a number',
    ],
    [
      'fractional weight',
      virtualServiceInputSchema,
      {
        ...vs,
        routes: [
          {
            destinations: [
              { host: 'a', weight: 50.5 },
              { host: 'b', weight: 49.5 },
            ],
          },
        ],
      },
      'weight must be a whole number',
    ],
    [
      'weights not 100',
      virtualServiceInputSchema,
      {
        ...vs,
        routes: [
          {
            destinations: [
              { host: 'a', weight: 90 },
              { host: 'b', weight: 20 },
            ],
          },
        ],
      },
      'routes[0].destinations: destination weights must add up to 100, they add up to 110 (KIA1104)',
    ],
    [
      'weight missing',
      virtualServiceInputSchema,
      {
        ...vs,
        routes: [{ destinations: [{ host: 'a', weight: 90 }, { host: 'b' }] }],
      },
      'every destination needs a weight (KIA1104)',
    ],
    [
      'negative weight',
      virtualServiceInputSchema,
      {
        ...vs,
        routes: [
          {
            destinations: [
              { host: 'a', weight: -10 },
              { host: 'b', weight: 110 },
            ],
          },
        ],
      },
      'weight must be between 0 and 100',
    ],
    [
      'single weight not 100',
      virtualServiceInputSchema,
      { ...vs, routes: [{ destinations: [{ host: 'a', weight: 50 }] }] },
      'its weight must be 100 or left out (got 50)',
    ],
    [
      'bad destination host',
      virtualServiceInputSchema,
      { ...vs, routes: [{ destinations: [{ host: 'Check_out' }] }] },
      'destination host "Check_out"',
    ],
    [
      'bad subset',
      virtualServiceInputSchema,
      { ...vs, routes: [{ destinations: [{ host: 'a', subset: 'V1' }] }] },
      'subset "V1" must consist of lower-case',
    ],
    [
      'path without slash',
      virtualServiceInputSchema,
      { ...vs, routes: [{ ...route, pathPrefix: 'api' }] },
      'pathPrefix must start with "/"',
    ],
    [
      'bad timeout',
      virtualServiceInputSchema,
      { ...vs, routes: [{ ...route, timeout: '5 seconds' }] },
      'timeout must be a duration such as "500ms", "5s" or "1m"',
    ],
    [
      'too many retries',
      virtualServiceInputSchema,
      { ...vs, routes: [{ ...route, retries: { attempts: 50 } }] },
      'retries.attempts must be between 0 and 10',
    ],
    [
      'duplicate route prefix',
      virtualServiceInputSchema,
      { ...vs, routes: [route, route] },
      'two routes match the same path prefix "/"; the second would never be used (KIA1105)',
    ],
    [
      'subset without labels',
      destinationRuleInputSchema,
      { ...dr, subsets: [{ name: 'v1', labels: {} }] },
      'a subset needs at least one label',
    ],
    [
      'DestinationRule that changes nothing',
      destinationRuleInputSchema,
      { ...dr, subsets: [] },
      'a DestinationRule needs subsets or a trafficPolicy; with neither it changes nothing',
    ],
    [
      'duplicate subset',
      destinationRuleInputSchema,
      { ...dr, subsets: [dr.subsets[0], dr.subsets[0]] },
      'subset "v1" is defined twice',
    ],
    [
      'fqdn as DR host',
      destinationRuleInputSchema,
      { ...dr, host: 'checkout.shop.svc.cluster.local' },
      'host (the Service name) "checkout.shop.svc.cluster.local"',
    ],
    [
      'empty allow rule',
      authorizationPolicyInputSchema,
      { ...ap, allow: [{}] },
      'an empty allow rule allows every request',
    ],
    [
      'bad service account',
      authorizationPolicyInputSchema,
      { ...ap, allow: [{ serviceAccounts: ['frontend'] }] },
      'serviceAccounts entries must be "<namespace>/<serviceaccount>"',
    ],
    [
      'bad method',
      authorizationPolicyInputSchema,
      { ...ap, allow: [{ methods: ['FETCH'] }] },
      'methods entries must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    ],
    [
      'bad path',
      authorizationPolicyInputSchema,
      { ...ap, allow: [{ paths: ['api/*'] }] },
      'paths entries must start with "/"',
    ],
    [
      'no allow rules',
      authorizationPolicyInputSchema,
      { ...ap, allow: [] },
      'allow: allow must have at least one rule',
    ],
  ])('%s', (_, schema, input, message) => {
    const found = problems(schema, input);
    expect(found.join('\n')).toContain(message);
  });
});

// Every list and free-form string has an upper bound (INPUT_LIMITS); the
// message names the field, the limit and what was given.
describe('action inputs: bounds', () => {
  const L = INPUT_LIMITS;
  const times = <T>(n: number, item: (i: number) => T) =>
    Array.from({ length: n }, (_, i) => item(i));
  const entries = (n: number, value = 'x') =>
    Object.fromEntries(times(n, i => [`k${i}`, value]));
  // a valid namespace/name of n characters: the name in labels of <= 63
  const ref = (n: number) => {
    const labels: string[] = [];
    for (let rest = n - 64; rest > 0; ) {
      const take = Math.min(62, rest);
      labels.push('b'.repeat(take));
      rest -= take + 1;
    }
    const name = labels.join('.');
    return `${'a'.repeat(63)}/${name}${'c'.repeat(n - 64 - name.length)}`;
  };
  const httpPath = (n: number) => `/${'p'.repeat(n - 1)}`;
  const weighted = (n: number) =>
    times(n, i => ({
      host: 'checkout',
      subset: `v${i}`,
      weight: Math.floor(100 / n) + (i === 0 ? 100 % n : 0),
    }));
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

  const schemas: Array<[string, ZodTypeAny, Record<string, unknown>]> = [
    ['namespace', namespaceInputSchema, ns],
    ['gateway', gatewayInputSchema, gw],
    ['virtualservice', virtualServiceInputSchema, vs],
    ['destinationrule', destinationRuleInputSchema, dr],
    ['authorizationpolicy', authorizationPolicyInputSchema, ap],
  ];

  type Case = [
    name: string,
    schema: ZodTypeAny,
    limit: number,
    input: (n: number) => unknown,
    message: (limit: number, got: number) => string,
  ];

  const cases: Case[] = [
    ...schemas.flatMap(([name, schema, base]): Case[] => [
      [
        `${name} cluster`,
        schema,
        L.clusterLength,
        n => ({ ...base, cluster: 'c'.repeat(n) }),
        (max, got) =>
          `cluster: cluster must be at most ${max} characters (got ${got})`,
      ],
      [
        `${name} renderPath`,
        schema,
        L.renderPathLength,
        n => ({ ...base, renderPath: 'r'.repeat(n) }),
        (max, got) =>
          `renderPath: renderPath must be at most ${max} characters (got ${got})`,
      ],
    ]),
    [
      'namespace labels',
      namespaceInputSchema,
      L.labels,
      n => ({ ...ns, labels: entries(n) }),
      (max, got) =>
        `labels: labels may have at most ${max} entries (got ${got})`,
    ],
    [
      'namespace annotations',
      namespaceInputSchema,
      L.annotations,
      n => ({ ...ns, annotations: entries(n) }),
      (max, got) =>
        `annotations: annotations may have at most ${max} entries (got ${got})`,
    ],
    [
      'namespace annotation value',
      namespaceInputSchema,
      L.annotationValueLength,
      n => ({ ...ns, annotations: { note: 'v'.repeat(n) } }),
      (max, got) =>
        `annotations.note: annotations value must be at most ${max} characters (got ${got})`,
    ],
    [
      'gateway hosts',
      gatewayInputSchema,
      L.hosts,
      n => ({ ...gw, hosts: times(n, i => `h${i}.example.com`) }),
      (max, got) => `hosts: hosts may name at most ${max} hosts (got ${got})`,
    ],
    [
      'gateway selector',
      gatewayInputSchema,
      L.selectorEntries,
      n => ({ ...gw, selector: entries(n) }),
      (max, got) =>
        `selector: selector may have at most ${max} entries (got ${got})`,
    ],
    [
      'gateway tlsFiles.serverCertificate',
      gatewayInputSchema,
      L.tlsFilePathLength,
      n => ({
        ...gw,
        tlsFiles: { serverCertificate: httpPath(n), privateKey: '/etc/key' },
      }),
      (max, got) =>
        `tlsFiles.serverCertificate: tlsFiles.serverCertificate must be at most ${max} characters (got ${got})`,
    ],
    [
      'gateway tlsFiles.privateKey',
      gatewayInputSchema,
      L.tlsFilePathLength,
      n => ({
        ...gw,
        tlsFiles: { serverCertificate: '/etc/cert', privateKey: httpPath(n) },
      }),
      (max, got) =>
        `tlsFiles.privateKey: tlsFiles.privateKey must be at most ${max} characters (got ${got})`,
    ],
    [
      'virtualservice hosts',
      virtualServiceInputSchema,
      L.hosts,
      n => ({ ...vs, hosts: times(n, i => `h${i}.example.com`) }),
      (max, got) => `hosts: hosts may name at most ${max} hosts (got ${got})`,
    ],
    [
      'virtualservice gateways',
      virtualServiceInputSchema,
      L.gateways,
      n => ({ ...vs, gateways: times(n, i => `istio-ingress/gw${i}`) }),
      (max, got) =>
        `gateways: gateways may name at most ${max} gateways (got ${got})`,
    ],
    [
      'virtualservice gateways entry',
      virtualServiceInputSchema,
      L.namespacedRefLength,
      n => ({ ...vs, gateways: [ref(n)] }),
      (max, got) =>
        `gateways[0]: gateways entry must be at most ${max} characters (got ${got})`,
    ],
    [
      'virtualservice routes',
      virtualServiceInputSchema,
      L.routes,
      n => ({
        ...vs,
        routes: times(n, i => ({ ...route, pathPrefix: `/r${i}` })),
      }),
      (max, got) =>
        `routes: routes may have at most ${max} routes (got ${got})`,
    ],
    [
      'virtualservice destinations',
      virtualServiceInputSchema,
      L.destinations,
      n => ({ ...vs, routes: [{ destinations: weighted(n) }] }),
      (max, got) =>
        `routes[0].destinations: destinations may have at most ${max} destinations (got ${got})`,
    ],
    [
      'virtualservice pathPrefix',
      virtualServiceInputSchema,
      L.httpPathLength,
      n => ({ ...vs, routes: [{ ...route, pathPrefix: httpPath(n) }] }),
      (max, got) =>
        `routes[0].pathPrefix: pathPrefix must be at most ${max} characters (got ${got})`,
    ],
    [
      'virtualservice timeout',
      virtualServiceInputSchema,
      L.durationLength,
      n => ({
        ...vs,
        routes: [{ ...route, timeout: `${'1'.repeat(n - 1)}s` }],
      }),
      (max, got) =>
        `routes[0].timeout: timeout must be at most ${max} characters (got ${got})`,
    ],
    [
      'virtualservice retries.perTryTimeout',
      virtualServiceInputSchema,
      L.durationLength,
      n => ({
        ...vs,
        routes: [
          {
            ...route,
            retries: { attempts: 2, perTryTimeout: `${'1'.repeat(n - 2)}ms` },
          },
        ],
      }),
      (max, got) =>
        `routes[0].retries.perTryTimeout: retries.perTryTimeout must be at most ${max} characters (got ${got})`,
    ],
    [
      'destinationrule subsets',
      destinationRuleInputSchema,
      L.subsets,
      n => ({
        ...dr,
        subsets: times(n, i => ({
          name: `v${i}`,
          labels: { version: `v${i}` },
        })),
      }),
      (max, got) =>
        `subsets: subsets may have at most ${max} subsets (got ${got})`,
    ],
    [
      'destinationrule subset labels',
      destinationRuleInputSchema,
      L.selectorEntries,
      n => ({ ...dr, subsets: [{ name: 'v1', labels: entries(n) }] }),
      (max, got) =>
        `subsets[0].labels: subset labels may have at most ${max} entries (got ${got})`,
    ],
    [
      'authorizationpolicy allow',
      authorizationPolicyInputSchema,
      L.allowRules,
      n => ({
        ...ap,
        allow: times(n, i => ({ serviceAccounts: [`shop/sa${i}`] })),
      }),
      (max, got) => `allow: allow may have at most ${max} rules (got ${got})`,
    ],
    [
      'authorizationpolicy selector',
      authorizationPolicyInputSchema,
      L.selectorEntries,
      n => ({ ...ap, selector: entries(n) }),
      (max, got) =>
        `selector: selector may have at most ${max} entries (got ${got})`,
    ],
    [
      'authorizationpolicy serviceAccounts',
      authorizationPolicyInputSchema,
      L.serviceAccounts,
      n => ({
        ...ap,
        allow: [{ serviceAccounts: times(n, i => `shop/sa${i}`) }],
      }),
      (max, got) =>
        `allow[0].serviceAccounts: serviceAccounts may name at most ${max} service accounts (got ${got})`,
    ],
    [
      'authorizationpolicy serviceAccounts entry',
      authorizationPolicyInputSchema,
      L.namespacedRefLength,
      n => ({ ...ap, allow: [{ serviceAccounts: [ref(n)] }] }),
      (max, got) =>
        `allow[0].serviceAccounts[0]: serviceAccounts entry must be at most ${max} characters (got ${got})`,
    ],
    [
      'authorizationpolicy namespaces',
      authorizationPolicyInputSchema,
      L.namespaces,
      n => ({ ...ap, allow: [{ namespaces: times(n, i => `ns${i}`) }] }),
      (max, got) =>
        `allow[0].namespaces: namespaces may name at most ${max} namespaces (got ${got})`,
    ],
    [
      'authorizationpolicy methods',
      authorizationPolicyInputSchema,
      L.methods,
      n => ({
        ...ap,
        allow: [{ methods: times(n, i => methods[i % methods.length]) }],
      }),
      (max, got) =>
        `allow[0].methods: methods may name at most ${max} methods (got ${got})`,
    ],
    [
      'authorizationpolicy paths',
      authorizationPolicyInputSchema,
      L.paths,
      n => ({ ...ap, allow: [{ paths: times(n, i => `/p${i}`) }] }),
      (max, got) =>
        `allow[0].paths: paths may name at most ${max} paths (got ${got})`,
    ],
    [
      'authorizationpolicy paths entry',
      authorizationPolicyInputSchema,
      L.httpPathLength,
      n => ({ ...ap, allow: [{ paths: [httpPath(n)] }] }),
      (max, got) =>
        `allow[0].paths[0]: paths entry must be at most ${max} characters (got ${got})`,
    ],
  ];

  // The limit second, for the test titles.
  const rows = cases.map(
    ([name, schema, limit, input, message]) =>
      [name, limit, schema, input, message] as const,
  );

  it.each(rows)('%s: accepts exactly %i', (_, limit, schema, input) => {
    expect(problems(schema, input(limit))).toEqual([]);
  });

  it.each(rows)(
    '%s: refuses %i + 1, saying so',
    (_, limit, schema, input, message) => {
      expect(problems(schema, input(limit + 1))).toContain(
        message(limit, limit + 1),
      );
    },
  );

  it('says what it got, e.g. for 2000 hosts', () => {
    const hosts = times(2000, i => `h${i}.example.com`);
    expect(problems(gatewayInputSchema, { ...gw, hosts })).toEqual([
      'hosts: hosts may name at most 20 hosts (got 2000)',
    ]);
    expect(problems(virtualServiceInputSchema, { ...vs, hosts })).toEqual([
      'hosts: hosts may name at most 20 hosts (got 2000)',
    ]);
  });

  it('reports a list over its bound first and summarises a flood of problems', () => {
    const hosts = times(2000, i => `bad_${i}`);
    const found = problems(gatewayInputSchema, { ...gw, hosts });
    expect(found).toHaveLength(L.reportedIssues + 1);
    expect(found[0]).toBe('hosts: hosts may name at most 20 hosts (got 2000)');
    expect(found[L.reportedIssues]).toBe(
      `... and ${2001 - L.reportedIssues} more problems`,
    );
  });

  it('does not check each entry of a map that is over its bound', () => {
    const labels = Object.fromEntries(times(1000, i => [`bad key ${i}`, 'x']));
    expect(problems(namespaceInputSchema, { ...ns, labels })).toEqual([
      'labels: labels may have at most 32 entries (got 1000)',
    ]);
  });

  it('keeps the messages for missing and mistyped fields', () => {
    const { hosts: _, ...noHosts } = vs;
    expect(problems(virtualServiceInputSchema, noHosts)).toEqual([
      'hosts: hosts is required',
    ]);
    expect(problems(gatewayInputSchema, { ...gw, hosts: 'a.b.c' })).toEqual([
      'hosts: hosts must be a list of host names',
    ]);
    expect(problems(namespaceInputSchema, { ...ns, cluster: 7 })).toEqual([
      'cluster: cluster must be a string',
    ]);
    expect(problems(namespaceInputSchema, { ...ns, renderPath: 7 })).toEqual([
      'renderPath: renderPath must be a string',
    ]);
    expect(
      problems(destinationRuleInputSchema, { ...dr, subsets: 'v1' }),
    ).toEqual(['subsets: subsets must be a list']);
    expect(
      problems(namespaceInputSchema, { ...ns, annotations: { a: 1 } }),
    ).toEqual(['annotations.a: annotations values must be strings']);
    expect(
      problems(virtualServiceInputSchema, {
        ...vs,
        routes: [{ ...route, timeout: 5 }],
      }),
    ).toEqual(['routes[0].timeout: timeout must be a string']);
  });

  it("keeps annotations within Kubernetes' 256 KiB total", () => {
    const longestKey = 253 + 1 + 63;
    expect(
      L.annotations * (longestKey + L.annotationValueLength),
    ).toBeLessThanOrEqual(256 * 1024);
  });
});

describe('istio:namespace:create input: waypoint', () => {
  const ambient = { ...ns, injection: 'ambient' };

  it('takes a waypoint name with injection "ambient"', () => {
    expect(
      problems(namespaceInputSchema, { ...ambient, waypoint: 'waypoint' }),
    ).toEqual([]);
    expect(
      namespaceInputSchema.parse({ ...ambient, waypoint: 'shop-l7' }),
    ).toMatchObject({ injection: 'ambient', waypoint: 'shop-l7' });
    expect(namespaceInputSchema.parse(ambient).waypoint).toBeUndefined();
  });

  it.each(['sidecar', 'revision'])(
    'refuses a waypoint with injection "%s"',
    injection => {
      expect(
        problems(namespaceInputSchema, {
          ...ns,
          injection,
          ...(injection === 'revision' && { revision: '1-30' }),
          waypoint: 'waypoint',
        }),
      ).toEqual([
        `waypoint: waypoint is only used with injection "ambient" (got injection "${injection}"): waypoints serve ambient workloads`,
      ]);
    },
  );

  it('refuses the default injection with a waypoint', () => {
    expect(
      problems(namespaceInputSchema, { ...ns, waypoint: 'waypoint' }),
    ).toEqual([
      'waypoint: waypoint is only used with injection "ambient" (got injection "sidecar"): waypoints serve ambient workloads',
    ]);
  });

  it.each<[string, unknown, string]>([
    ['upper case', 'Waypoint', 'waypoint: waypoint "Waypoint" must consist of'],
    ['a dot', 'way.point', 'waypoint: waypoint "way.point" must consist of'],
    ['too long', 'w'.repeat(64), 'must be at most 63 characters (has 64)'],
    ['empty', '', 'waypoint: waypoint "" '],
    ['not a string', 7, 'waypoint: waypoint must be a string'],
  ])(
    'refuses a waypoint name that is not a DNS-1123 label: %s',
    (_, waypoint, message) => {
      const found = problems(namespaceInputSchema, { ...ambient, waypoint });
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(message);
    },
  );

  it('refuses "none", which istio.io/use-waypoint reserves', () => {
    expect(
      problems(namespaceInputSchema, { ...ambient, waypoint: 'none' }),
    ).toEqual([
      'waypoint: waypoint must not be "none": istio.io/use-waypoint=none means "no waypoint", so Istio reserves the name',
    ]);
  });

  it.each(['istio.io/use-waypoint', 'istio.io/use-waypoint-namespace'])(
    'refuses labels that set %s beside waypoint',
    key => {
      expect(
        problems(namespaceInputSchema, {
          ...ambient,
          waypoint: 'waypoint',
          labels: { [key]: 'other' },
        }),
      ).toEqual([
        'labels: labels must not set "istio.io/use-waypoint" or "istio.io/use-waypoint-namespace" together with waypoint: the waypoint input decides them',
      ]);
      // without waypoint, the labels are the author's to set
      expect(
        problems(namespaceInputSchema, {
          ...ambient,
          labels: { [key]: 'other' },
        }),
      ).toEqual([]);
    },
  );
});
