import { ConfigReader } from '@backstage/config';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import {
  authorizationPolicyInputSchema,
  destinationRuleInputSchema,
  formatInputIssues,
  gatewayInputSchema,
  httpRouteInputSchema,
  k8sGatewayInputSchema,
  namespaceInputSchema,
  virtualServiceInputSchema,
} from '@meshdeck/plugin-istio-common';
import yaml from 'yaml';
import { WritePolicy } from '@meshdeck/plugin-istio-node';
import { createAuthorizationPolicyAction } from './authorizationPolicyCreate';
import { createDestinationRuleAction } from './destinationRuleCreate';
import { createGatewayAction } from './gatewayCreate';
import { createHttpRouteAction } from './httpRouteCreate';
import { createK8sGatewayAction } from './k8sGatewayCreate';
import { createNamespaceAction } from './namespaceCreate';
import { createVirtualServiceAction } from './virtualServiceCreate';

const deps = {
  clusters: ClusterRegistry.fromConfig(new ConfigReader({})),
  policy: WritePolicy.fromConfig(new ConfigReader({})),
};

describe.each([
  [
    createNamespaceAction(deps),
    namespaceInputSchema,
    ['name', 'injection', 'mtls'],
  ],
  [
    createGatewayAction(deps),
    gatewayInputSchema,
    ['hosts', 'credentialName', 'httpsRedirect'],
  ],
  [
    createVirtualServiceAction(deps),
    virtualServiceInputSchema,
    ['hosts', 'gateways', 'routes'],
  ],
  [
    createDestinationRuleAction(deps),
    destinationRuleInputSchema,
    ['host', 'subsets'],
  ],
  [
    createAuthorizationPolicyAction(deps),
    authorizationPolicyInputSchema,
    ['allow', 'defaultDeny'],
  ],
  [
    createK8sGatewayAction(deps),
    k8sGatewayInputSchema,
    ['name', 'namespace', 'listeners'],
  ],
  [
    createHttpRouteAction(deps),
    httpRouteInputSchema,
    ['name', 'namespace', 'hostnames', 'parentRefs', 'rules'],
  ],
])('%s', (action, schema, fields) => {
  it('publishes its input as JSON Schema for the actions page', () => {
    const properties = Object.keys(
      (action.schema?.input as any)?.properties ?? {},
    );
    expect(properties).toEqual(
      expect.arrayContaining([
        'cluster',
        'mode',
        'renderPath',
        'force',
        ...fields,
      ]),
    );
  });

  it('has examples whose steps are valid input', () => {
    expect(action.examples?.length).toBeGreaterThan(0);
    for (const example of action.examples ?? []) {
      for (const step of yaml.parse(example.example).steps) {
        expect(step.action).toBe(action.id);
        const result = schema.safeParse(step.input);
        expect(result.success ? [] : formatInputIssues(result.error)).toEqual(
          [],
        );
      }
    }
  });
});
