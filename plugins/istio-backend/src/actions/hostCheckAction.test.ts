import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { HostCheck } from '@meshdeck/plugin-istio-common';
import { fakeRegistry } from '../service/MeshReads.fake';
import { MeshOverviewService } from '../service/MeshOverviewService';
import { MeshQueries } from '../service/MeshQueries';
import { StatusService } from '../service/StatusService';
import {
  HostCheckRequest,
  TemplateFieldService,
} from '../service/TemplateFieldService';
import { registerMeshActions } from './registerMeshActions';

/** What the rule book answers, with fields the output schema does not list. */
const answer = (request: HostCheckRequest): HostCheck => ({
  host: request.host,
  gateway: request.gateway,
  api: request.api ?? 'istio',
  ok: false,
  problems: [
    'checkout.shop.example is already routed on istio-ingress/public by VirtualService team-b/checkout (IST0109)',
  ],
  notes: ['covered by certificate istio-ingress/shop-cert (*.shop.example)'],
  findings: [
    {
      id: 'host-conflict',
      severity: 'error',
      code: 'IST0109',
      object: 'team-b/VirtualService/checkout',
      message: 'conflict',
    },
  ],
});

function setUp() {
  const checkHost = jest.fn(async (request: HostCheckRequest) =>
    answer(request),
  );
  const queries = new MeshQueries({
    auth: mockServices.auth(),
    permissions: mockServices.permissions.mock(),
    catalog: catalogServiceMock(),
    clusters: fakeRegistry('east'),
    status: {} as StatusService,
    templateFields: { checkHost } as unknown as TemplateFieldService,
    overview: {} as MeshOverviewService,
  });
  const actionsRegistry = actionsRegistryServiceMock();
  registerMeshActions({ actionsRegistry, queries });
  const invoke = (
    input: object,
    credentials: BackstageCredentials = mockCredentials.user(
      'user:default/alice',
    ),
  ) =>
    actionsRegistry.invoke({
      id: 'test:check-gateway-host',
      input: input as any,
      credentials,
    });
  return { actionsRegistry, checkHost, invoke };
}

const input = {
  cluster: 'east',
  gateway: 'istio-ingress/public',
  host: 'checkout.shop.example',
  namespace: 'team-a',
};

describe('the check-gateway-host action', () => {
  it('is registered read-only and idempotent, with the route APIs to choose from', async () => {
    const { actionsRegistry } = setUp();
    const { actions } = await actionsRegistry.list();
    expect(actions.find(a => a.name === 'check-gateway-host')).toMatchObject({
      attributes: { readOnly: true, idempotent: true, destructive: false },
      schema: {
        input: {
          properties: {
            api: { type: 'string', enum: ['istio', 'gateway-api'] },
          },
          required: ['cluster', 'gateway', 'host'],
        },
      },
    });
  });

  it("answers the rule book's check for a user, nothing stripped", async () => {
    const { invoke, checkHost } = setUp();
    const { output } = await invoke(input);
    expect(checkHost).toHaveBeenCalledWith(input);
    expect(output).toEqual(answer(input));
  });

  it('refuses service credentials, as the route does', async () => {
    const { invoke, checkHost } = setUp();
    await expect(
      invoke(input, mockCredentials.service('plugin:catalog')),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: "This endpoint does not allow 'service' credentials",
    });
    expect(checkHost).not.toHaveBeenCalled();
  });

  it("validates with the route's rules: a Gateway API check needs the namespace", async () => {
    const { invoke, checkHost } = setUp();
    await expect(
      invoke({ ...input, namespace: undefined, api: 'gateway-api' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^namespace is required with api=gateway-api/,
      ),
    });
    await expect(invoke({ ...input, gateway: 'public' })).rejects.toMatchObject(
      {
        name: 'InputError',
        message: 'gateway must be namespace/name',
      },
    );
    await expect(invoke({ ...input, cluster: 'nope' })).rejects.toMatchObject({
      name: 'NotFoundError',
      message: "Cluster 'nope' is not configured (known: east)",
    });
    expect(checkHost).not.toHaveBeenCalled();
  });
});
