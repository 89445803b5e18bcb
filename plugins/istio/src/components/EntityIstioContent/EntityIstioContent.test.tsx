import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { ClusterStatus } from '@meshdeck/plugin-istio-common';
import {
  ambientCheckoutCluster,
  checkoutCluster,
  gatewayApiCheckoutCluster,
  meshStatus,
  mixedCheckoutCluster,
  notCoveredCertificate,
  troubledCertificate,
} from '../../__fixtures__/meshStatus';
import {
  BACKEND,
  checkoutEntity,
  renderWithBackend,
} from '../../__testUtils__/renderWithBackend';
import { EntityIstioContent } from './EntityIstioContent';

const server = setupServer();
registerMswTestHooks(server);

function answer(cluster: ClusterStatus) {
  server.use(
    rest.get(`${BACKEND}/v1/status`, (_req, res, ctx) =>
      res(ctx.json(meshStatus([cluster]))),
    ),
  );
}

/** The Gateway API Gateway's row in the traffic table. */
async function gatewayRow() {
  const kind = await screen.findByText(
    'Gateway (Gateway API)',
    {},
    { timeout: 5000 },
  );
  return kind.closest('tr') as HTMLElement;
}

/** The lines of a row's Status cell. */
const statusLines = (row: HTMLElement) =>
  within(row)
    .getAllByTestId('traffic-status')
    .map(line => line.textContent);

