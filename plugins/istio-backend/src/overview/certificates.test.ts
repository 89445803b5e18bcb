import {
  buildGateway,
  buildVirtualService,
  CertificateStatus,
  DEFAULT_ISTIO_API_VERSIONS,
  emptyGatewayApiModel,
  parseGateway,
  parseHttpRoute,
  parseK8sGateway,
  parseVirtualService,
} from '@meshdeck/plugin-istio-common';
import {
  backend,
  httpsListener,
  parent,
  rawGateway,
  rawRoute,
} from '../status/gatewayApiTraffic.testObjects';
import {
  compareCertificates,
  gatewayApiCredentials,
  istioGatewayCredentials,
} from './certificates';

const istioGateway = (name: string, hosts: string[], credential: string) =>
  parseGateway(
    buildGateway(
      {
        name,
        namespace: 'istio-ingress',
        selector: { istio: 'ingressgateway' },
        hosts,
        tls: { mode: 'credential', credentialName: credential },
        httpsRedirect: false,
      },
      DEFAULT_ISTIO_API_VERSIONS,
    ) as any,
  );

/** A Gateway with one plain HTTP server. */
const plainGateway = parseGateway({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'plain', namespace: 'istio-ingress' },
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        port: { number: 80, name: 'http', protocol: 'HTTP' },
        hosts: ['plain.example'],
      },
    ],
  },
});

const vs = (namespace: string, name: string, hosts: string[]) =>
  parseVirtualService(
    buildVirtualService(
      {
        name,
        namespace,
        hosts,
        gateways: ['istio-ingress/public'],
        routes: [{ destinations: [{ host: name }] }],
      },
      DEFAULT_ISTIO_API_VERSIONS,
    ) as any,
  );

describe('istioGatewayCredentials', () => {
  it('gives each referenced secret the hosts routes claim on it, owned by those routes', () => {
    const uses = istioGatewayCredentials(
      [istioGateway('public', ['*.shop.example'], 'shop-cert')],
      [
        vs('shop', 'checkout', ['checkout.shop.example']),
        vs('cart', 'cart', ['cart.shop.example', 'cart.other.example']),
      ],
    );
    expect(uses).toEqual([
      {
        gateway: 'istio-ingress/public',
        namespace: 'istio-ingress',
        credentialName: 'shop-cert',
        hosts: ['checkout.shop.example', 'cart.shop.example'],
        keys: [
          { namespace: 'shop', labels: expect.any(Object) },
          { namespace: 'cart', labels: expect.any(Object) },
        ],
      },
    ]);
  });

  it('falls back to the servers’ own hosts and the Gateway when no route claims one', () => {
    const uses = istioGatewayCredentials(
      [
        istioGateway('public', ['*.shop.example', '*'], 'shop-cert'),
        plainGateway,
      ],
      [],
    );
    expect(uses).toEqual([
      expect.objectContaining({
        credentialName: 'shop-cert',
        hosts: ['*.shop.example'],
        keys: [{ namespace: 'istio-ingress', labels: expect.any(Object) }],
      }),
    ]);
  });
});

describe('gatewayApiCredentials', () => {
  it('gives each listener secret the hostnames of the routes attached there, or the listener’s own', () => {
    const uses = gatewayApiCredentials({
      ...emptyGatewayApiModel(),
      gateways: [
        rawGateway('edge', 'public', [
          httpsListener('shop', '*.store.example', ['store-cert']),
          httpsListener('admin', 'admin.example', [
            { namespace: 'certs', name: 'admin-cert' },
          ]),
        ]),
      ].map(parseK8sGateway),
      httpRoutes: [
        rawRoute('store', 'front', {
          hostnames: ['shop.store.example'],
          parentRefs: [parent('edge', 'public')],
          rules: [{ backendRefs: [backend('front', 80)] }],
        }),
      ].map(parseHttpRoute),
    });
    expect(uses).toEqual([
      {
        gateway: 'edge/public',
        namespace: 'edge',
        credentialName: 'store-cert',
        hosts: ['shop.store.example'],
        keys: [{ namespace: 'store', labels: {} }],
      },
      {
        gateway: 'edge/public',
        namespace: 'certs',
        credentialName: 'admin-cert',
        hosts: ['admin.example'],
        keys: [{ namespace: 'edge', labels: {} }],
      },
    ]);
  });
});

describe('compareCertificates', () => {
  const cert = (
    name: string,
    verdict: CertificateStatus['verdict'],
    daysLeft?: number,
  ) => ({
    cluster: 'east',
    hosts: [],
    gateway: 'istio-ingress/public',
    secret: { namespace: 'istio-ingress', name },
    verdict,
    ...(daysLeft !== undefined && {
      certificate: {
        subject: '',
        sans: [],
        issuer: '',
        serial: '1',
        notBefore: '',
        notAfter: '',
        daysLeft,
        uncoveredHosts: [],
      },
    }),
  });

  it('puts the most urgent verdict first, then the fewest days left', () => {
    expect(
      [
        cert('fine', 'ok', 80),
        cert('soon', 'expiring', 20),
        cert('sooner', 'expiring', 3),
        cert('rotate', 'rotation-due', 50),
        cert('gone', 'missing'),
        cert('late', 'expired', -2),
      ]
        .sort(compareCertificates)
        .map(c => c.secret.name),
    ).toEqual(['gone', 'late', 'rotate', 'sooner', 'soon', 'fine']);
  });
});
