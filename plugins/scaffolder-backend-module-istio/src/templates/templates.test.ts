import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { ConfigReader } from '@backstage/config';
import { WritePolicy } from '@meshdeck/plugin-istio-node';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { scaffolderModuleIstio } from '../module';
import { meshTemplates, TEMPLATES_DIR } from '../__testUtils__/meshTemplates';

/**
 * The software templates in `templates/`: valid Template entities whose
 * steps call actions that exist, with inputs those actions declare.
 */
describe('templates/', () => {
  const templates = meshTemplates();

  it('holds the four mesh templates', () => {
    expect(templates.map(t => t.template.metadata.name).sort()).toEqual([
      'mesh-allow-callers',
      'mesh-canary-release',
      'mesh-expose-https',
      'mesh-onboard-component',
    ]);
  });

  it.each(templates.map(t => [t.name, t.template]))(
    '%s is a valid Template (scaffolder.backstage.io/v1beta3)',
    async (_name, template) => {
      await expect(
        templateEntityV1beta3Validator.check(template),
      ).resolves.toBe(true);
    },
  );

  it.each(templates.map(t => [t.name, t.template]))(
    '%s offers both delivery modes, the pull request guarded by if:',
    (_name, template) => {
      const delivery = template.spec.parameters.find(
        (p: any) => p.properties?.delivery,
      );
      expect(delivery.properties.delivery.enum).toEqual([
        'apply',
        'pull-request',
      ]);
      const pr = template.spec.steps.find(
        (s: any) => s.action === 'publish:github:pull-request',
      );
      expect(pr.if).toBe("${{ parameters.delivery == 'pull-request' }}");
      const modes = template.spec.steps
        .filter((step: any) => step.action.startsWith('istio:'))
        .map((step: any) => step.input.mode)
        .filter(Boolean);
      expect(modes.length).toBeGreaterThan(0);
      expect(new Set(modes)).toEqual(
        new Set([
          "${{ 'render' if parameters.delivery == 'pull-request' else 'apply' }}",
        ]),
      );
    },
  );

  it('every step calls a registered action with inputs it declares', async () => {
    const { server } = await startTestBackend({
      features: [
        import('@backstage/plugin-scaffolder-backend'),
        import('@backstage/plugin-scaffolder-backend-module-github'),
        scaffolderModuleIstio,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { kubernetes: { clusterLocatorMethods: [] } },
        }),
      ],
    });
    const res = await request(server)
      .get('/api/scaffolder/v2/actions')
      .set('authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const actions = new Map<string, any>(
      res.body.map((a: any) => [a.id, a.schema?.input]),
    );
    const problems: string[] = [];
    for (const { name, template } of templates) {
      for (const step of template.spec.steps) {
        if (!actions.has(step.action)) {
          problems.push(`${name}/${step.id}: no action ${step.action}`);
          continue;
        }
        const declared = Object.keys(
          actions.get(step.action)?.properties ?? {},
        );
        for (const key of Object.keys(step.input ?? {})) {
          if (!declared.includes(key)) {
            problems.push(
              `${name}/${step.id}: ${step.action} has no input "${key}"`,
            );
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("the README's default app-config.yaml lets the expose template create its dedicated Gateway and bind to it", () => {
    const appConfig = yaml.parse(
      fs.readFileSync(
        path.join(TEMPLATES_DIR, '..', 'app-config.yaml'),
        'utf8',
      ),
    );
    const policy = WritePolicy.fromConfig(new ConfigReader(appConfig));
    const expose = templates.find(t => t.name === 'expose-https')!.template;
    const gatewayStep = expose.spec.steps.find(
      (s: any) => s.action === 'istio:gateway:create',
    );
    // the namespace the template writes the dedicated Gateway into
    expect(gatewayStep.input.namespace).toBe('istio-ingress');
    const ref = `${gatewayStep.input.namespace}/shop-gateway`;
    expect(() =>
      policy.assertAllowed({ createsGateways: [ref], gateways: [ref] }),
    ).not.toThrow();
    // … without the ingress namespace becoming a team namespace
    expect(policy.allowsNamespace('istio-ingress')).toBe(false);
    // and routes of a team namespace reach only that namespace
    expect(policy.destinationPolicy().allowed).toEqual([]);
  });
});
