import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { istioStatusReadPermission } from '@meshdeck/plugin-istio-common';
import request from 'supertest';
import { istioPlugin } from './plugin';
import { realPermissions } from './__testUtils__/realPermissions';

const location = 'url:https://example.com/catalog-info.yaml';

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

/** The catalog, fed two components with different owners. */
const testEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'meshdeck-test-entities',
  register(env) {
    env.registerInit({
      deps: { processing: catalogProcessingExtensionPoint },
      async init({ processing }) {
        processing.addEntityProvider({
          getProviderName: () => 'meshdeck-test',
          async connect(connection) {
            await connection.applyMutation({
              type: 'full',
              entities: [
                component('checkout', 'user:default/alice'),
                component('payments', 'user:default/bob'),
              ].map(entity => ({ entity, locationKey: 'meshdeck-test' })),
            });
          },
        });
      },
    });
  },
});

/**
 * A policy an adopter would write: `permission` on an entity only for its
 * owners, using the catalog's own `isEntityOwner` rule; everything else
 * allowed.
 */
function ownersOnly(
  moduleId: string,
  permission:
    | typeof istioStatusReadPermission
    | typeof catalogEntityReadPermission,
) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy({
            async handle(req, user) {
              if (isPermission(req.permission, permission)) {
                return createCatalogConditionalDecision(
                  req.permission,
                  catalogConditions.isEntityOwner({
                    claims: user?.info.ownershipEntityRefs ?? [],
                  }),
                );
              }
              return { result: AuthorizeResult.ALLOW };
            },
          });
        },
      });
    },
  });
}

/**
 * The mesh status only for an entity's owners. It works because
 * `istio.status.read` is a `catalog-entity` resource permission and the
 * plugin authorizes with the entity's ref.
 */
const ownersOnlyPolicy = ownersOnly('owners-only', istioStatusReadPermission);

/**
 * A catalog where each user sees only the entities they own: the mesh
 * status of any other entity must be a 404, as its catalog read is.
 */
const ownEntitiesOnlyPolicy = ownersOnly(
  'own-entities-only',
  catalogEntityReadPermission,
);

/**
 * The real catalog and permission backend with `policy`; `status` asks as
 * alice unless told, and waits until the catalog has processed the test's
 * entities (it does so in the background).
 */
async function startWithPolicy(policy: typeof ownersOnlyPolicy) {
  const { server } = await startTestBackend({
    features: [
      istioPlugin,
      catalogPlugin,
      testEntities,
      ...realPermissions(policy),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          kubernetes: { clusterLocatorMethods: [] },
        },
      }),
    ],
  });
  const asUser = (path: string, user: string) =>
    request(server)
      .get(path)
      .set('Authorization', mockCredentials.user.header(user));
  // a service sees every entity: the catalog has them once it shows both
  const deadline = Date.now() + 30_000;
  for (const name of ['checkout', 'payments']) {
    while (
      (
        await request(server)
          .get(`/api/catalog/entities/by-name/component/default/${name}`)
          .set('Authorization', mockCredentials.service.header())
      ).status !== 200
    ) {
      if (Date.now() > deadline) throw new Error(`${name} never in catalog`);
      await new Promise(r => setTimeout(r, 200));
    }
  }
  return {
    status: (name: string, user = 'user:default/alice') =>
      asUser(`/api/istio/v1/status?entityRef=component:default/${name}`, user),
    catalogRead: (name: string, user = 'user:default/alice') =>
      asUser(`/api/catalog/entities/by-name/component/default/${name}`, user),
  };
}

describe('restricting the mesh status to entity owners', () => {
  it('does not know an entity the policy hides from the caller in the catalog (404, as its catalog read)', async () => {
    const { status, catalogRead } = await startWithPolicy(
      ownEntitiesOnlyPolicy,
    );
    // bob's component is in the catalog, but not for alice
    expect((await catalogRead('checkout')).status).toBe(200);
    expect((await catalogRead('payments')).status).toBe(404);

    const own = await status('checkout');
    expect(own.status).toBe(200);
    expect(own.body.entityRef).toBe('component:default/checkout');
    const hidden = await status('payments');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(
      'No entity component:default/payments',
    );
    // bob sees his own
    expect((await status('payments', 'user:default/bob')).status).toBe(200);
  }, 60_000);

  it('lets a policy allow owners and deny everyone else with the catalog rule', async () => {
    const { status, catalogRead } = await startWithPolicy(ownersOnlyPolicy);

    const own = await status('checkout');
    expect(own.status).toBe(200);
    expect(own.body.entityRef).toBe('component:default/checkout');

    // bob's component is readable in the catalog, but its mesh status is not
    // alice's to see
    expect((await catalogRead('payments')).status).toBe(200);
    const other = await status('payments');
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe(
      'Not allowed to read the mesh status of component:default/payments',
    );
  }, 60_000);
});
