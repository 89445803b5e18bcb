import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { istioResources, MeshClusterClient } from '@meshdeck/plugin-istio-node';
import { describeWithCluster } from '@meshdeck/plugin-istio-node/testUtils';
import fc from 'fast-check';
import request from 'supertest';
/* eslint-disable @backstage/no-relative-monorepo-imports -- the shared
   fuzz arbitraries are test-only and in no published entry point */
import {
  clusterSnapshot,
  snapshotChanges,
} from '../../../istio-common/src/__testUtils__/clusterSnapshot';
import {
  hostileClusterName,
  hostileDnsLabel,
  hostileHost,
  hostileObjectName,
  mixedCaseHost,
} from '../../../istio-common/src/__testUtils__/hostileInputs';
/* eslint-enable @backstage/no-relative-monorepo-imports */
import { istioPlugin } from '../plugin';

/**
 * Every parameter of the HTTP API, over real HTTP against a real backend on
 * the test cluster: a hostile value is always a 400 whose message names the
 * parameter, never a 5xx, and nothing in the cluster changes.
 */

/** Runs per parameter mutation. */
const RUNS = 30;

/** A query or body value: a string, or what `?a=1&a=2` and `?a[b]=1` make. */
type Param = string | string[] | Record<string, string>;

/** Repeated and bracketed keys, as a client or an attacker may send them. */
const structural: fc.Arbitrary<Param> = fc.oneof(
  fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 2, maxLength: 4 }),
  fc.constant({ nested: 'object' }),
);

function queryString(query: Record<string, Param | undefined>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) {
      continue;
    }
    const k = encodeURIComponent(key);
    if (Array.isArray(value)) {
      value.forEach(v => parts.push(`${k}=${encodeURIComponent(v)}`));
    } else if (typeof value === 'object') {
      Object.entries(value).forEach(([sub, v]) =>
        parts.push(
          `${k}%5B${encodeURIComponent(sub)}%5D=${encodeURIComponent(v)}`,
        ),
      );
    } else {
      parts.push(`${k}=${encodeURIComponent(value)}`);
    }
  }
  return parts.join('&');
}

/** A malformed entity reference (never a `kind:namespace/name`). */
const hostileEntityRef: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'checkout',
    'component:',
    'component:default/',
    ':default/checkout',
    'component:/checkout',
    'component:default/a b',
    'component:default/a/b',
    'comp onent:default/checkout',
    '1component:default/checkout',
    'component:Default/checkout',
    'component:-ns/checkout',
    'component:default/checkout\n',
    'component:default/check\u0000out',
  ),
  fc
    .integer({ min: 254, max: 3000 })
    .map(n => `component:default/${'a'.repeat(n)}`),
  fc.integer({ min: 1025, max: 5000 }).map(n => 'x'.repeat(n)),
  hostileDnsLabel
    .filter(ns => ns !== '' && !ns.includes('/') && !ns.includes(':'))
    .map(ns => `component:${ns}/checkout`),
);

