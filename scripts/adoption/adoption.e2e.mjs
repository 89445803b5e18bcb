// The adoption tier's browser check (run by adoption-test.sh, not by the
// end-to-end tier): a fresh app made by @backstage/create-app with the packed
// Meshdeck packages, built and started against the test cluster seeded by
// `yarn demo:seed`: the mesh card and tab of a component, a template's
// Meshdeck form fields, the Service mesh page from the sidebar.
// MESHDECK_APP_URL is that app; MESHDECK_ADOPTION_FLAVOR
// (default | legacy) names it in the screenshots
// (e2e-artifacts/adoption/<flavor>-*.png).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { APP_URL, launch, signInAsGuest } from '../../e2e/browser.mjs';

const FLAVOR = process.env.MESHDECK_ADOPTION_FLAVOR ?? 'default';
const ARTIFACTS = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'e2e-artifacts',
  'adoption',
);
const HOST = 'adoption.shop.example.com';

async function shot(target, name) {
  await fs.promises.mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${FLAVOR}-${name}.png`);
  await target.screenshot({ path: file });
  return file;
}

const session = {};
before(async () => {
  Object.assign(session, await launch());
  await signInAsGuest(session.page);
});
after(async () => {
  await session.browser?.close();
});
// what the page showed when a test failed
afterEach(async t => {
  if (session.page && t.passed === false) {
    await shot(session.page, `failed-${t.name.replace(/\W+/g, '-')}`);
  }
});

test(`${FLAVOR} app: the component page shows the Service mesh card with the cluster's data`, async () => {
  const { page, errors } = session;
  await page.goto(`${APP_URL}/catalog/default/component/checkout`);
  // Material UI class names carry a counter in the legacy app's build
  const card = page.locator('[class*="MuiCard-root"]', {
    hasText: 'Service mesh',
  });
  await card.getByTestId('mesh-verdict').waitFor({ timeout: 90_000 });
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'component-page');
  await shot(card, 'mesh-card');

  // the demo seed: a 90/10 canary, one pod created before injection
  assert.equal(await card.getByTestId('mesh-verdict').innerText(), 'Warning');
  assert.match(
    await card.getByTestId('mesh-sidecars').innerText(),
    /^3\/4 pods[\s\S]*1 pod has no sidecar: created before injection was enabled/,
  );
  assert.equal(await card.getByTestId('mesh-mtls').innerText(), 'STRICT');
  assert.match(
    await card.getByTestId('mesh-certificate').innerText(),
    /^checkout\.shop\.example\.com — \d+ days left/,
  );
  assert.equal(await card.getByTestId('topology-node').count(), 8);
  assert.deepEqual(errors, []);
});

test(`${FLAVOR} app: the card's link opens the Service mesh tab`, async () => {
  const { page, errors } = session;
  await page.getByText('Mesh details and findings').click();
  await page.waitForURL(/\/catalog\/default\/component\/checkout\/mesh$/);
  await page.getByText('Workloads and sidecars').waitFor({ timeout: 60_000 });
  await page
    .getByText('kubectl rollout restart deployment/checkout-v2 -n shop')
    .waitFor();
  await shot(page, 'mesh-tab');
  assert.deepEqual(errors, []);
});

test(`${FLAVOR} app: the template's Meshdeck form fields render and ask the backend`, async () => {
  const { page, errors } = session;
  await page.goto(`${APP_URL}/create/templates/default/mesh-expose-https`);

  // step 1: MeshClusterPicker picks the only cluster, MeshNamespacePicker
  // offers the namespaces istio.scaffolder.allowedNamespaces allows
  const cluster = page.getByTestId('mesh-cluster-picker');
  await cluster.waitFor({ state: 'attached', timeout: 90_000 });
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="mesh-cluster-picker"]')?.value ===
      'testbed',
    undefined,
    { timeout: 30_000 },
  );
  const namespace = page.getByRole('textbox', { name: 'Namespace' });
  await namespace.click();
  await page.getByRole('option', { name: 'shop', exact: true }).click();
  await page
    .getByRole('textbox', { name: 'Service', exact: true })
    .fill('checkout');
  await shot(page, 'template-step-service');
  await page.getByRole('button', { name: 'Next' }).click();

  // step 2: MeshRouteApiPicker (the platform default preselected),
  // MeshGatewayPicker (the shared gateway and its hosts), MeshHostField
  // (checked live against the cluster)
  const routeApi = page.getByTestId('mesh-route-api-picker');
  await routeApi.waitFor({ timeout: 30_000 });
  assert.equal(
    await routeApi.getByRole('radio', { checked: true }).getAttribute('value'),
    'istio',
  );
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="mesh-gateway-picker"]')?.value ===
      'istio-ingress/public-gateway',
    undefined,
    { timeout: 30_000 },
  );
  const gatewayHosts = page.getByText(
    'Serves *.shop.example.com with certificate secret istio-gateway-cert',
  );
  await gatewayHosts.waitFor({ timeout: 30_000 });
  const host = page.getByTestId('mesh-host-field');
  await host.fill(HOST);
  await page
    .getByText(`✓ ${HOST} can go on istio-ingress/public-gateway`, {
      exact: false,
    })
    .waitFor({ timeout: 30_000 });
  await gatewayHosts.scrollIntoViewIfNeeded();
  await shot(page, 'template-step-host');
  assert.deepEqual(errors, []);
});

test(`${FLAVOR} app: the sidebar leads to the Service mesh page`, async () => {
  const { page, errors } = session;
  await page.goto(APP_URL);
  const item = page.getByRole('link', { name: 'Service mesh' });
  await item.waitFor({ timeout: 60_000 });
  await item.click();
  await page.waitForURL(/\/mesh(\?.*)?$/);
  const certificates = page.getByTestId('table-certificates');
  await certificates.waitFor({ timeout: 60_000 });
  // the demo's shared gateway certificate, with the host it serves
  const shared = certificates.locator('tbody tr', {
    hasText: 'istio-ingress/istio-gateway-cert',
  });
  assert.match(await shared.innerText(), /checkout\.shop\.example\.com/);
  await shot(page, 'mesh-page');
  assert.deepEqual(errors, []);
});
