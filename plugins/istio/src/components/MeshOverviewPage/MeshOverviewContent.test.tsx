import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  devCluster,
  emptyOverview,
  meshOverview,
  PROD_KIALI,
  prodCluster,
} from '../../__fixtures__/meshOverview';
import { IstioApi } from '../../api';
import {
  answerOverview,
  openTab,
  renderOverview,
  tableRows,
} from './__testUtils__/renderOverview';
import { MeshOverviewContent } from './MeshOverviewContent';
import { MeshOverviewPage } from './MeshOverviewPage';

const server = setupServer();
registerMswTestHooks(server);

const LOAD = { timeout: 5000 };

/** Renders the page and waits for the overview to arrive. */
async function renderLoaded(path = '/mesh') {
  await renderOverview(<MeshOverviewContent />, { path });
  await screen.findByTestId('mesh-filters', {}, LOAD);
}

const cell = (testId: string) =>
  screen.getAllByTestId(testId).map(el => el.textContent);

describe('MeshOverviewContent', () => {
  describe('states', () => {
    it('shows progress while the overview loads', async () => {
      const api = {
        getOverview: () => new Promise(() => {}),
      } as unknown as IstioApi;
      await renderOverview(<MeshOverviewContent />, { api });
      expect(await screen.findByRole('progressbar')).toBeInTheDocument();
      expect(screen.queryByTestId('mesh-filters')).not.toBeInTheDocument();
    });

    it('says which permission is missing when the backend answers 403', async () => {
      answerOverview(
        server,
        {
          error: {
            name: 'NotAllowedError',
            message: 'Missing permission istio.mesh.read',
          },
          response: { statusCode: 403 },
        },
        403,
      );
      await renderOverview(<MeshOverviewContent />);
      expect(
        await screen.findByText(
          'You need the istio.mesh.read permission',
          {},
          LOAD,
        ),
      ).toBeInTheDocument();
      // the snippet shows the policy rule that grants it
      expect(document.body).toHaveTextContent(
        "if (request.permission.name === 'istio.mesh.read')",
      );
      expect(screen.queryByTestId('mesh-filters')).not.toBeInTheDocument();
    });

    it('shows the error of a failed request', async () => {
      answerOverview(
        server,
        {
          error: { name: 'Error', message: 'catalog unavailable' },
          response: { statusCode: 500 },
        },
        500,
      );
      await renderOverview(<MeshOverviewContent />);
      expect(
        (await screen.findAllByText(/catalog unavailable/, {}, LOAD))[0],
      ).toBeInTheDocument();
      expect(
        screen.queryByText('You need the istio.mesh.read permission'),
      ).not.toBeInTheDocument();
    });

    it('rejects an answer that does not match the overview schema', async () => {
      answerOverview(server, { generatedAt: 'now', clusters: 'eks-prod' });
      await renderOverview(<MeshOverviewContent />);
      expect(
        (
          await screen.findAllByText(
            /Expected array, received string/,
            {},
            LOAD,
          )
        )[0],
      ).toBeInTheDocument();
      expect(screen.queryByTestId('mesh-filters')).not.toBeInTheDocument();
    });

    it('says how to add a cluster when none is configured', async () => {
      answerOverview(server, emptyOverview({ clusters: [] }));
      await renderOverview(<MeshOverviewContent />);
      expect(
        await screen.findByText('No Kubernetes cluster configured', {}, LOAD),
      ).toBeInTheDocument();
      expect(
        screen.getByText(/kubernetes\.clusterLocatorMethods/),
      ).toBeInTheDocument();
      expect(screen.queryByTestId('mesh-filters')).not.toBeInTheDocument();
    });

    it('says what each empty section means', async () => {
      answerOverview(server, emptyOverview());
      await renderLoaded();
      expect(screen.getByTestId('section-empty')).toHaveTextContent(
        'No Gateway references a TLS secret',
      );
      openTab('Public hosts');
      expect(screen.getByTestId('section-empty')).toHaveTextContent(
        'No Gateway serves a host yet.',
      );
      openTab('Data plane');
      expect(
        screen.getAllByTestId('section-empty').map(e => e.textContent),
      ).toEqual([
        'No namespace has pods or a mesh label.',
        'No pod runs an Istio proxy.',
      ]);
      openTab('Findings');
      expect(screen.getByTestId('section-empty')).toHaveTextContent(
        'No findings: sidecars, mTLS, certificates and routes look right',
      );
      // every tab counts nothing
      expect(
        within(screen.getByRole('tablist'))
          .getAllByRole('tab')
          .map(t => t.textContent),
      ).toEqual([
        'Certificates (0)',
        'Public hosts (0)',
        'Data plane (0)',
        'Findings (0)',
      ]);
    });

    it('shows each cluster with its control plane, Kiali link and errors, beside the data of the others', async () => {
      answerOverview(
        server,
        meshOverview({
          clusters: [
            prodCluster(),
            devCluster(),
            {
              name: 'eks-dr',
              controlPlane: [],
              errors: [
                {
                  source: 'kubernetes',
                  kind: 'unreachable',
                  message: 'connect ECONNREFUSED 10.0.0.1:443',
                },
              ],
            },
          ],
        }),
      );
      await renderLoaded();

      const prod = screen.getByTestId('cluster-eks-prod');
      expect(prod).toHaveTextContent('Production (eks-prod)');
      expect(prod).toHaveTextContent('istiod 1.30.3 · revision default');
      expect(within(prod).getByTestId('link-kiali-cluster')).toHaveAttribute(
        'href',
        PROD_KIALI,
      );
      expect(
        within(prod).queryByTestId('cluster-errors-eks-prod'),
      ).not.toBeInTheDocument();

      const dev = screen.getByTestId('cluster-eks-dev');
      expect(within(dev).queryByTestId('link-kiali-cluster')).toBeNull();
      expect(within(dev).getByTestId('kiali-hint')).toHaveTextContent(
        'istio.clusters[eks-dev].kiali.baseUrl',
      );
      expect(
        within(dev).getByTestId('cluster-errors-eks-dev'),
      ).toHaveTextContent(
        'ACM timed out: ACM did not answer within 5000 ms — certificates below lack the ACM side.',
      );

      const dr = screen.getByTestId('cluster-eks-dr');
      expect(dr).toHaveTextContent('No Istio control plane found');
      expect(within(dr).getByRole('alert')).toHaveTextContent(
        'Kubernetes unreachable: connect ECONNREFUSED 10.0.0.1:443 — what this cluster did not answer is missing below.',
      );
      // the other clusters' rows are still there
      expect(tableRows('certificates')).toHaveLength(3);
    });

    it('reloads on request', async () => {
      const calls = answerOverview(server, meshOverview());
      await renderLoaded();
      expect(calls.count).toBe(1);
      fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
      await waitFor(() => expect(calls.count).toBe(2));
      expect(await screen.findByTestId('mesh-filters')).toBeInTheDocument();
    });

    it('renders under a "Service mesh" header as the legacy page', async () => {
      answerOverview(server, meshOverview());
      await renderOverview(<MeshOverviewPage />);
      expect(
        await screen.findByRole('heading', { name: 'Service mesh' }, LOAD),
      ).toBeInTheDocument();
      expect(await screen.findByTestId('mesh-filters')).toBeInTheDocument();
    });
  });

  describe('sections', () => {
    beforeEach(() => {
      answerOverview(server, meshOverview());
    });

    it('lists certificates most urgent first with days left, every verdict, the ExternalSecret and ACM behind them and the entities they serve', async () => {
      await renderLoaded();
      // the tab's label marks the urgency with an icon, and counts
      const tab = screen.getByRole('tab', { name: 'Certificates (3)' });
      expect(within(tab).getByTestId('status-error')).toBeInTheDocument();

      expect(cell('certificate-hosts')).toEqual([
        'payments.dev.example.com',
        '*.shop.example.com',
        '*.store.example.com',
      ]);
      expect(cell('certificate-days')).toEqual([
        '5 days left',
        '12 days left',
        '90 days left',
      ]);
      expect(cell('certificate-verdict')).toEqual([
        'sync failingrenewed certificate waiting in ACMexpiring',
        'expiring',
        'ok',
      ]);
      const [failing, expiring, ok] = screen.getAllByTestId(
        'certificate-sources',
      );
      expect(failing).toHaveTextContent(
        'Secret istio-ingress/payments-dev-cert · until 2026-12-06',
      );
      expect(failing).toHaveTextContent(
        'ExternalSecret payments-dev-cert not ready (SecretSyncedError)could not get secret data from provider',
      );
      expect(failing).toHaveTextContent(
        'ACM ISSUED · renewal SUCCESSrenewed certificate waiting in ACM (until 2027-12-06)',
      );
      expect(expiring).toHaveTextContent(
        'ExternalSecret istio-gateway-cert synced',
      );
      expect(expiring).toHaveTextContent('ACM not linked');
      expect(ok).toHaveTextContent(
        'ExternalSecret none (managed by hand or another tool)',
      );

      // entities and owners link to their catalog pages
      const rows = tableRows('certificates');
      expect(rows[1]).toMatch(/^eks-prod/);
      const serves = screen.getAllByTestId('row-entities')[1];
      expect(
        within(serves)
          .getAllByRole('link')
          .map(a => [a.textContent, a.getAttribute('href')]),
      ).toEqual([
        ['checkout', '/catalog/default/component/checkout'],
        ['payments', '/catalog/default/component/payments'],
      ]);
      const owners = screen.getAllByTestId('row-owners')[1];
      expect(
        within(owners)
          .getAllByRole('link')
          .map(a => [a.textContent, a.getAttribute('href')]),
      ).toEqual([
        ['guests', '/catalog/default/group/guests'],
        ['team-payments', '/catalog/default/group/team-payments'],
      ]);
    });

    it('lists every public host with the routes claiming it and its owners, conflicts first and highlighted', async () => {
      await renderLoaded('/mesh?tab=hosts');
      expect(cell('host-name')).toEqual([
        'api.shop.example.com',
        'checkout.shop.example.com',
        'payments.dev.example.com',
        'shop.store.example.com',
        'status.shop.example.com',
      ]);
      expect(screen.getByTestId('hosts-conflicts')).toHaveTextContent(
        '1 host is claimed more than once on the same gateway',
      );
      expect(screen.getByTestId('host-conflict')).toHaveTextContent(
        'conflict: api.shop.example.com is claimed by VirtualServices in 2 namespaces (shop, team-payments) on istio-ingress/public-gateway',
      );
      const conflictRow = screen.getByTestId('host-conflict').closest('tr')!;
      expect(conflictRow.style.backgroundColor).not.toBe('');
      const checkoutRow = screen
        .getByText('checkout.shop.example.com')
        .closest('tr')!;
      expect(checkoutRow.style.backgroundColor).toBe('');

      expect(cell('host-routes')).toEqual([
        'shop/api VirtualServiceteam-payments/api-legacy VirtualService',
        'shop/checkout VirtualService',
        'team-payments/payments VirtualService',
        'storefront/storefront HTTPRoute',
        'no route: the gateway serves it unrouted',
      ]);
      const store = screen.getByText('shop.store.example.com').closest('tr')!;
      expect(store).toHaveTextContent('Gateway API · listener https');
      expect(store).toHaveTextContent('public-gw-cert' + 'ok');
      const unrouted = screen
        .getByText('status.shop.example.com')
        .closest('tr')!;
      expect(unrouted).toHaveTextContent('no catalog entity');
      expect(within(unrouted).queryAllByRole('link')).toHaveLength(0);
      expect(
        within(checkoutRow)
          .getAllByRole('link')
          .map(a => a.getAttribute('href')),
      ).toEqual([
        '/catalog/default/component/checkout',
        '/catalog/default/group/guests',
      ]);
    });

    it('shows a wildcard host as a wildcard listener covering the routed hosts under it, not as unrouted', async () => {
      const [, checkout] = meshOverview().hosts;
      const routed = (host: string, name: string) => ({
        ...checkout,
        host,
        routes: [{ kind: 'VirtualService' as const, namespace: 'shop', name }],
      });
      answerOverview(
        server,
        meshOverview({
          hosts: [
            routed('a.shop.example.com', 'a'),
            routed('b.shop.example.com', 'b'),
            {
              ...checkout,
              host: '*.shop.example.com',
              routes: [],
              wildcard: {
                covers: ['a.shop.example.com', 'b.shop.example.com'],
              },
            },
            {
              ...checkout,
              host: '*.idle.example.com',
              routes: [],
              wildcard: { covers: [] },
            },
            {
              ...checkout,
              host: '*.many.example.com',
              routes: [],
              wildcard: {
                covers: ['1', '2', '3', '4', '5', '6', '7'].map(
                  n => `h${n}.many.example.com`,
                ),
              },
            },
            { ...checkout, host: 'old.shop.example.com', routes: [] },
          ],
        }),
      );
      await renderLoaded('/mesh?tab=hosts');
      expect(cell('host-routes')).toEqual([
        'shop/a VirtualService',
        'shop/b VirtualService',
        'no route of its own: routes claim hosts under it',
        'no route of its own: routes claim hosts under it',
        'no route of its own: routes claim hosts under it',
        'no route: the gateway serves it unrouted',
      ]);
      expect(cell('host-wildcard')).toEqual([
        'wildcard listener · covers 2 routed hosts: a.shop.example.com, b.shop.example.com',
        'wildcard listener · covers no routed host yet',
        'wildcard listener · covers 7 routed hosts: h1.many.example.com, h2.many.example.com, h3.many.example.com, h4.many.example.com, h5.many.example.com and 2 more',
      ]);
      // the hosts it covers are no conflict: nothing is highlighted
      expect(screen.queryByTestId('hosts-conflicts')).toBeNull();
      for (const host of ['a.shop.example.com', '*.shop.example.com']) {
        expect(
          screen.getByText(host).closest('tr')!.style.backgroundColor,
        ).toBe('');
      }
      // the unrouted host is no wildcard
      expect(
        within(
          screen.getByText('old.shop.example.com').closest('tr')!,
        ).queryByTestId('host-wildcard'),
      ).toBeNull();
    });

    it('still tells a wildcard from an older backend’s answer without the wildcard field', async () => {
      const [, checkout] = meshOverview().hosts;
      answerOverview(
        server,
        meshOverview({
          hosts: [{ ...checkout, host: '*.shop.example.com', routes: [] }],
        }),
      );
      await renderLoaded('/mesh?tab=hosts');
      expect(cell('host-wildcard')).toEqual(['wildcard listener']);
      expect(cell('host-routes')).toEqual([
        'no route of its own: routes claim hosts under it',
      ]);
    });

    it('shows the data plane per namespace and the proxies per revision with upgrade readiness', async () => {
      await renderLoaded('/mesh?tab=data-plane');
      expect(tableRows('namespaces')).toEqual([
        expect.stringMatching(
          /^eks-devteam-paymentssidecar2 in the mesh · 0 outsidePERMISSIVE/,
        ),
        expect.stringMatching(
          /^eks-prodledgerambient3 in the mesh · 0 outsideSTRICT/,
        ),
        expect.stringMatching(
          /^eks-prodshopsidecar3 in the mesh · 1 outsideSTRICT/,
        ),
        expect.stringMatching(
          /^eks-prodstorefrontsidecar · revision default3 in the mesh · 0 outsideSTRICT/,
        ),
        expect.stringMatching(
          /^eks-prodteam-paymentsnot in the mesh0 in the mesh · 2 outsidePERMISSIVEIstio's default/,
        ),
      ]);
      // pods outside a mesh namespace warn; outside a plain namespace do not
      const pods = screen.getAllByTestId('namespace-pods');
      expect(within(pods[2]).getByTestId('status-warning')).toBeVisible();
      expect(within(pods[4]).queryByTestId('status-warning')).toBeNull();

      const readiness = screen.getAllByTestId('upgrade-readiness');
      expect(readiness.map(r => r.textContent)).toEqual([
        'eks-dev · revision default (istiod 1.30.3)2 of 2 pods still run an older proxy (1.29.1)team-payments: 2 pods · owner team-payments',
        "eks-prod · revision default (istiod 1.30.3)all 6 pods run the control plane's proxy",
      ]);
      expect(
        within(readiness[0]).getByRole('link', { name: 'team-payments' }),
      ).toHaveAttribute('href', '/catalog/default/group/team-payments');
      expect(cell('proxy-version')).toEqual([
        '1.29.1 (older than its control plane)',
        '1.30.3',
      ]);
      expect(cell('proxy-namespaces')).toEqual([
        'team-payments: 2 pods · owner team-payments',
        'shop: 3 pods · owner guestsstorefront: 3 pods · owner guests',
      ]);
    });

    it('groups findings by code, most severe first, each with its owners', async () => {
      await renderLoaded('/mesh?tab=findings');
      const summaries = screen.getAllByTestId('finding-group-summary');
      expect(summaries.map(s => s.textContent)).toEqual([
        'errorcertificate-sync-failing1 findingowner team-payments',
        'errorIST0109 · host-conflict1 findingowners guests, team-payments',
        'warningIST0103 · sidecar-missing2 findingsowners guests, team-payments',
        'warningcertificate-expiring1 findingowners guests, team-payments',
        'infoIST0102 · namespace-not-injected1 findingowner team-payments',
      ]);
      // the most severe group is open, the others closed
      const sync = screen.getByTestId('finding-group-certificate-sync-failing');
      expect(sync).toHaveTextContent(
        'The ExternalSecret payments-dev-cert is not ready',
      );
      const missing = screen.getByTestId('finding-group-IST0103');
      expect(missing).not.toHaveTextContent('Pod has no sidecar');

      fireEvent.click(within(missing).getByRole('button', { expanded: false }));
      await waitFor(() =>
        expect(missing).toHaveTextContent('shop/Pod/checkout-v2-5f4-b'),
      );
      expect(missing).toHaveTextContent('team-payments/Pod/payments-debug');
      const fix = 'kubectl rollout restart deployment/checkout-v2 -n shop';
      expect(within(missing).getByText(fix)).toBeVisible();
      expect(
        within(missing).getByLabelText(`Copy fix: ${fix}`),
      ).toBeInTheDocument();
      // each finding names its cluster and links its entity
      const row = within(missing)
        .getByText('shop/Pod/checkout-v2-5f4-b')
        .closest('tr')!;
      expect(row).toHaveTextContent(/^eks-prod/);
      expect(
        within(row).getByRole('link', { name: 'checkout' }),
      ).toHaveAttribute('href', '/catalog/default/component/checkout');
    });
  });

  describe('filters', () => {
    beforeEach(() => {
      answerOverview(server, meshOverview());
    });

    it('narrows every section to the chosen cluster', async () => {
      await renderLoaded();
      fireEvent.mouseDown(screen.getByLabelText('Cluster'));
      fireEvent.click(
        within(screen.getByRole('listbox')).getByText('Development (eks-dev)'),
      );
      await waitFor(() =>
        expect(cell('certificate-hosts')).toEqual(['payments.dev.example.com']),
      );
      // one cluster: no cluster column, only its card
      expect(tableRows('certificates')[0]).not.toMatch(/^eks-dev/);
      expect(screen.queryByTestId('cluster-eks-prod')).toBeNull();
      expect(screen.getByTestId('cluster-eks-dev')).toBeInTheDocument();

      openTab('Public hosts');
      expect(cell('host-name')).toEqual(['payments.dev.example.com']);
      openTab('Data plane');
      expect(cell('namespace-name')).toEqual(['team-payments']);
      openTab('Findings');
      expect(
        screen
          .getAllByTestId('finding-group-summary')
          .map(s => s.textContent?.split('1 finding')[0]),
      ).toEqual([
        'errorcertificate-sync-failing',
        'warningIST0103 · sidecar-missing',
      ]);

      fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
      await waitFor(() =>
        expect(screen.getAllByTestId('finding-group-summary')).toHaveLength(5),
      );
    });

    it('narrows to a namespace, from the address', async () => {
      await renderLoaded('/mesh?tab=hosts&namespace=shop');
      // hosts routed from shop
      expect(cell('host-name')).toEqual([
        'api.shop.example.com',
        'checkout.shop.example.com',
      ]);
      openTab('Data plane');
      expect(cell('namespace-name')).toEqual(['shop']);
      expect(cell('proxy-namespaces')).toEqual(['shop: 3 pods · owner guests']);
      expect(screen.getByTestId('upgrade-readiness')).toHaveTextContent(
        "all 3 pods run the control plane's proxy",
      );
      openTab('Findings');
      expect(screen.getAllByTestId('finding-group-summary')).toHaveLength(2);
    });

    it('narrows to an owner, or to rows nobody owns', async () => {
      await renderLoaded('/mesh?owner=group:default/team-payments');
      expect(cell('certificate-hosts')).toEqual([
        'payments.dev.example.com',
        '*.shop.example.com',
      ]);
      openTab('Data plane');
      expect(cell('namespace-name')).toEqual([
        'team-payments',
        'team-payments',
      ]);

      fireEvent.mouseDown(screen.getByLabelText('Owner'));
      const options = within(screen.getByRole('listbox'))
        .getAllByRole('option')
        .map(o => o.textContent);
      expect(options).toEqual([
        'All owners',
        'guests',
        'team-payments',
        'No owner',
      ]);
      fireEvent.click(
        within(screen.getByRole('listbox')).getByText('No owner'),
      );
      openTab('Public hosts');
      await waitFor(() =>
        expect(cell('host-name')).toEqual(['status.shop.example.com']),
      );
    });

    it('narrows to a least severity and says when the filters hide everything', async () => {
      await renderLoaded('/mesh?severity=error');
      expect(cell('certificate-hosts')).toEqual(['payments.dev.example.com']);
      openTab('Public hosts');
      expect(cell('host-name')).toEqual([
        'api.shop.example.com',
        'payments.dev.example.com',
      ]);
      openTab('Data plane');
      expect(
        screen.getAllByTestId('section-empty').map(e => e.textContent),
      ).toEqual([
        'Nothing here matches the filters.',
        'Nothing here matches the filters.',
      ]);

      fireEvent.mouseDown(screen.getByLabelText('Severity'));
      fireEvent.click(
        within(screen.getByRole('listbox')).getByText('Warnings and errors'),
      );
      await waitFor(() => expect(cell('namespace-name')).toEqual(['shop']));
      expect(cell('proxy-version')).toEqual([
        '1.29.1 (older than its control plane)',
      ]);
    });
  });
});
