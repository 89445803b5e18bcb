// A newcomer's first page: the demo component's overview with the Service mesh
// card first (app-config.yaml lists it first in app.extensions), showing the
// seeded mesh rather than the relation cards of an empty catalog.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_URL, screenshot, signedInSession } from './browser.mjs';

const session = signedInSession();

// Backstage's own cards (About, the relation cards) are Backstage UI cards,
// Meshdeck's is a Material UI InfoCard
const CARDS = '.bui-Card, .MuiCard-root';

/** Title, left and top of every card on the page, in document order. */
function cardBoxes(page) {
  return page.locator(CARDS).evaluateAll(els =>
    els.map(el => {
      const box = el.getBoundingClientRect();
      const heading = el.querySelector(
        '.MuiCardHeader-title, .bui-CardHeader h3',
      );
      return {
        title: (heading?.textContent ?? '').trim(),
        left: Math.round(box.left),
        top: Math.round(box.top),
      };
    }),
  );
}

test('the Service mesh card comes first on the component overview, with data', async () => {
  const { page, errors } = session;
  await page.goto(`${APP_URL}/catalog/default/component/checkout`);
  const card = page.locator('.MuiCard-root', { hasText: 'Service mesh' });
  await card.getByTestId('mesh-verdict').waitFor({ timeout: 60_000 });
  // the seeded mesh, not an empty or failed answer
  assert.equal(await card.getByTestId('mesh-verdict').innerText(), 'Warning');
  // the relation cards render once their catalog queries are answered
  await page
    .locator(CARDS, { hasText: 'Has subcomponents' })
    .waitFor({ timeout: 60_000 });

  const boxes = await cardBoxes(page);
  const mesh = boxes.find(b => b.title === 'Service mesh');
  assert.ok(mesh, `no Service mesh card among ${JSON.stringify(boxes)}`);
  // the main column: the cards that start where the mesh card starts
  const column = boxes
    .filter(b => Math.abs(b.left - mesh.left) < 5)
    .sort((a, b) => a.top - b.top);
  assert.ok(
    column.length > 1,
    `the mesh card shares its column with no other card: ${JSON.stringify(
      boxes,
    )}`,
  );
  assert.equal(column[0], mesh, JSON.stringify(column));
  // and it is at the top of the page's content, level with the About card
  const about = boxes.find(b => b.title === 'About');
  assert.ok(about, `no About card among ${JSON.stringify(boxes)}`);
  assert.ok(mesh.left < about.left, 'the mesh card is in the main column');
  assert.ok(
    Math.abs(mesh.top - about.top) < 5,
    `mesh card at ${mesh.top}, About card at ${about.top}`,
  );

  await screenshot(page, 'component-overview');
  assert.deepEqual(errors, []);
});