describeWithCluster('the HTTP API under hostile input', cluster => {
  const domain = 'apifuzz.example';
  let server: any;
  let client: MeshClusterClient;
  let ingress: string;
  const types = Object.values(istioResources);
  const tally = { requests: 0, status400: 0, status5xx: 0 };
  let snapshotBefore: Awaited<ReturnType<typeof clusterSnapshot>> | undefined;

  beforeAll(async () => {
    const { registry, clusterName, namespace } = cluster();
    ingress = await cluster().extraNamespace('ingress', true);
    client = await MeshClusterClient.create(
      await registry.kubeConfig(clusterName),
    );
    ({ server } = await startTestBackend({
      features: [
        istioPlugin,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'checkout',
                namespace: 'default',
                annotations: {
                  'backstage.io/kubernetes-id': 'checkout',
                  'backstage.io/kubernetes-namespace': namespace,
                },
              },
              spec: {
                type: 'service',
                owner: 'team-a',
                lifecycle: 'production',
              },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            ...cluster().config.get<object>(),
            istio: {
              scaffolder: {
                allowedNamespaces: [namespace],
                allowedGateways: [`${ingress}/*`],
              },
            },
          },
        }),
      ],
    }));
    snapshotBefore = await clusterSnapshot(client, types);
  });

  /** Sends one request; the answer must be a 400 naming `field`. */
  async function expect400(
    send: () => request.Test,
    field: string,
  ): Promise<void> {
    const res = await send();
    tally.requests += 1;
    tally.status5xx += res.status >= 500 ? 1 : 0;
    tally.status400 += res.status === 400 ? 1 : 0;
    expect({ status: res.status, message: res.body?.error?.message }).toEqual({
      status: 400,
      message: expect.stringContaining(field),
    });
    // a 400 is Backstage's error body, not a stack trace of ours
    expect(res.body.error.name).toBe('InputError');
  }

  const get = (path: string, query: Record<string, Param | undefined>) => () =>
    request(server)
      .get(`/api/istio${path}?${queryString(query)}`)
      .set('authorization', mockCredentials.user.header());

  it('answers the valid queries the properties start from', async () => {
    const base = {
      cluster: cluster().clusterName,
      gateway: `${ingress}/public`,
      host: `a.${domain}`,
    };
    for (const [path, query] of [
      ['/v1/status', { entityRef: 'component:default/checkout' }],
      ['/v1/template-fields/route-api', { cluster: base.cluster }],
      ['/v1/template-fields/namespaces', { cluster: base.cluster }],
      [
        '/v1/template-fields/gateways',
        { cluster: base.cluster, api: 'gateway-api' },
      ],
      ['/v1/template-fields/host-check', base],
    ] as const) {
      const res = await get(path, query)();
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });

  it('GET /v1/status: entityRef', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileEntityRef, structural),
        async entityRef =>
          expect400(get('/v1/status', { entityRef }), 'entityRef'),
      ),
      { numRuns: RUNS },
    );
    expect(tally.status5xx).toBe(0);
    await expect400(get('/v1/status', {}), 'entityRef');
  });

  it.each(['route-api', 'namespaces', 'gateways'])(
    'GET /v1/template-fields/%s: cluster',
    async path => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileClusterName, structural), async c =>
          expect400(
            get(`/v1/template-fields/${path}`, { cluster: c }),
            'cluster',
          ),
        ),
        { numRuns: RUNS },
      );
      expect(tally.status5xx).toBe(0);
    },
  );

  it('GET /v1/template-fields/gateways: api', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('Istio', 'gateway_api', '', 'gateway-api '),
          structural,
        ),
        async api =>
          expect400(
            get('/v1/template-fields/gateways', {
              cluster: cluster().clusterName,
              api,
            }),
            'api',
          ),
      ),
      { numRuns: RUNS },
    );
    expect(tally.status5xx).toBe(0);
  });

  describe('GET /v1/template-fields/host-check', () => {
    const base = () => ({
      cluster: cluster().clusterName,
      gateway: `${ingress}/public`,
      host: `a.${domain}`,
      namespace: cluster().namespace,
      name: 'route',
    });
    const mutations: Array<
      [string, fc.Arbitrary<Record<string, Param | undefined>>]
    > = [
      [
        'cluster',
        fc.oneof(hostileClusterName, structural).map(c => ({ cluster: c })),
      ],
      [
        'gateway',
        fc
          .oneof(
            fc.constantFrom('public', '/public', 'ns/', 'a/b/c', ''),
            hostileDnsLabel
              .filter(n => !n.includes('/'))
              .map(n => `${n}/public`),
            hostileObjectName
              .filter(n => !n.includes('/'))
              .map(n => `istio-ingress/${n}`),
            structural,
          )
          .map(gateway => ({ gateway })),
      ],
      ['host', fc.oneof(hostileHost, structural).map(host => ({ host }))],
      ['host', mixedCaseHost.map(host => ({ host, api: 'gateway-api' }))],
      [
        'namespace',
        fc.oneof(hostileDnsLabel, structural).map(namespace => ({ namespace })),
      ],
      ['name', fc.oneof(hostileObjectName, structural).map(name => ({ name }))],
      [
        'api',
        fc
          .oneof(fc.constantFrom('Istio', 'kubernetes', ''), structural)
          .map(api => ({ api })),
      ],
    ];
    it.each(mutations)('%s', async (field, mutation) => {
      await fc.assert(
        fc.asyncProperty(mutation, async change =>
          expect400(
            get('/v1/template-fields/host-check', { ...base(), ...change }),
            field,
          ),
        ),
        { numRuns: RUNS },
      );
      expect(tally.status5xx).toBe(0);
    });
    it('names what is missing', async () => {
      for (const field of ['cluster', 'gateway', 'host'] as const) {
        await expect400(
          get('/v1/template-fields/host-check', {
            ...base(),
            [field]: undefined,
          }),
          field,
        );
      }
      expect(tally.status5xx).toBe(0);
    });
  });

  describe('POST /v1/certificates/refresh', () => {
    const base = () => ({
      entityRef: 'component:default/checkout',
      cluster: cluster().clusterName,
      namespace: ingress,
      externalSecret: 'gateway-cert',
    });
    const json: fc.Arbitrary<unknown> = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
      fc.constant({ a: 1 }),
    );
    const mutations: Array<[string, fc.Arbitrary<Record<string, unknown>>]> = [
      [
        'entityRef',
        fc.oneof(hostileEntityRef, json).map(entityRef => ({ entityRef })),
      ],
      [
        'cluster',
        fc.oneof(hostileClusterName, json).map(c => ({ cluster: c })),
      ],
      [
        'namespace',
        fc.oneof(hostileDnsLabel, json).map(namespace => ({ namespace })),
      ],
      [
        'externalSecret',
        fc
          .oneof(hostileObjectName, json)
          .map(externalSecret => ({ externalSecret })),
      ],
    ];
    const post = (body: unknown) => () =>
      request(server)
        .post('/api/istio/v1/certificates/refresh')
        .set('authorization', mockCredentials.user.header())
        .send(body as object);
    it.each(mutations)('%s', async (field, mutation) => {
      await fc.assert(
        fc.asyncProperty(mutation, async change =>
          expect400(post({ ...base(), ...change }), field),
        ),
        { numRuns: RUNS },
      );
      expect(tally.status5xx).toBe(0);
    });
    it('a body that is not an object of fields, or not JSON', async () => {
      for (const body of [[], [base()], {}]) {
        const res = await post(body)();
        tally.requests += 1;
        tally.status400 += res.status === 400 ? 1 : 0;
        tally.status5xx += res.status >= 500 ? 1 : 0;
        expect(res.status).toBe(400);
      }
      for (const text of ['{"entityRef":', 'not json', '{"a":1}}']) {
        const res = await request(server)
          .post('/api/istio/v1/certificates/refresh')
          .set('authorization', mockCredentials.user.header())
          .set('content-type', 'application/json')
          .send(text);
        tally.requests += 1;
        tally.status400 += res.status === 400 ? 1 : 0;
        tally.status5xx += res.status >= 500 ? 1 : 0;
        expect(res.status).toBe(400);
      }
    });
  });

  it('changed nothing in the cluster', async () => {
    // taken last: nothing above may have written (the refresh annotates an
    // ExternalSecret when it goes through)
    const before = snapshotBefore;
    const after = await clusterSnapshot(client, types);
    expect(
      snapshotChanges(before!, after, [cluster().namespace, ingress]),
    ).toEqual({
      created: [],
      changed: [],
    });
    // every hostile request of every property was answered with a 400
    expect(tally.requests).toBeGreaterThan(0);
    expect(tally.status5xx).toBe(0);
    expect(tally.status400).toBe(tally.requests);
  });
});
