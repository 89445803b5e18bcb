// The journey of the onboarding template: a service owner picks their
// component in Create, fills the form, and the component's mesh card then
// shows the new host and mTLS STRICT. Needs the demo seed (team-payments is
// not in the mesh until this runs) and KUBECONFIG for the cluster checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  APP_URL,
  artifactPath,
  screenshot,
  signedInSession,
} from './browser.mjs';

const HOST = 'payments.shop.example.com';

const session = signedInSession();

test('onboard payments through the template, then see it in the mesh', async () => {
  const { page, errors } = session;
  await page.goto(`${APP_URL}/create/templates/default/mesh-onboard-component`);

  // 1. the component, from the catalog; the only cluster is picked for us
  const component = page.getByRole('textbox', { name: 'Component' });
  await component.waitFor({ timeout: 60_000 });
  await component.click();
  await component.fill('payments');
  await page.getByRole('option', { name: /payments/ }).click();
  await page.getByTestId('mesh-cluster-picker').waitFor();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="mesh-cluster-picker"]')?.value,
  );
  await screenshot(page, 'onboarding-form-component');
  await page.getByRole('button', { name: 'Next' }).click();

  // 2. the host, checked live against the shared gateway
  const host = page.getByTestId('mesh-host-field');
  await host.waitFor();
  await host.fill(HOST);
  await page
    .getByText(`✓ ${HOST} can go on istio-ingress/public-gateway`, {
      exact: false,
    })
    .waitFor({ timeout: 30_000 });
  await screenshot(page, 'onboarding-form-host');
  await page.getByRole('button', { name: 'Next' }).click();

  // 3. apply (the default), review, create
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByText('Restart to get sidecars').waitFor({ timeout: 120_000 });
  await page.getByRole('link', { name: 'Open the component' }).waitFor();
  await screenshot(page, 'onboarding-task-finished');

  // the objects are in the cluster
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  const ns = await kc
    .makeApiClient(k8s.CoreV1Api)
    .readNamespace({ name: 'team-payments' });
  assert.equal(ns.metadata.labels['istio-injection'], 'enabled');
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const vs = await custom.getNamespacedCustomObject({
    group: 'networking.istio.io',
    version: 'v1',
    namespace: 'team-payments',
    plural: 'virtualservices',
    name: 'payments',
  });
  assert.deepEqual(vs.spec.hosts, [HOST]);
  assert.deepEqual(vs.spec.gateways, ['istio-ingress/public-gateway']);
  const pa = await custom.getNamespacedCustomObject({
    group: 'security.istio.io',
    version: 'v1',
    namespace: 'team-payments',
    plural: 'peerauthentications',
    name: 'default',
  });
  assert.equal(pa.spec.mtls.mode, 'STRICT');

  // the card shows the new host and mTLS STRICT (once its cache expires)
  await page.getByRole('link', { name: 'Open the component' }).click();
  const card = page.locator('.MuiCard-root', { hasText: 'Service mesh' });
  const deadline = Date.now() + 120_000;
  for (;;) {
    await card.getByTestId('mesh-verdict').waitFor({ timeout: 60_000 });
    const certificates = await card
      .getByTestId('mesh-certificate')
      .allInnerTexts();
    if (certificates.some(c => c.startsWith(HOST))) {
      break;
    }
    assert.ok(Date.now() < deadline, `the card never showed ${HOST}`);
    await page.waitForTimeout(5_000);
    await page.reload();
  }
  assert.equal(await card.getByTestId('mesh-mtls').innerText(), 'STRICT');
  assert.match(
    await card.getByTestId('mesh-sidecar-problem').innerText(),
    /^2 pods have no sidecar: created before injection was enabled$/,
  );
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: await artifactPath('onboarding-card') });
  assert.deepEqual(errors, []);
});
