import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  istioStatusReadPermission,
  meshStatusSchema,
} from '@meshdeck/plugin-istio-common';
import { memoryCache } from '../__testUtils__/memoryCache';
import {
  FakeMeshReads,
  fakePod,
  fakeRegistry,
  shopCluster,
} from '../service/MeshReads.fake';
import { MeshOverviewService } from '../service/MeshOverviewService';
import { MeshQueries } from '../service/MeshQueries';
import { StatusService } from '../service/StatusService';
import { TemplateFieldService } from '../service/TemplateFieldService';
import { registerMeshActions } from './registerMeshActions';

const checkout = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const alice = mockCredentials.user('user:default/alice');

/** The shop with a pod that has no sidecar, plus a cluster that is down. */
function clusters() {
  const east = shopCluster();
  const old = fakePod('checkout-old');
  east.pods!.push({
    ...old,
    spec: { containers: [{ name: 'app', image: 'shop/checkout:1' }] },
    status: {
      ...old.status,
      containerStatuses: old.status!.containerStatuses!.slice(0, 1),
    },
  });
  return { east };
}

function setUp(decision: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const reads = new FakeMeshReads(clusters());
  const status = new StatusService({
    clusters: fakeRegistry('east', 'west'),
    timeoutMs: 10_000,
    logger: mockServices.logger.mock(),
    cache: memoryCache(),
    reads,
  });
  // the catalog shows the caller the entity; `decision` is the plugin's own
  const permissions = mockServices.permissions.mock({
    authorize: jest.fn(async requests =>
      requests.map(r => ({
        result:
          r.permission.name === catalogEntityReadPermission.name
            ? AuthorizeResult.ALLOW
            : decision,
      })),
    ),
  });
  const queries = new MeshQueries({
    auth: mockServices.auth(),
    permissions,
    catalog: catalogServiceMock({ entities: [checkout] }),
    clusters: fakeRegistry('east', 'west'),
    status,
    templateFields: {} as TemplateFieldService,
    overview: {} as MeshOverviewService,
  });
  const actionsRegistry = actionsRegistryServiceMock();
  registerMeshActions({ actionsRegistry, queries });
  const invoke = (input: object, credentials: BackstageCredentials = alice) =>
    actionsRegistry.invoke({
      id: 'test:get-mesh-status',
      input: input as any,
      credentials,
    });
  return { actionsRegistry, invoke, permissions, reads, status };
}

const withoutCacheFields = ({ cache, generatedAt, ...rest }: any) => rest;

describe('the get-mesh-status action', () => {
  it('is registered read-only and idempotent, taking an entity ref', async () => {
    const { actionsRegistry } = setUp(AuthorizeResult.ALLOW);
    const { actions } = await actionsRegistry.list();
    const action = actions.find(a => a.name === 'get-mesh-status');
    expect(action).toMatchObject({
      title: 'Get the Istio mesh status of a catalog entity',
      attributes: { readOnly: true, idempotent: true, destructive: false },
      schema: {
        input: {
          type: 'object',
          properties: { entityRef: { type: 'string' } },
          required: ['entityRef'],
        },
        output: {
          type: 'object',
          properties: {
            verdict: {
              type: 'string',
              enum: ['healthy', 'warning', 'critical', 'unknown'],
            },
          },
        },
      },
    });
    expect(action!.description).toContain('istio.status.read');
  });

  it("answers the entity's status with the caller's credentials, nothing stripped", async () => {
    const { invoke, permissions, status } = setUp(AuthorizeResult.ALLOW);
    const { output } = await invoke({
      entityRef: 'component:default/checkout',
    });

    // whether alice may see the entity, and read its status: one request
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: catalogEntityReadPermission,
          resourceRef: 'component:default/checkout',
        },
        {
          permission: istioStatusReadPermission,
          resourceRef: 'component:default/checkout',
        },
      ],
      { credentials: alice },
    );
    // the same answer as the status service's (which the route sends), a
    // valid status, with findings, certificates and a cluster error
    expect(withoutCacheFields(output)).toEqual(
      withoutCacheFields(await status.statusFor(checkout)),
    );
    expect(meshStatusSchema.parse(output)).toEqual(output);
    const [east, west] = (output as any).clusters;
    expect(east.findings.length).toBeGreaterThan(0);
    expect(east.certificates).toEqual([
      expect.objectContaining({
        secret: { namespace: 'istio-ingress', name: 'shop-cert' },
        certificate: expect.objectContaining({ daysLeft: 90 }),
      }),
    ]);
    expect(east.workloads[0].pods[0].sidecar.injected).toBe(true);
    expect(west.errors).toEqual([
      expect.objectContaining({ kind: 'unreachable' }),
    ]);
  });

  it('is refused without istio.status.read, before any cluster is read', async () => {
    const { invoke, reads } = setUp(AuthorizeResult.DENY);
    await expect(
      invoke({ entityRef: 'component:default/checkout' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'Not allowed to read the mesh status of component:default/checkout',
    });
    expect(reads.calls).toEqual([]);
  });

  it('does not know an entity the catalog does not show the caller', async () => {
    const { invoke } = setUp(AuthorizeResult.ALLOW);
    await expect(
      invoke({ entityRef: 'component:default/secret-project' }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No entity component:default/secret-project',
    });
  });

  it('refuses input that is not an entity ref, and anonymous callers', async () => {
    const { invoke } = setUp(AuthorizeResult.ALLOW);
    await expect(invoke({})).rejects.toMatchObject({ name: 'InputError' });
    await expect(
      invoke({ entityRef: 'component:default/' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^entityRef is not an entity reference/),
    });
    await expect(
      invoke(
        { entityRef: 'component:default/checkout' },
        mockCredentials.none(),
      ),
    ).rejects.toMatchObject({ name: 'AuthenticationError' });
  });
});
