import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  buildGateway,
  DEFAULT_ISTIO_API_VERSIONS,
  istioMeshReadPermission,
} from '@meshdeck/plugin-istio-common';
import { KubernetesObject } from '@meshdeck/plugin-istio-node';
import { ClusterGenerations } from '../service/ClusterGenerations';
import { MeshOverviewService } from '../service/MeshOverviewService';
import {
  FakeMeshReads,
  fakeRegistry,
  shopCluster,
} from '../service/MeshReads.fake';
import { MeshQueries } from '../service/MeshQueries';
import { StatusService } from '../service/StatusService';
import { TemplateFieldService } from '../service/TemplateFieldService';
import { registerMeshActions } from './registerMeshActions';

const DAY = 24 * 60 * 60_000;

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'checkout' },
    },
    spec: { type: 'service', owner: 'group:default/team-shop' },
  },
];

/** The shop (certificate: 90 days) plus an admin gateway's 5-day certificate. */
function east() {
  const shop = shopCluster();
  return {
    ...shop,
    objects: [
      ...shop.objects!,
      buildGateway(
        {
          name: 'admin',
          namespace: 'istio-ingress',
          selector: { istio: 'ingressgateway' },
          hosts: ['admin.example.org'],
          tls: { mode: 'credential', credentialName: 'admin-cert' },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as KubernetesObject,
    ],
    tlsCertificates: {
      ...shop.tlsCertificates,
      'istio-ingress/admin-cert': {
        exists: true as const,
        certificate: {
          subject: 'CN=admin.example.org',
          sans: ['admin.example.org'],
          issuer: 'CN=Test CA',
          serial: '02',
          notBefore: new Date(Date.now() - DAY).toISOString(),
          notAfter: new Date(Date.now() + 5 * DAY).toISOString(),
          daysLeft: 5,
        },
      },
    },
  };
}

function setUp(decision: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  // west is configured but unreachable
  const clusters = fakeRegistry('east', 'west');
  const overview = new MeshOverviewService({
    clusters,
    reads: new FakeMeshReads({ east: east() }),
    generations: new ClusterGenerations(),
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    timeoutMs: 10_000,
  });
  const permissions = mockServices.permissions.mock({
    authorize: jest.fn(async requests =>
      requests.map(() => ({ result: decision })),
    ),
  });
  const queries = new MeshQueries({
    auth: mockServices.auth(),
    permissions,
    catalog: catalogServiceMock({ entities }),
    clusters,
    status: {} as StatusService,
    templateFields: {} as TemplateFieldService,
    overview,
  });
  const actionsRegistry = actionsRegistryServiceMock();
  registerMeshActions({ actionsRegistry, queries });
  const invoke = async (
    input: object,
    credentials: BackstageCredentials = mockCredentials.user(
      'user:default/alice',
    ),
  ) =>
    (
      await actionsRegistry.invoke({
        id: 'test:list-expiring-certificates',
        input: input as any,
        credentials,
      })
    ).output as any;
  return { actionsRegistry, invoke, permissions };
}

const secrets = (output: any) =>
  output.certificates.map((c: any) => [
    c.secret.name,
    c.verdict,
    c.certificate.daysLeft,
  ]);

describe('the list-expiring-certificates action', () => {
  it('is registered read-only and idempotent, 30 days by default', async () => {
    const { actionsRegistry } = setUp(AuthorizeResult.ALLOW);
    const { actions } = await actionsRegistry.list();
    expect(
      actions.find(a => a.name === 'list-expiring-certificates'),
    ).toMatchObject({
      attributes: { readOnly: true, idempotent: true, destructive: false },
      schema: {
        input: {
          properties: { withinDays: { type: 'integer', default: 30 } },
        },
      },
    });
  });

  it('lists the certificates expiring within 30 days, with entities, owners and unreadable clusters', async () => {
    const { invoke, permissions } = setUp(AuthorizeResult.ALLOW);
    const output = await invoke({});
    expect(output.withinDays).toBe(30);
    expect(secrets(output)).toEqual([['admin-cert', 'expiring', 5]]);
    expect(output.certificates[0]).toMatchObject({
      cluster: 'east',
      gateway: 'istio-ingress/admin',
      hosts: ['admin.example.org'],
      entities: [],
      owners: [],
    });
    expect(output.clusterErrors).toEqual([
      expect.objectContaining({ cluster: 'west', kind: 'unreachable' }),
    ]);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: istioMeshReadPermission }],
      { credentials: mockCredentials.user('user:default/alice') },
    );
  });

  it('takes the days, and lists certificates that are not ok whatever their days', async () => {
    const { invoke } = setUp(AuthorizeResult.ALLOW);
    const within100 = await invoke({ withinDays: 100 });
    expect(secrets(within100)).toEqual([
      ['admin-cert', 'expiring', 5],
      ['shop-cert', 'ok', 90],
    ]);
    expect(within100.certificates[1]).toMatchObject({
      entities: ['component:default/checkout'],
      owners: ['group:default/team-shop'],
    });
    expect(secrets(await invoke({ withinDays: 0 }))).toEqual([
      ['admin-cert', 'expiring', 5],
    ]);
    await expect(invoke({ withinDays: -1 })).rejects.toMatchObject({
      name: 'InputError',
    });
  });

  it('is refused without istio.mesh.read', async () => {
    const { invoke } = setUp(AuthorizeResult.DENY);
    await expect(invoke({})).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'Not allowed to read the mesh overview',
    });
  });
});
