// The platform team's mesh overview at /mesh, against the running app +
// backend + the cluster seeded by `yarn demo:seed`: the shared gateway's
// certificate 12 days from expiry next to the Gateway API gateway's (90
// days), the public hosts with the routes and owners claiming them (the
// gateways' wildcards as wildcard listeners over the hosts routed under
// them), the data plane of the mesh namespaces and of a second namespace,
// team-payments (pods without a proxy), the findings grouped by code (the
// ambient namespace's among them), and the certificate's notice to its
// owner in the app's notifications.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_URL, screenshot, signedInSession } from './browser.mjs';

const session = signedInSession();
const LOAD = { timeout: 60_000 };

/** The text of each body row of a table of the page. */
function rows(page, table) {
  return page
    .getByTestId(`table-${table}`)
    .locator('tbody tr')
    .evaluateAll(trs => trs.map(tr => tr.innerText.replace(/\s+/g, ' ')));
}

/** The row of a table that contains `text`. */
async function rowWith(page, table, text) {
  const all = await rows(page, table);
  const row = all.find(r => r.includes(text));
  assert.ok(row, `no row with ${text} in ${table}: ${JSON.stringify(all)}`);
  return row;
}

/**
 * The row of the hosts table of `host` (a wildcard's row names the hosts
 * it covers too).
 */
async function hostRow(page, host) {
  const all = await rows(page, 'hosts');
  const row = all.find(r => r.startsWith(`${host} `));
  assert.ok(row, `no row of ${host} in hosts: ${JSON.stringify(all)}`);
  return row;
}

async function openTab(page, title) {
  await page.getByRole('tab', { name: new RegExp(`^${title} \\(`) }).click();
}

test('the sidebar leads to the mesh overview', async () => {
  const { page, errors } = session;
  await page.goto(APP_URL);
  const item = page.getByRole('link', { name: 'Service mesh' });
  await item.waitFor(LOAD);
  await item.click();
  await page.waitForURL(/\/mesh(\?.*)?$/);
  await page.getByTestId('mesh-filters').waitFor(LOAD);
  assert.deepEqual(errors, []);
});

test('certificates: the expiring demo certificate first, with its days left and sources', async () => {
  const { page, errors } = session;
  await page.goto(`${APP_URL}/mesh`);
  await page.getByTestId('table-certificates').waitFor(LOAD);

  const all = await rows(page, 'certificates');
  const shared = all.findIndex(r =>
    r.includes('istio-ingress/istio-gateway-cert'),
  );
  const store = all.findIndex(r => r.includes('storefront/public-gw-cert'));
  assert.ok(shared >= 0 && store >= 0, JSON.stringify(all));
  // most urgent first
  assert.ok(shared < store, JSON.stringify(all));
  // the hosts it serves, as routed on the shared gateway
  assert.match(all[shared], /checkout\.shop\.example\.com/);
  assert.match(all[shared], /1[0-2] days left/);
  assert.match(all[shared], /expiring/);
  assert.match(all[shared], /ExternalSecret istio-gateway-cert synced/);
  assert.match(all[store], /(6\d|[7-8]\d|90) days left/);

  // the entities it serves link to their pages
  const checkout = page
    .getByTestId('table-certificates')
    .getByRole('link', { name: 'checkout', exact: true })
    .first();
  assert.equal(
    await checkout.getAttribute('href'),
    '/catalog/default/component/checkout',
  );
  await screenshot(page, 'mesh-page-certificates');
  assert.deepEqual(errors, []);
});

test('public hosts: every demo host with the route claiming it and its owner', async () => {
  const { page, errors } = session;
  await openTab(page, 'Public hosts');
  await page.getByTestId('table-hosts').waitFor(LOAD);

  const checkout = await hostRow(page, 'checkout.shop.example.com');
  assert.match(checkout, /istio-ingress\/public-gateway/);
  assert.match(checkout, /shop\/checkout VirtualService/);
  assert.match(checkout, /owner guests/);
  const store = await hostRow(page, 'shop.store.example.com');
  assert.match(store, /Gateway API/);
  assert.match(store, /storefront\/storefront HTTPRoute/);
  assert.match(store, /owner guests/);

  // the gateways' wildcards: wildcard listeners over the hosts routed
  // under them, not hosts served unrouted, and no conflict with them
  const wildcard = await hostRow(page, '*.shop.example.com');
  assert.match(
    wildcard,
    /wildcard listener · covers \d+ routed hosts?: .*checkout\.shop\.example\.com/,
  );
  assert.match(wildcard, /no route of its own: routes claim hosts under it/);
  assert.doesNotMatch(wildcard, /unrouted|conflict/);
  assert.match(
    await hostRow(page, '*.store.example.com'),
    /wildcard listener · covers 1 routed host: shop\.store\.example\.com/,
  );

  const owner = page
    .getByTestId('table-hosts')
    .getByRole('link', { name: 'guests', exact: true })
    .first();
  assert.equal(
    await owner.getAttribute('href'),
    '/catalog/default/group/guests',
  );
  await screenshot(page, 'mesh-page-hosts');
  assert.deepEqual(errors, []);
});

