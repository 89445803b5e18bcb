import {
  parseHttpRoute,
  parseK8sGateway,
  parseReferenceGrant,
} from '../mesh/gatewayApi/parse';
import { buildHttpRoute } from './httpRoute';
import { buildK8sGateway } from './k8sGateway';
import { buildReferenceGrant } from './referenceGrant';
import { manifestRef } from './types';

const labels = {
  'app.kubernetes.io/managed-by': 'meshdeck',
  'backstage.io/kubernetes-id': 'checkout',
};

describe('buildHttpRoute', () => {
  const spec = {
    name: 'checkout',
    namespace: 'shop',
    hostnames: ['checkout.example.com'],
    parentRefs: [
      { name: 'public', namespace: 'istio-ingress', sectionName: 'https' },
      { name: 'own', port: 8443 },
    ],
    rules: [
      {
        matches: [
          {
            path: { type: 'PathPrefix' as const, value: '/api' },
            method: 'GET',
          },
          { method: 'POST' },
        ],
        backendRefs: [
          { name: 'checkout-v1', port: 8080, weight: 90 },
          { name: 'checkout-v2', namespace: 'canary', port: 8080, weight: 10 },
        ],
        timeouts: { request: '10s', backendRequest: '5s' },
      },
      { backendRefs: [{ name: 'web', port: 80 }], timeouts: {} },
    ],
    kubernetesId: 'checkout',
  };

  it('builds a labelled HTTPRoute with full references', () => {
    const m = buildHttpRoute(spec);
    expect(manifestRef(m)).toBe('shop/HTTPRoute/checkout');
    expect(m).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'checkout', namespace: 'shop', labels },
      spec: {
        parentRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            namespace: 'istio-ingress',
            name: 'public',
            sectionName: 'https',
          },
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            namespace: 'shop',
            name: 'own',
            port: 8443,
          },
        ],
        hostnames: ['checkout.example.com'],
        rules: [
          {
            matches: [
              { path: { type: 'PathPrefix', value: '/api' }, method: 'GET' },
              { path: { type: 'PathPrefix', value: '/' }, method: 'POST' },
            ],
            // no group: the core group
            backendRefs: [
              {
                kind: 'Service',
                name: 'checkout-v1',
                namespace: 'shop',
                port: 8080,
                weight: 90,
              },
              {
                kind: 'Service',
                name: 'checkout-v2',
                namespace: 'canary',
                port: 8080,
                weight: 10,
              },
            ],
            timeouts: { request: '10s', backendRequest: '5s' },
          },
          {
            backendRefs: [
              { kind: 'Service', name: 'web', namespace: 'shop', port: 80 },
            ],
          },
        ],
      },
    });
  });

  it('uses the API version it is given', () => {
    expect(buildHttpRoute(spec, 'v1beta1').apiVersion).toBe(
      'gateway.networking.k8s.io/v1beta1',
    );
  });

  it('reads back through the rule book parser as written', () => {
    const route = parseHttpRoute(buildHttpRoute(spec));
    expect(route.parentRefs.map(p => p.ref)).toEqual([
      'istio-ingress/public',
      'shop/own',
    ]);
    expect(
      route.rules[0].backendRefs.map(b => [b.group, b.fqdn, b.weight]),
    ).toEqual([
      ['', 'checkout-v1.shop.svc.cluster.local', 90],
      ['', 'checkout-v2.canary.svc.cluster.local', 10],
    ]);
    expect(route.rules[0].matches.map(m => m.display)).toEqual([
      'PathPrefix /api GET',
      'PathPrefix / POST',
    ]);
    expect(route.rules[1].matches.map(m => m.display)).toEqual([
      'PathPrefix /',
    ]);
  });
});

describe('buildK8sGateway', () => {
  it('builds a Gateway of class istio with HTTPS listeners terminating TLS', () => {
    const m = buildK8sGateway({
      name: 'shop',
      namespace: 'istio-ingress',
      kubernetesId: 'checkout',
      listeners: [
        {
          name: 'https',
          hostname: '*.shop.example.com',
          port: 443,
          protocol: 'HTTPS',
          certificateRefs: [
            { name: 'own', namespace: 'istio-ingress' },
            { name: 'shared', namespace: 'certs' },
          ],
          allowedRoutes: { from: 'Selector', selector: { team: 'shop' } },
        },
        { name: 'plain', port: 80, protocol: 'HTTP' },
      ],
    });
    expect(m).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'shop', namespace: 'istio-ingress', labels },
      spec: {
        gatewayClassName: 'istio',
        listeners: [
          {
            name: 'https',
            hostname: '*.shop.example.com',
            port: 443,
            protocol: 'HTTPS',
            tls: {
              mode: 'Terminate',
              certificateRefs: [
                { kind: 'Secret', name: 'own' },
                { kind: 'Secret', name: 'shared', namespace: 'certs' },
              ],
            },
            allowedRoutes: {
              namespaces: {
                from: 'Selector',
                selector: { matchLabels: { team: 'shop' } },
              },
            },
          },
          {
            name: 'plain',
            port: 80,
            protocol: 'HTTP',
            allowedRoutes: { namespaces: { from: 'Same' } },
          },
        ],
      },
    });
    const gw = parseK8sGateway(m);
    expect(gw.listeners[0].tls?.certificateRefs).toEqual([
      { group: '', kind: 'Secret', namespace: 'istio-ingress', name: 'own' },
      { group: '', kind: 'Secret', namespace: 'certs', name: 'shared' },
    ]);
    expect(gw.labels).toEqual(labels);
  });
});

describe('buildReferenceGrant', () => {
  it('builds a ReferenceGrant with the core group as ""', () => {
    const m = buildReferenceGrant(
      {
        name: 'gateway-istio-ingress-to-secret-shared',
        namespace: 'certs',
        from: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            namespace: 'istio-ingress',
          },
        ],
        to: [
          { group: '', kind: 'Secret', name: 'shared' },
          { group: '', kind: 'ConfigMap' },
        ],
      },
      'v1beta1',
    );
    expect(m).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: {
        name: 'gateway-istio-ingress-to-secret-shared',
        namespace: 'certs',
        labels: { 'app.kubernetes.io/managed-by': 'meshdeck' },
      },
      spec: {
        from: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            namespace: 'istio-ingress',
          },
        ],
        to: [
          { group: '', kind: 'Secret', name: 'shared' },
          { group: '', kind: 'ConfigMap' },
        ],
      },
    });
    expect(parseReferenceGrant(m).to).toEqual([
      { group: '', kind: 'Secret', name: 'shared' },
      { group: '', kind: 'ConfigMap' },
    ]);
  });
});
