// The mesh card and tab of the two demo components beyond checkout, against
// the running app + backend + the cluster seeded by `yarn demo:seed`:
// storefront, exposed with the Gateway API (Gateway `public-gw`, HTTPRoute
// `storefront` 80/20), and ledger, in ambient mode (ztunnel, waypoint
// `ledger/waypoint`, one of three pods not captured by istio-cni, no gateway
// route).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  APP_URL,
  artifactPath,
  screenshot,
  signedInSession,
} from './browser.mjs';

const KIALI = process.env.MESHDECK_KIALI_URL ?? 'http://localhost:20001/kiali';
const UNCAPTURED = 'ledger-5b9d7c8f6-n6v3k';

const session = signedInSession();

/** Opens a component's overview and waits for its Service mesh card. */
async function meshCard(page, name) {
  await page.goto(`${APP_URL}/catalog/default/component/${name}`);
  const card = page.locator('.MuiCard-root', { hasText: 'Service mesh' });
  await card.getByTestId('mesh-verdict').waitFor({ timeout: 60_000 });
  return card;
}

/**
 * Follows the card's link to the Service mesh tab and waits for its
 * workloads table: "Workloads and sidecars", or "Workloads and data plane"
 * where ambient mode is involved.
 */
async function meshTab(page, name, workloadsTitle) {
  await page.getByText('Mesh details and findings').click();
  await page.waitForURL(new RegExp(`/catalog/default/component/${name}/mesh$`));
  await page
    .getByText(workloadsTitle, { exact: true })
    .waitFor({ timeout: 60_000 });
}

/** The lines of a traffic row's Status cell. */
const statusLines = row =>
  row
    .getByTestId('traffic-status')
    .evaluateAll(els => els.map(el => el.textContent));

/** The column titles of the table with this title. */
const columnTitles = (page, title) =>
  page
    .locator('.MuiPaper-root', { hasText: title })
    .locator('thead th')
    .evaluateAll(els => els.map(el => el.textContent.trim()));

/** The topology's nodes as their titles say them ("kind: label"). */
const topologyNodes = scope =>
  scope
    .getByTestId('topology-node')
    .evaluateAll(els =>
      els.map(el => el.querySelector('title')?.textContent ?? ''),
    );

/** The weights written on the topology's edges. */
const topologyWeights = scope =>
  scope
    .locator('svg text')
    .evaluateAll(els =>
      els.map(el => el.textContent).filter(t => /^\d+%$/.test(t ?? '')),
    );

/** Full-page screenshots: the tab is taller than the viewport. */
async function fullPage(page, name) {
  await page.screenshot({ path: await artifactPath(name), fullPage: true });
}

test('storefront: the card shows the Gateway API route, its weights and certificate', async () => {
  const { page, errors } = session;
  const card = await meshCard(page, 'storefront');

  assert.equal(await card.getByTestId('mesh-verdict').innerText(), 'Healthy');
  assert.match(
    await card.getByTestId('mesh-sidecars').innerText(),
    /^3\/3 pods$/,
  );
  assert.equal(await card.getByTestId('mesh-dataplane').count(), 0);
  assert.equal(
    await card.getByTestId('mesh-injection').innerText(),
    'sidecar injection',
  );
  assert.equal(await card.getByTestId('mesh-mtls').innerText(), 'STRICT');
  // the listener's certificate, for the route's host: 90 days when seeded
  assert.match(
    await card.getByTestId('mesh-certificate').innerText(),
    /^shop\.store\.example\.com — (59|[6-8]\d|90) days left$/,
  );

  // host → Gateway → listener → HTTPRoute → Services (80/20) → workloads
  assert.deepEqual(await topologyNodes(card), [
    'host: shop.store.example.com',
    'gateway: storefront/public-gw',
    'listener: https · HTTPS 443',
    'HTTPRoute: storefront',
    'service: storefront-v1',
    'service: storefront-v2',
    'workload: storefront-v1 · 2 pods',
    'workload: storefront-v2 · 1 pod',
  ]);
  assert.deepEqual((await topologyWeights(card)).sort(), ['20%', '80%']);
  // the weights sit on the HTTPRoute → Service edges, nowhere else
  const weighted = await card
    .getByTestId('topology-edge')
    .evaluateAll(els => els.filter(el => el.querySelector('text')).length);
  assert.equal(weighted, 2);

  assert.equal(
    await card.getByTestId('link-kiali-graph').getAttribute('href'),
    `${KIALI}/console/graph/namespaces?namespaces=storefront&graphType=versionedApp&duration=600&refresh=60000`,
  );

  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'storefront-page');
  await card.screenshot({ path: await artifactPath('storefront-card') });
  assert.deepEqual(errors, []);
});

