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

/** The JSON schemas an input value may follow (through anyOf/allOf/oneOf). */
function alternatives(schema: any): any[] {
  if (!schema || typeof schema !== 'object') {
    return [];
  }
  const nested = [
    ...(schema.anyOf ?? []),
    ...(schema.allOf ?? []),
    ...(schema.oneOf ?? []),
  ];
  return [schema, ...nested.flatMap(alternatives)];
}

/**
 * The keys of a step's input (as `a.b[].c`) that the action's input schema
 * does not declare. Objects without declared properties (label maps) and
 * template expressions are not looked into.
 */
function undeclaredKeys(schema: any, value: unknown, at = ''): string[] {
  const schemas = alternatives(schema);
  if (Array.isArray(value)) {
    const items = schemas.flatMap(x => (x.items ? [x.items] : []));
    return items.length === 0
      ? []
      : value.flatMap(v => undeclaredKeys({ anyOf: items }, v, `${at}[]`));
  }
  if (!value || typeof value !== 'object') {
    return [];
  }
  const declared = schemas.filter(x => x.properties);
  if (declared.length === 0) {
    return [];
  }
  return Object.entries(value).flatMap(([key, v]) => {
    const keyAt = at ? `${at}.${key}` : key;
    const property = declared.flatMap(x =>
      x.properties[key] ? [x.properties[key]] : [],
    );
    return property.length === 0
      ? [keyAt]
      : undeclaredKeys({ anyOf: property }, v, keyAt);
  });
}

/** The templates whose steps write a route, and so ask for the route API. */
const ROUTE_TEMPLATES = ['onboard-component', 'expose-https', 'canary-release'];

/** Which route API each route-writing action belongs to. */
const ACTION_API: Record<string, 'istio' | 'gateway-api'> = {
  'istio:virtualservice:create': 'istio',
  'istio:gateway:create': 'istio',
  'istio:gatewayapi:httproute:create': 'gateway-api',
  'istio:gatewayapi:gateway:create': 'gateway-api',
};

/** Every property of a template's form, also those behind dependencies. */
function formProperties(template: any): Array<[string, any]> {
  const of = (schema: any): Array<[string, any]> => [
    ...Object.entries<any>(schema?.properties ?? {}),
    ...Object.values<any>(schema?.dependencies ?? {}).flatMap((d: any) =>
      [...(d.oneOf ?? []), ...(d.anyOf ?? [])].flatMap(of),
    ),
  ];
  return template.spec.parameters.flatMap(of);
}

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
        // every key, also inside lists and objects (parentRefs[].name …)
        for (const key of undeclaredKeys(
          actions.get(step.action),
          step.input ?? {},
        )) {
          problems.push(
            `${name}/${step.id}: ${step.action} has no input "${key}"`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
    // the check looks into lists and objects
    expect(
      undeclaredKeys(actions.get('istio:gatewayapi:httproute:create'), {
        parentRefs: [{ name: 'public', sectionNam: 'https' }],
        rules: [{ backendRefs: [{ name: 'web', port: 80, wieght: 1 }] }],
      }),
    ).toEqual(['parentRefs[].sectionNam', 'rules[].backendRefs[].wieght']);
  });

  it.each(ROUTE_TEMPLATES)(
    '%s asks which route API to use and writes the route of that API only',
    name => {
      const template = templates.find(t => t.name === name)!.template;
      const page = template.spec.parameters.find(
        (p: any) => p.properties?.routeApi,
      );
      expect(page.properties.routeApi).toMatchObject({
        type: 'string',
        enum: ['istio', 'gateway-api'],
        'ui:field': 'MeshRouteApiPicker',
      });
      // no default in the template: the field starts with the platform's
      expect(page.properties.routeApi.default).toBeUndefined();
      expect(page.required).toContain('routeApi');

      // the gateway picker and the host field follow the choice
      const fields = formProperties(template);
      const followers = fields.filter(([, p]) =>
        ['MeshGatewayPicker', 'MeshHostField'].includes(p['ui:field']),
      );
      expect(followers.length).toBeGreaterThanOrEqual(2);
      for (const [key, property] of followers) {
        expect([key, property['ui:options']?.routeApiField]).toEqual([
          key,
          'routeApi',
        ]);
      }

      // each route-writing step runs for its API only
      const guarded = template.spec.steps
        .filter((step: any) => ACTION_API[step.action])
        .map((step: any) => [
          step.action,
          (step.if ?? '').includes(
            `parameters.routeApi == '${ACTION_API[step.action]}'`,
          ),
        ]);
      expect(guarded.map(([action]: any) => ACTION_API[action])).toEqual(
        expect.arrayContaining(['istio', 'gateway-api']),
      );
      expect(guarded.filter(([, ok]: any) => !ok)).toEqual([]);
    },
  );

  it("the Istio API stays the default in the repository's app-config.yaml", () => {
    const appConfig = yaml.parse(
      fs.readFileSync(
        path.join(TEMPLATES_DIR, '..', 'app-config.yaml'),
        'utf8',
      ),
    );
    expect(appConfig.istio.scaffolder.routeApi).toBe('istio');
  });

  it('the canary template splits by subsets with Istio and by one Service per version with the Gateway API', () => {
    const canary = templates.find(t => t.name === 'canary-release')!.template;
    const byAction = (action: string) =>
      canary.spec.steps.filter((s: any) => s.action === action);
    expect(byAction('istio:destinationrule:create')[0].if).toBe(
      "${{ parameters.routeApi == 'istio' }}",
    );
    const [route] = byAction('istio:gatewayapi:httproute:create');
    expect(route.input.rules).toEqual([
      {
        backendRefs: [
          {
            name: "${{ parameters.stableService or (parameters.service ~ '-' ~ parameters.stable) }}",
            port: '${{ parameters.port }}',
            weight: '${{ 100 - parameters.canaryWeight }}',
          },
          {
            name: "${{ parameters.canaryService or (parameters.service ~ '-' ~ parameters.canary) }}",
            port: '${{ parameters.port }}',
            weight: '${{ parameters.canaryWeight }}',
          },
        ],
      },
    ]);
    // the Services per version are asked for with the Gateway API only
    const names = formProperties(canary).map(([key]) => key);
    expect(names).toEqual(
      expect.arrayContaining(['stableService', 'canaryService']),
    );
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
    const gatewaySteps = expose.spec.steps.filter((s: any) =>
      ['istio:gateway:create', 'istio:gatewayapi:gateway:create'].includes(
        s.action,
      ),
    );
    // an Istio Gateway or a Gateway API Gateway, as the route API says
    expect(gatewaySteps).toHaveLength(2);
    for (const gatewayStep of gatewaySteps) {
      // the namespace the template writes the dedicated Gateway into
      expect(gatewayStep.input.namespace).toBe('istio-ingress');
      const ref = `${gatewayStep.input.namespace}/shop-gateway`;
      expect(() =>
        policy.assertAllowed({ createsGateways: [ref], gateways: [ref] }),
      ).not.toThrow();
    }
    // … without the ingress namespace becoming a team namespace
    expect(policy.allowsNamespace('istio-ingress')).toBe(false);
    // and routes of a team namespace reach only that namespace
    expect(policy.destinationPolicy().allowed).toEqual([]);
  });
});
