// The demo component's mesh card and tab, against the running app + backend +
// the cluster seeded by `yarn demo:seed` (the e2e tier seeds it first).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  APP_URL,
  artifactPath,
  screenshot,
  signedInSession,
} from './browser.mjs';

const KIALI = process.env.MESHDECK_KIALI_URL ?? 'http://localhost:20001/kiali';
const JAEGER = process.env.MESHDECK_JAEGER_URL ?? 'http://localhost:16686';

const session = signedInSession();

test('the card shows verdict, sidecars, certificate days, topology and links', async () => {
  const { page, errors } = session;
  await page.goto(`${APP_URL}/catalog/default/component/checkout`);
  const card = page.locator('.MuiCard-root', { hasText: 'Service mesh' });
  await card.getByTestId('mesh-verdict').waitFor({ timeout: 60_000 });

  assert.equal(await card.getByTestId('mesh-verdict').innerText(), 'Warning');
  const sidecars = await card.getByTestId('mesh-sidecars').innerText();
  assert.match(sidecars, /^3\/4 pods/);
  assert.equal(
    await card.getByTestId('mesh-injection').innerText(),
    'sidecar injection',
  );
  assert.match(
    sidecars,
    /1 pod has no sidecar: created before injection was enabled/,
  );
  assert.equal(await card.getByTestId('mesh-mtls').innerText(), 'STRICT');
  assert.match(
    await card.getByTestId('mesh-certificate').innerText(),
    /^checkout\.shop\.example\.com — 1[0-2] days left · expiring$/,
  );

  const nodes = await card
    .getByTestId('topology-node')
    .evaluateAll(els =>
      els.map(el => el.querySelector('title')?.textContent ?? ''),
    );
  assert.deepEqual(nodes, [
    'host: checkout.shop.example.com',
    'gateway: istio-ingress/public-gateway',
    'virtual service: checkout',
    'service: checkout',
    'subset: v1',
    'subset: v2',
    'workload: checkout-v1 · 2 pods',
    'workload: checkout-v2 · 2 pods',
  ]);
  const weights = await card
    .locator('svg text')
    .evaluateAll(els => els.map(el => el.textContent));
  assert.ok(weights.includes('90%') && weights.includes('10%'));

  assert.equal(
    await card.getByTestId('link-kiali-graph').getAttribute('href'),
    `${KIALI}/console/graph/namespaces?namespaces=shop&graphType=versionedApp&duration=600&refresh=60000`,
  );
  assert.equal(
    await card.getByTestId('link-kiali-service').getAttribute('href'),
    `${KIALI}/console/namespaces/shop/services/checkout`,
  );
  assert.equal(
    await card.getByTestId('link-jaeger').getAttribute('href'),
    `${JAEGER}/search?service=checkout.shop&lookback=1h&limit=20`,
  );

  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'component-page');
  await card.screenshot({ path: await artifactPath('mesh-card') });
  assert.deepEqual(errors, []);
});

test('the Service mesh tab lists findings, pods, certificates and traffic', async () => {
  const { page, errors } = session;
  await page.getByText('Mesh details and findings').click();
  await page.waitForURL(/\/catalog\/default\/component\/checkout\/mesh$/);
  await page.getByText('Workloads and sidecars').waitFor({ timeout: 60_000 });
  await page
    .getByText('kubectl rollout restart deployment/checkout-v2 -n shop')
    .waitFor();
  await page.getByText('none: created before injection was enabled').waitFor();
  const sources = page.getByTestId('certificate-sources');
  assert.match(
    await sources.innerText(),
    /Secret istio-ingress\/istio-gateway-cert[\s\S]*ExternalSecret istio-gateway-cert[\s\S]*AWS Certificate Manager/,
  );
  // one heading over the certificates
  assert.equal(
    await page.getByText('Certificates', { exact: true }).count(),
    1,
  );
  await page.getByText('Traffic configuration').waitFor();
  await screenshot(page, 'mesh-tab');
  await page.screenshot({
    path: await artifactPath('mesh-tab-full'),
    fullPage: true,
  });
  assert.deepEqual(errors, []);
});
