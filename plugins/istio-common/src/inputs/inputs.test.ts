import { ZodTypeAny } from 'zod';
import { authorizationPolicyInputSchema } from './authorizationPolicyInput';
import { destinationRuleInputSchema } from './destinationRuleInput';
import { formatInputIssues } from './formatIssues';
import { gatewayInputSchema } from './gatewayInput';
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