describe('EntityIstioContent', () => {
  beforeEach(() => {
    server.use(
      rest.get(`${BACKEND}/v1/status`, (_req, res, ctx) =>
        res(ctx.json(meshStatus())),
      ),
    );
  });

  it('lists findings with copyable fixes, pods with sidecars, traffic objects linked to Kiali, and the certificate sources', async () => {
    await renderWithBackend(<EntityIstioContent />);

    // findings, each fix with a copy button
    const fix = 'kubectl rollout restart deployment/checkout-v2 -n shop';
    expect(
      await screen.findByText(fix, {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(`Copy fix: ${fix}`)).toBeInTheDocument();

    // every pod, the one without a sidecar says why
    expect(screen.getByText('checkout-v2-5f4-b')).toBeInTheDocument();
    expect(
      screen.getByText('none: created before injection was enabled'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('istio-proxy 1.30.3 · rev default'),
    ).toHaveLength(3);
    expect(
      screen.getAllByText('req cpu 100m, memory 128Mi · lim cpu 2, memory 1Gi'),
    ).toHaveLength(3);
    expect(
      screen.getAllByText('Deployment shop/checkout-v1')[0].closest('a'),
    ).toHaveAttribute(
      'href',
      'https://kiali.example.com/kiali/console/namespaces/shop/workloads/checkout-v1',
    );

    // traffic objects, linked to their Kiali page
    expect(
      screen.getAllByText('shop/checkout')[0].closest('a'),
    ).toHaveAttribute(
      'href',
      'https://kiali.example.com/kiali/console/namespaces/shop/istio/networking.istio.io/v1/VirtualService/checkout',
    );
    expect(
      screen.getByText(
        'via istio-ingress/public-gateway: checkout/v1 90%, checkout/v2 10%',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('443/HTTPS TLS SIMPLE (secret istio-gateway-cert)'),
    ).toBeInTheDocument();

    // the certificate's three sources side by side
    const sources = screen.getByTestId('certificate-sources');
    expect(sources).toHaveTextContent(
      'Secret istio-ingress/istio-gateway-cert',
    );
    expect(sources).toHaveTextContent('Days left12');
    expect(sources).toHaveTextContent('ExternalSecret istio-gateway-cert');
    expect(sources).toHaveTextContent('ReasonSecretSynced');
    expect(sources).toHaveTextContent('No ACM certificate found');

    // one heading over the certificates
    expect(screen.getAllByText('Certificates')).toHaveLength(1);

    // a sidecar entity's table has no data-plane column
    expect(screen.getByText('Workloads and sidecars')).toBeInTheDocument();
    expect(screen.queryByText('Data plane')).not.toBeInTheDocument();
    expect(screen.queryAllByTestId('pod-dataplane')).toHaveLength(0);
  });

  it('shows each pod’s data plane where ambient mode is involved: captured, waypoint, sidecar, outside', async () => {
    server.use(
      rest.get(`${BACKEND}/v1/status`, (_req, res, ctx) =>
        res(ctx.json(meshStatus([mixedCheckoutCluster()]))),
      ),
    );
    await renderWithBackend(<EntityIstioContent />);
    expect(
      await screen.findByText('Data plane', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(
      screen.getAllByTestId('pod-dataplane').map(cell => cell.textContent),
    ).toEqual([
      'ambient · captured · waypoint shop/shop-waypoint (not programmed)',
      'ambient · not captured · waypoint shop/shop-waypoint (not programmed)',
      'sidecar',
      'not in the mesh',
    ]);
    const [, notCaptured] = screen.getAllByTestId('pod-dataplane');
    expect(
      within(notCaptured).getByTestId('status-warning'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('none: opted out of ambient mode'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('none: ambient mode')).toHaveLength(2);
    // a pod has a sidecar: the sidecar columns stay
    expect(screen.getByText('Workloads and data plane')).toBeInTheDocument();
    expect(screen.getByText('Sidecar')).toBeInTheDocument();
    expect(screen.getByText('Proxy resources')).toBeInTheDocument();
  });

  it('leaves out the sidecar columns when no pod has or needs a sidecar', async () => {
    answer(ambientCheckoutCluster());
    await renderWithBackend(<EntityIstioContent />);
    expect(
      await screen.findByText(
        'Workloads and data plane',
        {},
        { timeout: 5000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Workloads and sidecars'),
    ).not.toBeInTheDocument();
    expect(screen.getByText('Data plane')).toBeInTheDocument();
    expect(screen.queryByText('Sidecar')).not.toBeInTheDocument();
    expect(screen.queryByText('Proxy resources')).not.toBeInTheDocument();
    expect(screen.queryByText('none: ambient mode')).not.toBeInTheDocument();
    expect(
      screen.getAllByTestId('pod-dataplane').map(cell => cell.textContent),
    ).toEqual(
      Array(3).fill('ambient · captured · waypoint shop/shop-waypoint'),
    );
    expect(screen.getByText('mTLS')).toBeInTheDocument();
  });

  it('lists HTTPRoutes and Gateway API Gateways with their conditions, the Deployment and Kiali links, and their listener certificate', async () => {
    server.use(
      rest.get(`${BACKEND}/v1/status`, (_req, res, ctx) =>
        res(ctx.json(meshStatus([gatewayApiCheckoutCluster()]))),
      ),
    );
    await renderWithBackend(<EntityIstioContent />);

    const route = await screen.findByText(
      'via istio-ingress/public (listener https): PathPrefix / → checkout:8080 90%, checkout-canary:8080 10%',
      {},
      { timeout: 5000 },
    );
    const routeRow = route.closest('tr') as HTMLElement;
    expect(within(routeRow).getByText('HTTPRoute')).toBeInTheDocument();
    expect(
      within(routeRow).getByText('shop/checkout').closest('a'),
    ).toHaveAttribute(
      'href',
      'https://kiali.example.com/kiali/console/namespaces/shop/istio/gateway.networking.k8s.io/v1/HTTPRoute/checkout',
    );
    expect(routeRow).toHaveTextContent('checkout.shop.example.com');
    expect(statusLines(routeRow)).toEqual([
      'istio-ingress/public: Accepted, ResolvedRefs',
    ]);

    const gateway = await gatewayRow();
    expect(
      within(gateway).getByText('istio-ingress/public').closest('a'),
    ).toHaveAttribute(
      'href',
      'https://kiali.example.com/kiali/console/namespaces/istio-ingress/istio/gateway.networking.k8s.io/v1/Gateway/public',
    );
    expect(gateway).toHaveTextContent(
      'class istio; https 443/HTTPS *.shop.example.com TLS Terminate (secret istio-ingress/shop-cert), 1 route',
    );
    // healthy conditions, then the Deployment with 1 of 2 replicas ready
    expect(statusLines(gateway)).toEqual([
      'Accepted, Programmed',
      'Deployment public-istio 1/2 ready',
    ]);
    const [conditions, deployment] =
      within(gateway).getAllByTestId('traffic-status');
    expect(within(conditions).getByTestId('status-ok')).toBeInTheDocument();
    expect(
      within(deployment).getByTestId('status-warning'),
    ).toBeInTheDocument();
    expect(screen.getByText('Status')).toBeInTheDocument();

    // the finding about the Deployment, with its fix
    expect(
      screen.getByText(
        'kubectl get pods -n istio-ingress -l gateway.networking.k8s.io/gateway-name=public',
      ),
    ).toBeInTheDocument();

    // the listener's certificate, like a gateway's
    const sources = screen.getByTestId('certificate-sources');
    expect(sources).toHaveTextContent('Secret istio-ingress/shop-cert');
    expect(sources).toHaveTextContent('ExternalSecret shop-cert-sync');
    expect(sources).toHaveTextContent('Days left75');
  });

  it('shows a Gateway whose listener is Conflicted=False as healthy, in one line', async () => {
    const cluster = gatewayApiCheckoutCluster();
    const [gw] = cluster.traffic.k8sGateways!;
    gw.listeners[0].conditions = [
      { type: 'Accepted', status: 'True', reason: 'Accepted' },
      { type: 'Conflicted', status: 'False', reason: 'NoConflicts' },
      { type: 'Programmed', status: 'True', reason: 'Programmed' },
      { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs' },
    ];
    gw.deployment = { ...gw.deployment!, ready: true, readyReplicas: 2 };
    answer(cluster);
    await renderWithBackend(<EntityIstioContent />);

    const gateway = await gatewayRow();
    expect(statusLines(gateway)).toEqual([
      'Accepted, Programmed · Deployment public-istio 2/2 ready',
    ]);
    expect(gateway).not.toHaveTextContent('Conflicted');
    expect(gateway).not.toHaveTextContent('listener https:');
    const [line] = within(gateway).getAllByTestId('traffic-status');
    expect(within(line).getByTestId('status-ok')).toBeInTheDocument();
  });

  it('shows only the unhealthy conditions of a listener, as an error', async () => {
    const cluster = gatewayApiCheckoutCluster();
    const [gw] = cluster.traffic.k8sGateways!;
    gw.listeners[0].conditions = [
      { type: 'Accepted', status: 'True', reason: 'Accepted' },
      { type: 'Conflicted', status: 'True', reason: 'HostnameConflict' },
      { type: 'Programmed', status: 'True', reason: 'Programmed' },
      {
        type: 'ResolvedRefs',
        status: 'False',
        reason: 'InvalidCertificateRef',
      },
    ];
    answer(cluster);
    await renderWithBackend(<EntityIstioContent />);

    const gateway = await gatewayRow();
    expect(statusLines(gateway)).toEqual([
      'Accepted, Programmed',
      'listener https: Conflicted=True (HostnameConflict), ResolvedRefs=False (InvalidCertificateRef)',
      'Deployment public-istio 1/2 ready',
    ]);
    const [, listener] = within(gateway).getAllByTestId('traffic-status');
    expect(within(listener).getByTestId('status-error')).toBeInTheDocument();
  });

  it('names a backend in the route’s namespace by its Service name, one elsewhere in full', async () => {
    const cluster = gatewayApiCheckoutCluster();
    cluster.traffic.httpRoutes![0].rules[0].backends = [
      { service: 'checkout.shop.svc.cluster.local', port: 8080, weight: 3 },
      { service: 'ledger.ledger.svc.cluster.local', port: 8080, weight: 1 },
    ];
    answer(cluster);
    await renderWithBackend(<EntityIstioContent />);
    expect(
      await screen.findByText(
        'via istio-ingress/public (listener https): PathPrefix / → checkout:8080 75%, ledger.ledger.svc.cluster.local:8080 25%',
        {},
        { timeout: 5000 },
      ),
    ).toBeInTheDocument();
  });

  it('has one Certificates heading when there are none', async () => {
    answer(checkoutCluster({ certificates: [] }));
    await renderWithBackend(<EntityIstioContent />);
    expect(
      await screen.findByText(
        'No gateway serves a host of this entity over TLS yet.',
        {},
        { timeout: 5000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Certificates')).toHaveLength(1);
  });

  it('shows no Status column for Istio objects only', async () => {
    await renderWithBackend(<EntityIstioContent />);
    await screen.findByText('Traffic configuration', {}, { timeout: 5000 });
    expect(screen.queryByText('Status')).not.toBeInTheDocument();
    expect(screen.queryByText('Gateway (Gateway API)')).not.toBeInTheDocument();
  });

  it('lists every certificate verdict and says the renewed certificate waits in ACM', async () => {
    server.use(
      rest.get(`${BACKEND}/v1/status`, (_req, res, ctx) =>
        res(
          ctx.json(
            meshStatus(
              [
                checkoutCluster({
                  certificates: [
                    troubledCertificate(),
                    {
                      ...notCoveredCertificate(),
                      secret: {
                        namespace: 'istio-ingress',
                        name: 'checkout-legacy-cert',
                      },
                    },
                  ],
                }),
              ],
              'critical',
            ),
          ),
        ),
      ),
    );
    await renderWithBackend(<EntityIstioContent />);

    const [troubled, uncovered] = await screen.findAllByTestId(
      'certificate-verdicts',
      {},
      { timeout: 5000 },
    );
    expect(troubled).toHaveTextContent(
      'not covered: checkout.example.com · sync failing · renewed certificate waiting in ACM · expiring',
    );
    expect(uncovered).toHaveTextContent('not covered: checkout.example.com');

    // only the first certificate has a renewal waiting in ACM
    const waiting = screen.getByTestId('certificate-acm-waiting');
    expect(waiting).toHaveTextContent(
      "The renewed certificate (serial 0d:3e:4f, valid until 2027-12-20) is waiting in ACM: the fix is the ExternalSecret's sync, not a renewal. Fix its error, then refresh the certificate.",
    );
    const [troubledSources, uncoveredSources] = screen.getAllByTestId(
      'certificate-sources',
    );
    expect(troubledSources).toHaveTextContent(
      'Renewedwaiting in ACM, not yet in the secret',
    );
    expect(troubledSources).toHaveTextContent(
      'Not coveredcheckout.example.com',
    );
    expect(troubledSources).toHaveTextContent('ReasonSecretSyncedError');
    expect(uncoveredSources).toHaveTextContent(
      'Not coveredcheckout.example.com',
    );
    expect(uncoveredSources).not.toHaveTextContent('waiting in ACM');
  });

  it('hides "Refresh certificate" without the permission', async () => {
    await renderWithBackend(<EntityIstioContent />, { refreshAllowed: false });
    await screen.findByTestId('certificate-sources', {}, { timeout: 5000 });
    expect(screen.queryByText('Refresh certificate')).not.toBeInTheDocument();
  });

  it('refreshes a certificate only after confirmation', async () => {
    const posted: unknown[] = [];
    server.use(
      rest.post(`${BACKEND}/v1/certificates/refresh`, async (req, res, ctx) => {
        posted.push(await req.json());
        return res(ctx.json({ forceSync: '1764302400' }));
      }),
    );
    // another entity: the permission answers of the tests above are cached
    // per resource
    await renderWithBackend(<EntityIstioContent />, {
      refreshAllowed: true,
      entity: {
        ...checkoutEntity,
        metadata: { ...checkoutEntity.metadata, name: 'checkout-ops' },
      },
    });
    fireEvent.click(
      await screen.findByText('Refresh certificate', {}, { timeout: 15_000 }),
    );
    const dialog = (
      await screen.findByText('Refresh the certificate now?')
    ).closest('[role="dialog"]') as HTMLElement;
    expect(dialog).toHaveTextContent(
      'This sets force-sync on ExternalSecret istio-ingress/istio-gateway-cert in cluster eks-prod',
    );
    fireEvent.click(within(dialog).getByText('Cancel'));
    await waitFor(
      () =>
        expect(
          screen.queryByText('Refresh the certificate now?'),
        ).not.toBeInTheDocument(),
      { timeout: 15_000 },
    );
    expect(posted).toEqual([]);

    fireEvent.click(screen.getByText('Refresh certificate'));
    const again = (
      await screen.findByText('Refresh the certificate now?')
    ).closest('[role="dialog"]') as HTMLElement;
    fireEvent.click(within(again).getByText('Refresh'));
    await waitFor(
      () =>
        expect(posted).toEqual([
          {
            entityRef: 'component:default/checkout-ops',
            cluster: 'eks-prod',
            namespace: 'istio-ingress',
            externalSecret: 'istio-gateway-cert',
          },
        ]),
      { timeout: 15_000 },
    );
  });
});
