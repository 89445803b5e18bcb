import { buildAuthorizationPolicies } from './authorizationPolicy';
import { buildDestinationRule } from './destinationRule';
import { buildGateway } from './gateway';
import { buildNamespace, buildPeerAuthentication } from './namespace';
import { DEFAULT_ISTIO_API_VERSIONS, manifestRef } from './types';
import { buildVirtualService } from './virtualService';
import { destinationFqdn } from '../mesh/hosts';

const v1 = DEFAULT_ISTIO_API_VERSIONS;
const beta = { networking: 'v1beta1', security: 'v1beta1' };

describe('buildNamespace', () => {
  it.each([
    ['sidecar', undefined, { 'istio-injection': 'enabled' }],
    ['revision', '1-30', { 'istio.io/rev': '1-30' }],
    ['ambient', undefined, { 'istio.io/dataplane-mode': 'ambient' }],
  ] as const)(
    '%s sets exactly its injection label',
    (injection, revision, expected) => {
      const ns = buildNamespace({
        name: 'shop',
        injection,
        revision,
        kubernetesId: 'checkout',
        labels: { team: 'payments' },
      });
      expect(ns.metadata.labels).toEqual({
        team: 'payments',
        'app.kubernetes.io/managed-by': 'meshdeck',
        'backstage.io/kubernetes-id': 'checkout',
        ...expected,
      });
      expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace' });
      expect(manifestRef(ns)).toBe('Namespace/shop');
    },
  );

  it('builds the namespace PeerAuthentication named default', () => {
    expect(
      buildPeerAuthentication({ namespace: 'shop', mode: 'STRICT' }, beta),
    ).toEqual({
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'PeerAuthentication',
      metadata: {
        name: 'default',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'meshdeck' },
      },
      spec: { mtls: { mode: 'STRICT' } },
    });
  });
});

describe('buildGateway', () => {
  it('serves HTTPS with a credential and redirects HTTP', () => {
    const gw = buildGateway(
      {
        name: 'shop',
        namespace: 'istio-ingress',
        selector: { istio: 'ingressgateway' },
        hosts: ['shop.example.com'],
        tls: { mode: 'credential', credentialName: 'istio-gateway-cert' },
        httpsRedirect: true,
      },
      v1,
    );
    expect(gw.apiVersion).toBe('networking.istio.io/v1');
    expect(gw.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: ['shop.example.com'],
          tls: { mode: 'SIMPLE', credentialName: 'istio-gateway-cert' },
        },
        {
          port: { number: 80, name: 'http', protocol: 'HTTP' },
          hosts: ['shop.example.com'],
          tls: { httpsRedirect: true },
        },
      ],
    });
  });

  it('supports the legacy file-mount TLS form without redirect', () => {
    const gw = buildGateway(
      {
        name: 'legacy',
        namespace: 'istio-system',
        selector: { istio: 'ingressgateway' },
        hosts: ['a.example.com'],
        tls: {
          mode: 'files',
          serverCertificate: '/etc/istio/tls/tls.crt',
          privateKey: '/etc/istio/tls/tls.key',
        },
        httpsRedirect: false,
      },
      beta,
    );
    expect((gw.spec as any).servers).toEqual([
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: ['a.example.com'],
        tls: {
          mode: 'SIMPLE',
          serverCertificate: '/etc/istio/tls/tls.crt',
          privateKey: '/etc/istio/tls/tls.key',
        },
      },
    ]);
    expect(gw.apiVersion).toBe('networking.istio.io/v1beta1');
  });
});

describe('buildVirtualService', () => {
  it('expands short hosts and writes weights, subsets, timeouts and retries', () => {
    const vs = buildVirtualService(
      {
        name: 'checkout',
        namespace: 'shop',
        hosts: ['shop.example.com'],
        gateways: ['istio-ingress/shop'],
        routes: [
          {
            pathPrefix: '/api',
            destinations: [
              { host: 'checkout', port: 8080, subset: 'v1', weight: 90 },
              { host: 'checkout', port: 8080, subset: 'v2', weight: 10 },
            ],
            timeout: '5s',
            retries: { attempts: 3, perTryTimeout: '2s' },
          },
          { destinations: [{ host: 'web.other.svc.cluster.local' }] },
        ],
      },
      v1,
    );
    expect(vs.spec).toEqual({
      hosts: ['shop.example.com'],
      gateways: ['istio-ingress/shop'],
      http: [
        {
          match: [{ uri: { prefix: '/api' } }],
          route: [
            {
              destination: {
                host: 'checkout.shop.svc.cluster.local',
                port: { number: 8080 },
                subset: 'v1',
              },
              weight: 90,
            },
            {
              destination: {
                host: 'checkout.shop.svc.cluster.local',
                port: { number: 8080 },
                subset: 'v2',
              },
              weight: 10,
            },
          ],
          timeout: '5s',
          retries: { attempts: 3, perTryTimeout: '2s' },
        },
        { route: [{ destination: { host: 'web.other.svc.cluster.local' } }] },
      ],
    });
  });

  it('keeps a weight of 0', () => {
    expect(destinationFqdn('a', 'b')).toBe('a.b.svc.cluster.local');
    const vs = buildVirtualService(
      {
        name: 'x',
        namespace: 'n',
        hosts: ['a.example.com'],
        gateways: ['g/g'],
        routes: [
          {
            destinations: [
              { host: 'a', weight: 100 },
              { host: 'b', weight: 0 },
            ],
          },
        ],
      },
      v1,
    );
    expect((vs.spec as any).http[0].route[1].weight).toBe(0);
  });
});

describe('buildDestinationRule', () => {
  it('writes subsets and the traffic policy', () => {
    const dr = buildDestinationRule(
      {
        name: 'checkout',
        namespace: 'shop',
        host: 'checkout',
        subsets: [{ name: 'v1', labels: { version: 'v1' } }],
        trafficPolicy: {
          tlsMode: 'ISTIO_MUTUAL',
          loadBalancer: 'LEAST_REQUEST',
        },
      },
      v1,
    );
    expect(dr.spec).toEqual({
      host: 'checkout.shop.svc.cluster.local',
      trafficPolicy: {
        loadBalancer: { simple: 'LEAST_REQUEST' },
        tls: { mode: 'ISTIO_MUTUAL' },
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    });
  });
});

describe('buildAuthorizationPolicies', () => {
  it('turns service accounts into SPIFFE principals and adds a default deny', () => {
    const [allow, deny] = buildAuthorizationPolicies(
      {
        name: 'checkout-callers',
        namespace: 'shop',
        selector: { app: 'checkout' },
        allow: [
          {
            serviceAccounts: ['shop/frontend'],
            methods: ['GET'],
            paths: ['/api/*'],
          },
          { namespaces: ['batch'] },
        ],
        defaultDeny: true,
      },
      v1,
    );
    expect(allow.spec).toEqual({
      selector: { matchLabels: { app: 'checkout' } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            { source: { principals: ['cluster.local/ns/shop/sa/frontend'] } },
          ],
          to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }],
        },
        { from: [{ source: { namespaces: ['batch'] } }] },
      ],
    });
    expect(deny.metadata.name).toBe('checkout-callers-default-deny');
    expect(deny.spec).toEqual({
      selector: { matchLabels: { app: 'checkout' } },
    });
  });

  it('creates only the allow policy without defaultDeny', () => {
    expect(
      buildAuthorizationPolicies(
        {
          name: 'a',
          namespace: 'n',
          allow: [{ namespaces: ['x'] }],
          defaultDeny: false,
        },
        v1,
      ),
    ).toHaveLength(1);
  });
});
