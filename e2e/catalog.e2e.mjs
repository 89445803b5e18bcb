// The start command brings up Backstage with Meshdeck: the catalog renders and
// the demo component's page shows the Meshdeck card with the configured cluster.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  APP_URL,
  artifactPath,
  launch,
  screenshot,
  signInAsGuest,
} from './browser.mjs';

let session;
before(async () => {
  session = await launch();
});
after(async () => {
  await session?.browser.close();
});

test('the catalog page lists the demo component', async () => {
  const { page } = session;
  await signInAsGuest(page);
  const row = page.getByRole('link', { name: 'checkout' });
  await row.waitFor({ timeout: 60_000 });
  await page.getByText('Checkout service of the demo shop').waitFor();
  await screenshot(page, 'catalog');
});

test('the component page shows the Meshdeck card with the cluster', async () => {
  const { page, errors } = session;
  await page.goto(`${APP_URL}/catalog/default/component/checkout`);
  const card = page.locator('.MuiCard-root', { hasText: 'Service mesh' });
  await card.waitFor({ timeout: 60_000 });
  const expected = process.env.MESHDECK_E2E_CLUSTER ?? 'testbed';
  await card.getByText(expected, { exact: true }).waitFor({ timeout: 30_000 });
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'component-page');
  await card.screenshot({ path: await artifactPath('mesh-card') });
  assert.deepEqual(errors, []);
});
