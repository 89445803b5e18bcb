import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import {
  ambientCheckoutCluster,
  checkoutCluster,
  gatewayApiCheckoutCluster,
  mixedCheckoutCluster,
  meshStatus,
  notCoveredCertificate,
  syncFailingRenewedCertificate,
  troubledCertificate,
  unreachableCluster,
} from '../../__fixtures__/meshStatus';
import {
  BACKEND,
  checkoutEntity,
  renderWithBackend,
} from '../../__testUtils__/renderWithBackend';
import { EntityIstioCard } from './EntityIstioCard';

const server = setupServer();
registerMswTestHooks(server);

function answer(body: object, status = 200) {
  const requests: string[] = [];
  server.use(
    rest.get(`${BACKEND}/v1/status`, (req, res, ctx) => {
      requests.push(req.url.searchParams.get('entityRef') ?? '');
      return res(ctx.status(status), ctx.json(body));
    }),
  );
  return requests;
}

describe('EntityIstioCard', () => {
  it('shows verdict, sidecars, mTLS, certificate days, topology and links', async () => {
    const requests = answer(meshStatus());
    await renderWithBackend(<EntityIstioCard />);

    expect(await screen.findByText('Warning')).toBeInTheDocument();
    expect(requests).toEqual(['component:default/checkout']);
    expect(
      screen.getByText('2 warnings · Production (eks-prod)'),
    ).toBeInTheDocument();
    const sidecars = screen.getByTestId('mesh-sidecars');
    expect(sidecars).toHaveTextContent('3/4 pods');
    expect(screen.getByTestId('mesh-injection')).toHaveTextContent(
      'sidecar injection',
    );
    expect(screen.getByTestId('mesh-sidecar-problem')).toHaveTextContent(
      '1 pod has no sidecar: created before injection was enabled',
    );
    expect(screen.getByTestId('mesh-mtls')).toHaveTextContent('STRICT');
    expect(screen.getByTestId('mesh-certificate')).toHaveTextContent(
      'checkout.shop.example.com — 12 days left · expiring',
    );
    expect(screen.getByText('istiod 1.30.3')).toBeInTheDocument();
    // a sidecar entity's card is as it always was: no data-plane line
    expect(screen.queryByTestId('mesh-dataplane')).not.toBeInTheDocument();
    expect(screen.queryByText('Data plane')).not.toBeInTheDocument();

    // the topology is readable text: host → gateway → VS → service → subsets → pods
    const topology = screen.getByRole('img', { name: 'Route topology' });
    const nodes = within(topology)
      .getAllByTestId('topology-node')
      .map(n => [
        n.getAttribute('data-kind'),
        n.querySelector('title')?.textContent,
      ]);
    expect(nodes).toEqual([
      ['host', 'host: checkout.shop.example.com'],
      ['gateway', 'gateway: istio-ingress/public-gateway'],
      ['virtualService', 'virtual service: checkout'],
      ['service', 'service: checkout'],
      ['subset', 'subset: v1'],
      ['subset', 'subset: v2'],
      ['workload', 'workload: checkout-v1 · 2 pods'],
      ['workload', 'workload: checkout-v2 · 2 pods'],
    ]);
    expect(within(topology).getByText('90%')).toBeInTheDocument();
    expect(within(topology).getByText('10%')).toBeInTheDocument();

    expect(screen.getByTestId('link-kiali-graph')).toHaveAttribute(
      'href',
      'https://kiali.example.com/kiali/console/graph/namespaces?namespaces=shop&graphType=versionedApp&duration=600&refresh=60000',
    );
    expect(screen.getByTestId('link-kiali-graph')).toHaveTextContent(
      'Open in Kiali',
    );
    expect(screen.getByTestId('link-kiali-service')).toHaveAttribute(
      'href',
      'https://kiali.example.com/kiali/console/namespaces/shop/services/checkout',
    );
    expect(screen.getByTestId('link-jaeger')).toHaveAttribute(
      'href',
      'https://jaeger.example.com/search?service=checkout.shop&lookback=1h&limit=20',
    );
    expect(screen.getByTestId('link-jaeger')).toHaveTextContent(
      'Traces in Jaeger',
    );
    expect(screen.queryByTestId('links-hint')).not.toBeInTheDocument();
    expect(
      screen.getByText('Mesh details and findings').closest('a'),
    ).toHaveAttribute('href', '/catalog/default/component/checkout/mesh');
  });

  it('draws the Gateway API route: host → Gateway → listener → HTTPRoute → Services with their shares → workloads', async () => {
    answer(meshStatus([gatewayApiCheckoutCluster()]));
    await renderWithBackend(<EntityIstioCard />);
    const topology = await screen.findByRole('img', { name: 'Route topology' });
    const nodes = within(topology)
      .getAllByTestId('topology-node')
      .map(n => [
        n.getAttribute('data-kind'),
        n.querySelector('title')?.textContent,
      ]);
    expect(nodes).toEqual([
      ['host', 'host: checkout.shop.example.com'],
      ['gateway', 'gateway: istio-ingress/public'],
      ['listener', 'listener: https · HTTPS 443'],
      ['httpRoute', 'HTTPRoute: checkout'],
      ['service', 'service: checkout'],
      ['service', 'service: checkout-canary'],
      ['workload', 'workload: checkout-v1 · 2 pods'],
      ['workload', 'workload: checkout-v2 · 2 pods'],
    ]);
    expect(within(topology).getByText('90%')).toBeInTheDocument();
    expect(within(topology).getByText('10%')).toBeInTheDocument();
    expect(within(topology).getAllByTestId('topology-edge')).toHaveLength(7);
    // the listener's certificate is a certificate like any other
    expect(screen.getByTestId('mesh-certificate')).toHaveTextContent(
      'checkout.shop.example.com — 75 days left',
    );
    expect(
      screen.getByText('1 warning · Production (eks-prod)'),
    ).toBeInTheDocument();
  });

  it('words the data plane of an ambient entity and leaves out the sidecar line', async () => {
    answer(meshStatus([ambientCheckoutCluster()], 'healthy'));
    await renderWithBackend(<EntityIstioCard />);
    const dataplane = await screen.findByTestId('mesh-dataplane');
    expect(dataplane).toHaveTextContent(
      'ambient (ztunnel) · 3/3 pods captured · waypoint shop/shop-waypoint',
    );
    expect(within(dataplane).getByTestId('status-ok')).toBeInTheDocument();
    expect(screen.getByText('Data plane')).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-sidecars')).not.toBeInTheDocument();
    expect(screen.queryByText('Sidecars')).not.toBeInTheDocument();
    expect(screen.getByTestId('mesh-injection')).toHaveTextContent(
      'ambient mode',
    );
    expect(screen.getByTestId('mesh-mtls')).toHaveTextContent('STRICT');
  });

  it('says an entity no gateway route reaches is reachable inside the mesh only, without pushing exposure', async () => {
    answer(
      meshStatus(
        [ambientCheckoutCluster({ topology: { nodes: [], edges: [] } })],
        'healthy',
      ),
    );
    await renderWithBackend(<EntityIstioCard />);
    expect(
      await screen.findByText(
        'Reachable inside the mesh only: no gateway routes traffic to this service. To expose it outside the mesh, use the “Expose a service over HTTPS” template.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/yet/)).not.toBeInTheDocument();
  });

  it('words a mixed data plane and keeps the sidecar line for the pod that has one', async () => {
    answer(meshStatus([mixedCheckoutCluster()]));
    await renderWithBackend(<EntityIstioCard />);
    const dataplane = await screen.findByTestId('mesh-dataplane');
    expect(dataplane).toHaveTextContent(
      'ambient (ztunnel 2/3 ready) · 1/2 pods captured · waypoint shop/shop-waypoint (not programmed); sidecar (1 pod); not in the mesh (1 pod)',
    );
    expect(within(dataplane).getByTestId('status-warning')).toBeInTheDocument();
    expect(screen.getByTestId('mesh-sidecars')).toHaveTextContent('1/1 pods');
    expect(
      screen.queryByTestId('mesh-sidecar-problem'),
    ).not.toBeInTheDocument();
  });

  it('says "not covered" for a host the certificate does not cover, coloured as an error', async () => {
    answer(
      meshStatus(
        [checkoutCluster({ certificates: [notCoveredCertificate()] })],
        'critical',
      ),
    );
    await renderWithBackend(<EntityIstioCard />);
    const line = await screen.findByTestId('mesh-certificate');
    expect(line).toHaveTextContent(
      'checkout.shop.example.com, checkout.example.com — 80 days left · not covered: checkout.example.com',
    );
    expect(within(line).getByTestId('status-error')).toBeInTheDocument();
    expect(within(line).queryByTestId('status-ok')).not.toBeInTheDocument();
  });

  it('shows the most urgent certificate verdict and the others in words', async () => {
    answer(
      meshStatus(
        [
          checkoutCluster({
            certificates: [
              troubledCertificate(),
              syncFailingRenewedCertificate(),
            ],
          }),
        ],
        'critical',
      ),
    );
    await renderWithBackend(<EntityIstioCard />);
    await screen.findByText('Critical');
    const [troubled, syncing] = screen.getAllByTestId('mesh-certificate');
    expect(troubled).toHaveTextContent(
      'checkout.shop.example.com, checkout.example.com — 12 days left · not covered: checkout.example.com · sync failing · renewed certificate waiting in ACM · expiring',
    );
    expect(within(troubled).getByTestId('status-error')).toBeInTheDocument();
    expect(syncing).toHaveTextContent(
      'checkout.shop.example.com — 60 days left · sync failing · renewed certificate waiting in ACM',
    );
    expect(within(syncing).getByTestId('status-error')).toBeInTheDocument();
  });

  it('hides links whose base URL is not configured, and says which setting adds them', async () => {
    answer(meshStatus([checkoutCluster({ links: {} })]));
    await renderWithBackend(<EntityIstioCard />);
    expect(await screen.findByTestId('links-hint')).toHaveTextContent(
      'Kiali and Jaeger links appear when istio.clusters[eks-prod].{kiali,jaeger}.baseUrl is set in app-config.',
    );
    expect(screen.queryByTestId('link-kiali-graph')).not.toBeInTheDocument();
    expect(screen.queryByTestId('link-jaeger')).not.toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    server.use(
      rest.get(`${BACKEND}/v1/status`, (_req, res, ctx) =>
        res(ctx.delay('infinite')),
      ),
    );
    await renderWithBackend(<EntityIstioCard />);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    answer(
      {
        error: {
          name: 'NotAllowedError',
          message:
            'Not allowed to read the mesh status of component:default/checkout',
        },
        response: { statusCode: 403 },
      },
      403,
    );
    await renderWithBackend(<EntityIstioCard />);
    expect(await screen.findByText('403: NotAllowedError')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Not allowed to read the mesh status of component:default/checkout',
      ),
    ).toBeInTheDocument();
  });

  it('says which annotation to add for an entity without Kubernetes annotations, without asking the backend', async () => {
    const requests = answer(meshStatus());
    await renderWithBackend(<EntityIstioCard />, {
      entity: {
        ...checkoutEntity,
        metadata: { name: 'docs', namespace: 'default' },
      },
    });
    expect(
      await screen.findByText('Not mapped to Kubernetes workloads'),
    ).toBeInTheDocument();
    expect(document.body).toHaveTextContent('backstage.io/kubernetes-id: docs');
    expect(requests).toEqual([]);
  });

  it('shows an unreachable cluster inline without hiding the cluster that answered', async () => {
    answer(meshStatus([checkoutCluster(), unreachableCluster('eks-dr')]));
    await renderWithBackend(<EntityIstioCard />);
    const dr = await screen.findByTestId('mesh-cluster-eks-dr');
    expect(within(dr).getByTestId('cluster-errors')).toHaveTextContent(
      'Cluster eks-dr unreachable: cannot reach the API server: connect ECONNREFUSED',
    );
    const prod = screen.getByTestId('mesh-cluster-eks-prod');
    expect(within(prod).getByTestId('mesh-sidecars')).toHaveTextContent(
      '3/4 pods',
    );
    expect(screen.getByText('Open in Kiali (eks-prod)')).toBeInTheDocument();
  });

  it('marks a partial answer: what failed, next to what was read', async () => {
    answer(
      meshStatus([
        checkoutCluster({
          errors: [
            {
              source: 'kubernetes',
              kind: 'forbidden',
              message:
                'TLS secret istio-ingress/istio-gateway-cert: secrets "istio-gateway-cert" is forbidden',
            },
          ],
          certificates: [],
        }),
      ]),
    );
    await renderWithBackend(<EntityIstioCard />);
    expect(await screen.findByTestId('cluster-errors')).toHaveTextContent(
      'Cluster eks-prod not allowed (partial answer): TLS secret istio-ingress/istio-gateway-cert',
    );
    expect(screen.getByTestId('mesh-sidecars')).toHaveTextContent('3/4 pods');
  });

  it('explains how to add a cluster when none is configured', async () => {
    answer(meshStatus([], 'unknown'));
    await renderWithBackend(<EntityIstioCard />);
    expect(
      await screen.findByText('No Kubernetes cluster configured'),
    ).toBeInTheDocument();
  });
});