test('data plane: the shop namespace, a namespace without proxies, and the proxies per revision', async () => {
  const { page, errors } = session;
  await openTab(page, 'Data plane');
  await page.getByTestId('table-namespaces').waitFor(LOAD);

  // three pods with a sidecar, one created before injection without
  assert.match(
    await rowWith(page, 'namespaces', 'shop '),
    /shop sidecar 3 in the mesh · 1 outside STRICT/,
  );
  assert.match(
    await rowWith(page, 'namespaces', 'team-payments'),
    /team-payments not in the mesh 0 in the mesh · 2 outside/,
  );
  assert.match(await rowWith(page, 'namespaces', 'ledger'), /ledger ambient/);
  assert.match(
    await rowWith(page, 'namespaces', 'storefront'),
    /storefront sidecar/,
  );

  const readiness = await page.getByTestId('upgrade-readiness').allInnerTexts();
  assert.ok(
    readiness.some(r => /revision default \(istiod 1\.30\.3\)/.test(r)),
    JSON.stringify(readiness),
  );
  assert.match(await rowWith(page, 'proxy-versions', '1.30.3'), /shop: 3 pods/);
  await screenshot(page, 'mesh-page-data-plane');
  assert.deepEqual(errors, []);
});

test('findings: grouped by code, with owners', async () => {
  const { page, errors } = session;
  await openTab(page, 'Findings');
  const summaries = page.getByTestId('finding-group-summary');
  await summaries.first().waitFor(LOAD);
  const texts = (await summaries.allInnerTexts()).map(t =>
    t.replace(/\s+/g, ' '),
  );
  // the shop pod created before injection: IST0103, owned by guests
  const missing = texts.find(t => t.includes('IST0103'));
  assert.ok(missing, JSON.stringify(texts));
  assert.match(missing, /sidecar-missing \d+ findings? owners? .*guests/);
  // the ambient namespace's pod that istio-cni has not captured
  assert.ok(
    texts.some(t => t.includes('ambient-pod-not-captured')),
    JSON.stringify(texts),
  );
  // one group per code
  const codes = texts.map(t => t.split(' ')[1]);
  assert.equal(new Set(codes).size, codes.length, JSON.stringify(texts));

  const group = page.getByTestId('finding-group-IST0103');
  if ((await group.getByRole('button', { expanded: false }).count()) > 0) {
    // on the code: a click on an owner opens the owner's page
    await group.getByRole('heading', { name: /IST0103/ }).click();
  }
  await group
    .getByText('kubectl rollout restart deployment/checkout-v2 -n shop')
    .waitFor(LOAD);
  // once the group has opened
  await group.locator('.MuiCollapse-entered').waitFor(LOAD);
  await screenshot(page, 'mesh-page-findings');
  assert.deepEqual(errors, []);
});

test('filters narrow every section, from the address too', async () => {
  const { page, errors } = session;
  await page.goto(`${APP_URL}/mesh?tab=hosts&namespace=shop`);
  await page.getByTestId('table-hosts').waitFor(LOAD);
  const hosts = await rows(page, 'hosts');
  assert.ok(hosts.length > 0);
  assert.ok(
    hosts.every(r => r.includes('shop/')),
    `only hosts routed from shop: ${JSON.stringify(hosts)}`,
  );
  assert.ok(!hosts.some(r => r.includes('shop.store.example.com')));

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.waitForFunction(
    () =>
      [
        ...document.querySelectorAll('[data-testid="table-hosts"] tbody tr'),
      ].some(tr => tr.textContent.includes('shop.store.example.com')),
    undefined,
    LOAD,
  );
  await screenshot(page, 'mesh-page-filters-cleared');
  assert.deepEqual(errors, []);
});

test('notifications: the sidebar leads to them, and the owner has the certificate notice', async () => {
  const { page, errors } = session;
  await page.goto(APP_URL);
  const item = page.getByRole('link', { name: /^Notifications/ });
  await item.waitFor(LOAD);
  await item.click();
  await page.waitForURL(/\/notifications(\?.*)?$/);
  await page
    .getByText(/notifications \(\d+\)/i)
    .first()
    .waitFor(LOAD);
  // the hourly task's first run is a minute after the backend started:
  // reload until its notice to the certificate's owners (guests) is there
  const notice =
    /Certificate istio-ingress\/istio-gateway-cert on cluster \S+ expires in 1[0-2] days/;
  const deadline = Date.now() + 150_000;
  for (;;) {
    const text = await page.locator('body').innerText();
    if (notice.test(text)) break;
    assert.ok(
      Date.now() < deadline,
      `no certificate notice on the notifications page: ${text.slice(0, 500)}`,
    );
    await page.waitForTimeout(5000);
    await page.reload();
    await page
      .getByText(/notifications \(\d+\)/i)
      .first()
      .waitFor(LOAD);
  }
  await screenshot(page, 'mesh-page-notifications');
  assert.deepEqual(errors, []);
});
