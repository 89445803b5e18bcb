import {
  kialiConfigKey,
  kialiDetailUrl,
  kialiGraphUrl,
  kialiIstioConfigUrl,
  normalizeKialiDuration,
} from './kiali';
import { jaegerSearchUrl } from './jaeger';

describe('Kiali links', () => {
  it('builds the namespace graph link with a Kiali duration', () => {
    expect(
      kialiGraphUrl({
        baseUrl: 'https://kiali.example.com/kiali/',
        namespaces: ['shop', 'payments'],
        durationSeconds: 900,
      }),
    ).toBe(
      'https://kiali.example.com/kiali/console/graph/namespaces?namespaces=shop%2Cpayments&graphType=versionedApp&duration=1800&refresh=60000',
    );
  });

  it('adds the cluster name for multi-cluster Kiali', () => {
    expect(
      kialiDetailUrl({
        baseUrl: 'https://kiali.example.com/kiali',
        clusterName: 'eu-1',
        namespace: 'shop',
        kind: 'services',
        name: 'checkout',
      }),
    ).toBe(
      'https://kiali.example.com/kiali/console/namespaces/shop/services/checkout?clusterName=eu-1',
    );
  });

  it('links an Istio config object by group, version and kind', () => {
    expect(
      kialiIstioConfigUrl({
        baseUrl: 'https://kiali.example.com/kiali',
        namespace: 'shop',
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        name: 'checkout',
      }),
    ).toBe(
      'https://kiali.example.com/kiali/console/namespaces/shop/istio/networking.istio.io/v1/VirtualService/checkout',
    );
  });

  it('links Gateway API objects on the same Kiali page, by their group and version', () => {
    const base = {
      baseUrl: 'https://kiali.example.com/kiali',
      namespace: 'istio-ingress',
      apiVersion: 'gateway.networking.k8s.io/v1',
    };
    expect(
      kialiIstioConfigUrl({ ...base, kind: 'Gateway', name: 'public' }),
    ).toBe(
      'https://kiali.example.com/kiali/console/namespaces/istio-ingress/istio/gateway.networking.k8s.io/v1/Gateway/public',
    );
    expect(
      kialiIstioConfigUrl({
        ...base,
        namespace: 'shop',
        kind: 'HTTPRoute',
        name: 'checkout',
        clusterName: 'east',
      }),
    ).toBe(
      'https://kiali.example.com/kiali/console/namespaces/shop/istio/gateway.networking.k8s.io/v1/HTTPRoute/checkout?clusterName=east',
    );
  });

  it('keys Gateway API Gateways apart from Istio Gateways', () => {
    const object = { namespace: 'istio-ingress', name: 'public' };
    expect(
      kialiConfigKey({
        ...object,
        group: 'networking.istio.io',
        kind: 'Gateway',
      }),
    ).toBe('Gateway:istio-ingress/public');
    expect(
      kialiConfigKey({
        ...object,
        group: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
      }),
    ).toBe('K8sGateway:istio-ingress/public');
    expect(
      kialiConfigKey({
        namespace: 'shop',
        name: 'checkout',
        group: 'gateway.networking.k8s.io',
        kind: 'HTTPRoute',
      }),
    ).toBe('HTTPRoute:shop/checkout');
    expect(
      kialiConfigKey({
        namespace: 'shop',
        name: 'checkout',
        kind: 'VirtualService',
      }),
    ).toBe('VirtualService:shop/checkout');
  });

  it.each([
    [1, 60],
    [60, 60],
    [61, 120],
    [4000, 10800],
    [10_000_000, 604800],
  ])('rounds %d s up to %d s', (input, expected) => {
    expect(normalizeKialiDuration(input)).toBe(expected);
  });
});

describe('Jaeger links', () => {
  it('searches for the Istio service name <app>.<namespace>', () => {
    expect(
      jaegerSearchUrl({
        baseUrl: 'https://jaeger.example.com',
        app: 'checkout',
        namespace: 'shop',
      }),
    ).toBe(
      'https://jaeger.example.com/search?service=checkout.shop&lookback=1h&limit=20',
    );
  });
});
