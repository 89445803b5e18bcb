// The start command brings up Backstage with Meshdeck: the catalog renders
// with the demo component. (The mesh card and tab: mesh.e2e.mjs.)
import { after, before, test } from 'node:test';
import { launch, screenshot, signInAsGuest } from './browser.mjs';

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
