import {
  buildHttpRoute,
  buildK8sGateway,
  buildReferenceGrant,
} from '@meshdeck/plugin-istio-common';
import { MeshClusterClient } from '../client/MeshClusterClient';
import { CustomResourceType } from '../resources/istioResources';
import {
  readGatewayApiModel,
  withPlannedGatewayApi,
} from './readGatewayApiModel';

const created = (m: any, at: string) => ({
  ...m,
  metadata: { ...m.metadata, creationTimestamp: at },
});

const gateway = buildK8sGateway({
  name: 'public',
  namespace: 'istio-ingress',
  listeners: [
    {
      name: 'https',
      hostname: '*.example.com',
      port: 443,
      protocol: 'HTTPS',
      certificateRefs: [
        { name: 'wildcard' },
        { name: 'shared', namespace: 'certs' },
      ],
      allowedRoutes: { from: 'Selector', selector: { ingress: 'public' } },
    },
  ],
});
const route = (namespace: string, name: string) =>
  buildHttpRoute({
    name,
    namespace,
    hostnames: [`${name}.example.com`],
    parentRefs: [{ name: 'public', namespace: 'istio-ingress' }],
    rules: [{ backendRefs: [{ name, port: 80 }] }],
  });

/** A client serving the given objects by kind; `served: false` serves no Gateway API. */
function fakeClient(served = true) {
  const objects: Record<string, unknown[]> = {
    Gateway: [created(gateway, '2025-01-01T00:00:00Z')],
    HTTPRoute: [
      created(route('team-a', 'shop'), '2025-01-02T00:00:00Z'),
      created(route('team-b', 'blog'), '2025-01-03T00:00:00Z'),
    ],
    ReferenceGrant: [],
  };
  const namespaces: Record<string, Record<string, string> | undefined> = {
    'team-a': { ingress: 'public' },
    'team-b': undefined, // exists, no labels
  };
  const client = {
    serves: jest.fn(async () => served),
    list: jest.fn(async (type: CustomResourceType) => objects[type.kind] ?? []),
    listServices: jest.fn(async (ns: string) => [
      {
        metadata: { name: 'shop', namespace: ns },
        spec: { ports: [{ port: 80 }] },
      },
    ]),
    controlPlanes: jest.fn(async () => []),
    readTlsCertificate: jest.fn(async (_ns: string, name: string) =>
      name === 'wildcard'
        ? {
            exists: true as const,
            certificate: {
              sans: ['*.example.com'],
              daysLeft: 30,
              notAfter: '2026-01-01T00:00:00.000Z',
              serial: '01',
            },
          }
        : { exists: false as const },
    ),
    getNamespace: jest.fn(async (name: string) =>
      name in namespaces
        ? { metadata: { name, labels: namespaces[name] } }
        : undefined,
    ),
  };
  return client;
}

describe('readGatewayApiModel', () => {
  it('reads the Gateway API objects, Services, listener certificates and the namespace labels Selector listeners need', async () => {
    const client = fakeClient();
    const model = await readGatewayApiModel(
      client as unknown as MeshClusterClient,
      {
        serviceNamespaces: ['team-a', 'team-a'],
        certificatesOf: ['istio-ingress/public'],
        namespaceLabelsOf: ['team-c'],
      },
    );
    expect(model.served).toBe(true);
    expect(model.gateways.map(g => g.ref)).toEqual(['istio-ingress/public']);
    expect(model.httpRoutes.map(r => [r.ref, r.createdAt])).toEqual([
      ['team-a/shop', '2025-01-02T00:00:00Z'],
      ['team-b/blog', '2025-01-03T00:00:00Z'],
    ]);
    expect(model.services.map(s => s.ref)).toEqual(['team-a/shop']);
    expect(model.serviceNamespaces).toEqual(['team-a']);
    // each certificate Secret read by name, public fields only
    expect(client.readTlsCertificate.mock.calls).toEqual([
      ['istio-ingress', 'wildcard'],
      ['certs', 'shared'],
    ]);
    expect(model.credentials).toEqual([
      {
        namespace: 'istio-ingress',
        name: 'wildcard',
        exists: true,
        certificate: {
          sans: ['*.example.com'],
          daysLeft: 30,
          notAfter: '2026-01-01T00:00:00.000Z',
          serial: '01',
        },
      },
      { namespace: 'certs', name: 'shared', exists: false },
    ]);
    // team-c does not exist: its labels stay unknown
    expect(model.namespaceLabels).toEqual({
      'team-a': { ingress: 'public' },
      'team-b': {},
    });
  });

  it('is empty when the cluster does not serve the Gateway API', async () => {
    const client = fakeClient(false);
    const model = await readGatewayApiModel(
      client as unknown as MeshClusterClient,
    );
    expect(model).toMatchObject({
      served: false,
      gateways: [],
      httpRoutes: [],
      referenceGrants: [],
      credentials: [],
    });
    expect(client.list).not.toHaveBeenCalled();
  });
});

describe('withPlannedGatewayApi', () => {
  it('replaces objects of the same name, keeping their creation time, and adds new ones', async () => {
    const model = await readGatewayApiModel(
      fakeClient() as unknown as MeshClusterClient,
    );
    const grant = buildReferenceGrant({
      name: 'g',
      namespace: 'certs',
      from: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          namespace: 'istio-ingress',
        },
      ],
      to: [{ group: '', kind: 'Secret', name: 'shared' }],
    });
    const istioGateway = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: 'istio-ingress' },
      spec: {},
    };
    const planned = withPlannedGatewayApi(model, [
      route('team-a', 'shop'),
      route('team-a', 'new'),
      grant,
      istioGateway,
    ]);
    expect(planned.httpRoutes.map(r => [r.ref, r.createdAt])).toEqual([
      ['team-b/blog', '2025-01-03T00:00:00Z'],
      ['team-a/shop', '2025-01-02T00:00:00Z'],
      ['team-a/new', undefined],
    ]);
    expect(planned.referenceGrants.map(g => g.ref)).toEqual(['certs/g']);
    // an Istio Gateway of the same name is another kind of object
    expect(planned.gateways).toEqual(model.gateways);
  });
});
