import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  istioMeshReadPermission,
  istioStatusReadPermission,
} from '@meshdeck/plugin-istio-common';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  serviceWithPod,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { exposedService } from '../__testUtils__/exposedService';
import { istioPlugin } from '../plugin';
import { realPermissions } from '../__testUtils__/realPermissions';

/**
 * Meshdeck's read operations as MCP tools, end to end: a backend with the
 * real catalog, permission framework, actions registry and
 * `@backstage/plugin-mcp-actions-backend` (`backend.actions.pluginSources:
 * [istio]`), against the test cluster; an MCP client over streamable HTTP
 * gets the answers the HTTP API gives, and the same refusals.
 */

const ENTITY = 'mcp-shop';
const ENTITY_REF = `component:default/${ENTITY}`;
const ALICE = 'user:default/alice';
/** The one user the policy denies `istio.status.read` and `istio.mesh.read`. */
const MALLORY = 'user:default/mallory';

const location = 'url:https://example.com/catalog-info.yaml';

function component(namespace: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: ENTITY,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': ENTITY,
        'backstage.io/kubernetes-namespace': namespace,
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
    spec: { type: 'service', owner: 'group:default/shop', lifecycle: 'test' },
  };
}

/** The catalog, fed the component. */
const testEntities = (namespace: string) =>
  createBackendModule({
    pluginId: 'catalog',
    moduleId: 'meshdeck-mcp-test-entities',
    register(env) {
      env.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.addEntityProvider({
            getProviderName: () => 'meshdeck-mcp-test',
            async connect(connection) {
              await connection.applyMutation({
                type: 'full',
                entities: [
                  { entity: component(namespace), locationKey: 'mcp-test' },
                ],
              });
            },
          });
        },
      });
    },
  });

/** Everything is allowed, except the mesh status and overview for mallory. */
const policy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'mcp-test-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy: extension }) {
        extension.setPolicy({
          async handle(req, user) {
            if (
              (isPermission(req.permission, istioStatusReadPermission) ||
                isPermission(req.permission, istioMeshReadPermission)) &&
              user?.info.userEntityRef === MALLORY
            ) {
              return { result: AuthorizeResult.DENY };
            }
            return { result: AuthorizeResult.ALLOW };
          },
        });
      },
    });
  },
});

/** The answer without what says when and how it was assembled. */
const withoutCacheFields = ({ cache, generatedAt, ...rest }: any) => rest;