test('storefront: the tab lists the Gateway and HTTPRoute with their status, and the certificate', async () => {
  const { page, errors } = session;
  await meshTab(page, 'storefront', 'Workloads and sidecars');
  await page
    .getByText(
      'No findings: sidecars, mTLS, certificates and routes look right.',
    )
    .waitFor();

  const sources = page.getByTestId('certificate-sources');
  assert.match(await sources.innerText(), /Secret storefront\/public-gw-cert/);

  await page.getByText('Traffic configuration').waitFor();
  const gatewayRow = page.locator('tr', { hasText: 'Gateway (Gateway API)' });
  const gateway = await gatewayRow.innerText();
  assert.match(gateway, /storefront\/public-gw/);
  assert.match(gateway, /\*\.store\.example\.com/);
  assert.match(
    gateway,
    /class istio; https 443\/HTTPS \*\.store\.example\.com TLS Terminate \(secret storefront\/public-gw-cert\), 1 route/,
  );
  // the Gateway's conditions and its Deployment's readiness; the listener's
  // Conflicted=False is healthy and not shown
  assert.deepEqual(await statusLines(gatewayRow), [
    'Accepted, Programmed · Deployment public-gw-istio 1/1 ready',
  ]);
  assert.doesNotMatch(gateway, /Conflicted/);
  assert.equal(await gatewayRow.getByTestId('status-ok').count(), 1);
  const routeRow = page.locator('tr', { hasText: 'HTTPRoute' }).last();
  const route = await routeRow.innerText();
  assert.match(route, /storefront\/storefront/);
  assert.match(route, /shop\.store\.example\.com/);
  assert.match(
    route,
    /via storefront\/public-gw \(listener https\): PathPrefix \/ → storefront-v1:8080 80%, storefront-v2:8080 20%/,
  );
  assert.deepEqual(await statusLines(routeRow), [
    'storefront/public-gw: Accepted, ResolvedRefs',
  ]);
  // one heading over the certificates
  assert.equal(
    await page.getByText('Certificates', { exact: true }).count(),
    1,
  );

  // the tab's topology is the card's
  assert.deepEqual((await topologyWeights(page)).sort(), ['20%', '80%']);

  await screenshot(page, 'storefront-tab');
  await fullPage(page, 'storefront-tab-full');
  assert.deepEqual(errors, []);
});

test('ledger: the card says ambient, captured pods and the waypoint, without a sidecar line', async () => {
  const { page, errors } = session;
  const card = await meshCard(page, 'ledger');

  assert.equal(await card.getByTestId('mesh-verdict').innerText(), 'Warning');
  assert.equal(
    await card.getByTestId('mesh-dataplane').innerText(),
    'ambient (ztunnel) · 2/3 pods captured · waypoint ledger/waypoint',
  );
  // ambient pods need no sidecar: no "Sidecars 0/0"
  assert.equal(await card.getByTestId('mesh-sidecars').count(), 0);
  assert.equal(await card.getByText('Sidecars', { exact: true }).count(), 0);
  assert.equal(
    await card.getByTestId('mesh-injection').innerText(),
    'ambient mode',
  );
  assert.equal(await card.getByTestId('mesh-mtls').innerText(), 'STRICT');
  assert.equal(await card.getByTestId('mesh-certificate').count(), 0);
  assert.match(await card.innerText(), /1 warning/);
  // no gateway route: said neutrally, exposure only if wanted
  await card
    .getByText(
      'Reachable inside the mesh only: no gateway routes traffic to this service. To expose it outside the mesh, use the “Expose a service over HTTPS” template.',
    )
    .waitFor();

  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'ledger-page');
  await card.screenshot({ path: await artifactPath('ledger-card') });
  assert.deepEqual(errors, []);
});

test('ledger: the tab shows the uncaptured pod as a finding and each pod’s data plane', async () => {
  const { page, errors } = session;
  await meshTab(page, 'ledger', 'Workloads and data plane');

  const finding = page.locator('tr', { hasText: `ledger/Pod/${UNCAPTURED}` });
  await finding.waitFor();
  const text = await finding.innerText();
  assert.match(text, /warning/);
  assert.match(
    text,
    /Pod is meant for ambient mode \(namespace ledger is labelled istio\.io\/dataplane-mode=ambient\) but is not captured by istio-cni/,
  );
  assert.match(text, /its traffic bypasses ztunnel, without mTLS or policy/);
  assert.match(text, /kubectl rollout restart deployment\/ledger -n ledger/);

  const dataplanes = await page
    .getByTestId('pod-dataplane')
    .evaluateAll(els => els.map(el => el.textContent));
  assert.deepEqual(dataplanes.sort(), [
    'ambient · captured · waypoint ledger/waypoint',
    'ambient · captured · waypoint ledger/waypoint',
    'ambient · not captured · waypoint ledger/waypoint',
  ]);
  // no pod has or needs a sidecar: no sidecar columns
  assert.deepEqual(await columnTitles(page, 'Workloads and data plane'), [
    'Workload',
    'Pod',
    'Ready',
    'Restarts',
    'Data plane',
    'mTLS',
  ]);
  assert.equal(await page.getByText('none: ambient mode').count(), 0);
  // one heading over the (missing) certificates
  assert.equal(
    await page.getByText('Certificates', { exact: true }).count(),
    1,
  );
  const uncapturedRow = page.locator('tr', { hasText: UNCAPTURED }).last();
  assert.match(await uncapturedRow.innerText(), /not captured/);

  await screenshot(page, 'ledger-tab');
  await fullPage(page, 'ledger-tab-full');
  assert.deepEqual(errors, []);
});
