// Shared Playwright set-up for the end-to-end tier: Debian's Chromium, headless,
// with the flags that keep it off the network.
import { chromium } from 'playwright-core';
import { after, before } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';

export const APP_URL = process.env.MESHDECK_APP_URL ?? 'http://localhost:3000';
export const ARTIFACTS = path.resolve(
  import.meta.dirname,
  '..',
  'e2e-artifacts',
);

export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1280, height: 800 },
  });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  return { browser, page, errors };
}

/** Signs in with the guest provider, as a newcomer would. */
export async function signInAsGuest(page) {
  await page.goto(APP_URL);
  await page.getByRole('button', { name: 'Enter' }).click();
  // signed in once the app's sidebar shows
  await page.getByRole('link', { name: 'Create' }).waitFor({ timeout: 60_000 });
}

/** Where a screenshot named `name` goes (a git-ignored folder). */
export async function artifactPath(name) {
  await fs.promises.mkdir(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, `${name}.png`);
}

export async function screenshot(page, name) {
  const file = await artifactPath(name);
  await page.screenshot({ path: file });
  return file;
}

/**
 * A browser signed in as guest before the file's tests and closed after
 * them; the returned object gets `page` and `errors` once it is up.
 */
export function signedInSession() {
  const session = {};
  before(async () => {
    Object.assign(session, await launch());
    await signInAsGuest(session.page);
  });
  after(async () => {
    await session.browser?.close();
  });
  return session;
}