describeWithCluster('MCP tools of the istio plugin', cluster => {
  let baseUrl: string;
  let ingress: string;

  const header = (user: string) => mockCredentials.user.header(user);

  /** `GET /api/istio/...` as a user. */
  const get = (path: string, user = ALICE) =>
    fetch(`${baseUrl}/api/istio${path}`, {
      headers: { Authorization: header(user) },
    });

  /** An MCP client of `/api/mcp-actions/v1`, signed in as `user`. */
  async function mcpClient(user: string): Promise<Client> {
    const client = new Client({ name: 'meshdeck-mcp-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`${baseUrl}/api/mcp-actions/v1`),
        { requestInit: { headers: { Authorization: header(user) } } },
      ),
    );
    return client;
  }

  beforeAll(async () => {
    const { kubeConfig, namespace, config } = cluster();
    ingress = await cluster().extraNamespace('ingress', true);
    await createObjects(
      kubeConfig,
      ...serviceWithPod(namespace, ENTITY),
      tlsSecretManifest(
        ingress,
        'mcp-cert',
        // expiring: within the default warning of 30 days
        await createTestCertificate({
          sans: ['*.mcp.example'],
          validForDays: 10,
        }),
      ),
      ...exposedService({
        gatewayNamespace: ingress,
        gatewayHosts: ['*.mcp.example'],
        credentialName: 'mcp-cert',
        namespace,
        service: ENTITY,
        host: 'shop.mcp.example',
      }),
    );

    const { server } = await startTestBackend({
      features: [
        istioPlugin,
        catalogPlugin,
        testEntities(namespace),
        mcpActionsPlugin,
        // the real services where the mocks would short-cut what is tested:
        // permission decisions from the permission backend, credentials read
        // from tokens, actions served over HTTP between the plugins
        ...realPermissions(policy),
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            ...config.get(),
            permission: { enabled: true },
            backend: { actions: { pluginSources: ['istio'] } },
            istio: {
              scaffolder: {
                allowedNamespaces: [`${namespace}*`],
                allowedGateways: [`${ingress}/*`],
              },
            },
          },
        }),
      ],
    });
    baseUrl = `http://localhost:${server.port()}`;

    // the catalog processes the provided entity in the background: a 404
    // means "not there yet"
    const deadline = Date.now() + 30_000;
    while ((await get(`/v1/status?entityRef=${ENTITY_REF}`)).status === 404) {
      if (Date.now() > deadline) {
        throw new Error(`${ENTITY_REF} did not reach the catalog`);
      }
      await new Promise(r => setTimeout(r, 200));
    }
  }, 120_000);

  it('lists the read-only tools', async () => {
    const client = await mcpClient(ALICE);
    try {
      const { tools } = await client.listTools();
      expect(tools.map(t => t.name).sort()).toEqual([
        'istio.check-gateway-host',
        'istio.get-mesh-status',
        'istio.list-expiring-certificates',
      ]);
      for (const tool of tools) {
        expect(tool.annotations).toMatchObject({
          readOnlyHint: true,
          idempotentHint: true,
          destructiveHint: false,
        });
      }
      const status = tools.find(t => t.name === 'istio.get-mesh-status')!;
      expect(status.annotations).toMatchObject({
        title: 'Get the Istio mesh status of a catalog entity',
        readOnlyHint: true,
        idempotentHint: true,
        destructiveHint: false,
      });
      expect(status.inputSchema).toMatchObject({
        type: 'object',
        properties: { entityRef: { type: 'string' } },
        required: ['entityRef'],
      });
      expect(status.description).toContain('component:default/checkout');
    } finally {
      await client.close();
    }
  });

  it('answers the mesh status as GET /v1/status does', async () => {
    const http = await get(`/v1/status?entityRef=${ENTITY_REF}`);
    expect(http.status).toBe(200);
    const expected = await http.json();
    // a real answer from the cluster: the pod, the route, the certificate
    expect(expected.clusters).toEqual([
      expect.objectContaining({
        name: 'testbed',
        errors: [],
        certificates: [
          expect.objectContaining({
            secret: { namespace: ingress, name: 'mcp-cert' },
          }),
        ],
      }),
    ]);
    expect(expected.clusters[0].workloads[0].pods).toEqual([
      expect.objectContaining({ name: `${ENTITY}-1` }),
    ]);

    const client = await mcpClient(ALICE);
    try {
      const result: any = await client.callTool({
        name: 'istio.get-mesh-status',
        arguments: { entityRef: ENTITY_REF },
      });
      expect(result.isError).toBeFalsy();
      expect(withoutCacheFields(result.structuredContent)).toEqual(
        withoutCacheFields(expected),
      );
      // the text for clients that read only text is the same JSON
      expect(JSON.parse(result.content[0].text)).toEqual(
        result.structuredContent,
      );
    } finally {
      await client.close();
    }
  });

  it('is refused without istio.status.read, as GET /v1/status is', async () => {
    const message = `Not allowed to read the mesh status of ${ENTITY_REF}`;
    const http = await get(`/v1/status?entityRef=${ENTITY_REF}`, MALLORY);
    expect(http.status).toBe(403);
    expect((await http.json()).error.message).toBe(message);

    const client = await mcpClient(MALLORY);
    try {
      const result: any = await client.callTool({
        name: 'istio.get-mesh-status',
        arguments: { entityRef: ENTITY_REF },
      });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(result.content).toEqual([
        { type: 'text', text: `NotAllowedError: ${message}` },
      ]);
    } finally {
      await client.close();
    }
  });

  it("answers the rule book's host check as GET /v1/template-fields/host-check does", async () => {
    const { namespace } = cluster();
    const query = {
      cluster: 'testbed',
      gateway: `${ingress}/public`,
      // routed on the gateway from the entity's namespace already
      host: 'shop.mcp.example',
      namespace: `${namespace}-other`,
    };
    const http = await get(
      `/v1/template-fields/host-check?${new URLSearchParams(query)}`,
    );
    expect(http.status).toBe(200);
    const expected = await http.json();
    expect(expected).toMatchObject({ ok: false, api: 'istio' });
    expect(expected.problems).toEqual([
      expect.stringContaining('shop.mcp.example'),
    ]);

    const client = await mcpClient(ALICE);
    try {
      const result: any = await client.callTool({
        name: 'istio.check-gateway-host',
        arguments: query,
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(expected);
    } finally {
      await client.close();
    }
  });

  it('lists the expiring certificates of the mesh overview, refused without istio.mesh.read', async () => {
    const http = await get('/v1/overview');
    expect(http.status).toBe(200);
    const isOurs = (c: any) =>
      c.cluster === 'testbed' &&
      c.secret.namespace === ingress &&
      c.secret.name === 'mcp-cert';
    const expected = (await http.json()).certificates.find(isOurs);
    expect(expected).toMatchObject({
      verdict: 'expiring',
      hosts: ['shop.mcp.example'],
    });
    // 10 days from its creation, counted in whole days
    expect([9, 10]).toContain(expected.certificate.daysLeft);

    const alice = await mcpClient(ALICE);
    const mallory = await mcpClient(MALLORY);
    try {
      const within30: any = await alice.callTool({
        name: 'istio.list-expiring-certificates',
        arguments: {},
      });
      expect(within30.isError).toBeFalsy();
      expect(within30.structuredContent.withinDays).toBe(30);
      expect(within30.structuredContent.certificates.find(isOurs)).toEqual(
        expected,
      );
      // every listed certificate expires within the days or is not ok
      for (const c of within30.structuredContent.certificates) {
        expect(c.verdict !== 'ok' || c.certificate.daysLeft <= 30).toBeTruthy();
      }
      // the 10-day certificate is listed for 5 days too: it is not ok
      const within5: any = await alice.callTool({
        name: 'istio.list-expiring-certificates',
        arguments: { withinDays: 5 },
      });
      expect(within5.structuredContent.certificates.find(isOurs)).toEqual(
        expected,
      );

      const refused: any = await mallory.callTool({
        name: 'istio.list-expiring-certificates',
        arguments: {},
      });
      expect(refused.isError).toBe(true);
      expect(refused.content).toEqual([
        {
          type: 'text',
          text: 'NotAllowedError: Not allowed to read the mesh overview',
        },
      ]);
      expect((await get('/v1/overview', MALLORY)).status).toBe(403);
    } finally {
      await alice.close();
      await mallory.close();
    }
  });
});
