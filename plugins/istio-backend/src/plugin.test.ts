import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { istioPlugin } from './plugin';

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

const config = {
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'eks-prod',
            title: 'Production',
            url: 'https://prod.example.com',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'token-that-must-not-leak',
          },
          {
            name: 'eks-dev',
            url: 'https://dev.example.com',
            authProvider: 'aws',
          },
        ],
      },
    ],
  },
  istio: {
    // these clusters are names only: nothing may try to reach them
    watch: { enabled: false },
    clusters: [
      {
        name: 'eks-prod',
        kiali: { baseUrl: 'https://kiali.example.com/kiali' },
      },
    ],
  },
};

describe('istio backend plugin', () => {
  async function start(
    permission:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    data: object = config,
  ) {
    const { server } = await startTestBackend({
      features: [
        istioPlugin,
        mockServices.rootConfig.factory({ data }),
        // the catalog shows the caller its entities; `permission` is the
        // answer to the plugin's own permissions
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result:
                r.permission.name === 'catalog.entity.read'
                  ? AuthorizeResult.ALLOW
                  : permission,
            })),
        }).factory,
        catalogServiceMock.factory({ entities: [checkout] }),
      ],
    });
    return server;
  }

  it('lists the configured clusters without credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/istio/v1/clusters')
      .set('authorization', mockCredentials.user.header());

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      clusters: [
        {
          name: 'eks-prod',
          title: 'Production',
          authProvider: 'serviceAccount',
          kialiConfigured: true,
          jaegerConfigured: false,
        },
        {
          name: 'eks-dev',
          authProvider: 'aws',
          kialiConfigured: false,
          jaegerConfigured: false,
        },
      ],
    });
    expect(res.text).not.toContain('token-that-must-not-leak');
    expect(res.text).not.toContain('prod.example.com');
  });

  it('rejects requests without valid credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/istio/v1/clusters')
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  describe('GET /v1/status', () => {
    const get = (server: any, query: string) =>
      request(server)
        .get(`/api/istio/v1/status${query}`)
        .set('authorization', mockCredentials.user.header());

    it('needs credentials', async () => {
      const res = await request(await start())
        .get('/api/istio/v1/status?entityRef=component:default/checkout')
        .set('authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });

    it('needs an entityRef', async () => {
      const res = await get(await start(), '');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'entityRef is required, e.g. component:default/checkout',
      );
    });

    it('rejects something that is not an entity reference', async () => {
      const res = await get(await start(), '?entityRef=component:default/');
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    });

    it('answers 404 for an entity the catalog does not show the caller', async () => {
      const res = await get(
        await start(),
        '?entityRef=component:default/secret-project',
      );
      expect(res.status).toBe(404);
    });

    it('answers 403 when the permission policy denies istio.status.read', async () => {
      const res = await get(
        await start(AuthorizeResult.DENY),
        '?entityRef=component:default/checkout',
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'Not allowed to read the mesh status of component:default/checkout',
      );
    });

    it('reports an unknown verdict, not an error, when no cluster is configured', async () => {
      const res = await get(
        await start(AuthorizeResult.ALLOW, {}),
        '?entityRef=component:default/checkout',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        entityRef: 'component:default/checkout',
        verdict: 'unknown',
        clusters: [],
      });
      // where the time went: the catalog read and permission check (in
      // parallel, then each on its own), the answer
      expect(res.headers['server-timing']).toMatch(
        /^authorize;dur=\d+\.\d, catalog;dur=\d+\.\d, permission;dur=\d+\.\d, status;dur=\d+\.\d$/,
      );
    });
  });

  describe('POST /v1/certificates/refresh', () => {
    const post = (server: any, body: object) =>
      request(server)
        .post('/api/istio/v1/certificates/refresh')
        .set('authorization', mockCredentials.user.header())
        .send(body);
    const body = {
      entityRef: 'component:default/checkout',
      cluster: 'eks-prod',
      namespace: 'istio-ingress',
      externalSecret: 'gateway-cert',
    };

    it('names the missing fields', async () => {
      const res = await post(await start(), { entityRef: body.entityRef });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'cluster is required; namespace is required; externalSecret is required',
      );
    });

    it('answers 403 when istio.certificate.refresh is denied', async () => {
      const res = await post(await start(AuthorizeResult.DENY), body);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'Not allowed to refresh the certificates of component:default/checkout',
      );
    });

    it('refuses an ExternalSecret that does not write one of the entity certificates', async () => {
      const res = await post(await start(AuthorizeResult.ALLOW, {}), body);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(
        "ExternalSecret istio-ingress/gateway-cert in cluster 'eks-prod' does not write a certificate of component:default/checkout",
      );
    });
  });

  describe('permission decisions', () => {
    // the policy, as the permission backend answers it, counted
    const decide = (allowed: Record<string, AuthorizeResult>) =>
      jest.fn(
        async (
          requests: Array<{ permission: { name: string } }>,
          _options?: { credentials: unknown },
        ) =>
          requests.map(r => ({
            result: allowed[r.permission.name] ?? AuthorizeResult.DENY,
          })),
      );
    async function startWith(
      authorize: ReturnType<typeof decide>,
      istio: object = {},
    ) {
      const { server } = await startTestBackend({
        features: [
          istioPlugin,
          mockServices.rootConfig.factory({ data: { istio } }),
          mockServices.permissions.mock({ authorize: authorize as any })
            .factory,
          catalogServiceMock.factory({ entities: [checkout] }),
        ],
      });
      return server;
    }
    const status = (server: any, user = 'user:default/alice') =>
      request(server)
        .get('/api/istio/v1/status?entityRef=component:default/checkout')
        .set('authorization', mockCredentials.user.header(user));

    it('keeps an ALLOW of istio.status.read per caller for permissionCacheTtl', async () => {
      const authorize = decide({
        'catalog.entity.read': AuthorizeResult.ALLOW,
        'istio.status.read': AuthorizeResult.ALLOW,
      });
      const server = await startWith(authorize);
      expect((await status(server)).status).toBe(200);
      expect((await status(server)).status).toBe(200);
      expect(authorize).toHaveBeenCalledTimes(1);
      // another caller is asked for with their own credentials
      expect((await status(server, 'user:default/bob')).status).toBe(200);
      expect(authorize).toHaveBeenCalledTimes(2);
      expect(authorize.mock.calls[1][1]).toMatchObject({
        credentials: { principal: { userEntityRef: 'user:default/bob' } },
      });
    });

    it('never keeps a DENY: a permission granted takes effect at once', async () => {
      const allowed: Record<string, AuthorizeResult> = {
        'catalog.entity.read': AuthorizeResult.ALLOW,
      };
      const authorize = decide(allowed);
      const server = await startWith(authorize);
      expect((await status(server)).status).toBe(403);
      expect((await status(server)).status).toBe(403);
      allowed['istio.status.read'] = AuthorizeResult.ALLOW;
      expect((await status(server)).status).toBe(200);
      expect(authorize).toHaveBeenCalledTimes(3);
    });

    it('asks every time with permissionCacheTtl 0', async () => {
      const authorize = decide({
        'catalog.entity.read': AuthorizeResult.ALLOW,
        'istio.status.read': AuthorizeResult.ALLOW,
      });
      const server = await startWith(authorize, { permissionCacheTtl: 0 });
      await status(server);
      await status(server);
      expect(authorize).toHaveBeenCalledTimes(2);
    });

    it('keeps nothing but istio.status.read: a kept read does not allow a refresh', async () => {
      const authorize = decide({
        'catalog.entity.read': AuthorizeResult.ALLOW,
        'istio.status.read': AuthorizeResult.ALLOW,
      });
      const server = await startWith(authorize);
      expect((await status(server)).status).toBe(200);
      const refresh = () =>
        request(server)
          .post('/api/istio/v1/certificates/refresh')
          .set(
            'authorization',
            mockCredentials.user.header('user:default/alice'),
          )
          .send({
            entityRef: 'component:default/checkout',
            cluster: 'eks-prod',
            namespace: 'istio-ingress',
            externalSecret: 'gateway-cert',
          });
      expect((await refresh()).status).toBe(403);
      expect((await refresh()).status).toBe(403);
      expect(authorize).toHaveBeenCalledTimes(3);
      expect(authorize.mock.calls[2][0]).toEqual([
        {
          permission: expect.objectContaining({ name: 'catalog.entity.read' }),
          resourceRef: 'component:default/checkout',
        },
        {
          permission: expect.objectContaining({
            name: 'istio.certificate.refresh',
          }),
          resourceRef: 'component:default/checkout',
        },
      ]);
    });

    it('answers 404, as for an entity that does not exist, to a caller the policy does not let see the entity in the catalog', async () => {
      const allowed: Record<string, AuthorizeResult> = {
        'istio.status.read': AuthorizeResult.ALLOW,
      };
      const authorize = decide(allowed);
      const server = await startWith(authorize);
      const hidden = await status(server);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.message).toBe(
        'No entity component:default/checkout',
      );
      // nothing of it was kept for the caller: a grant shows at once
      allowed['catalog.entity.read'] = AuthorizeResult.ALLOW;
      expect((await status(server)).status).toBe(200);
      expect(authorize).toHaveBeenCalledTimes(2);
    });
  });
});
