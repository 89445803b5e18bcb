import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { NotFoundError } from '@backstage/errors';
import { ClusterRegistry } from '../cluster/ClusterRegistry';
import { MeshClusterClient } from './MeshClusterClient';
import { istioResources } from '../resources/istioResources';

/** A fake API server on loopback that serves only API discovery. */
function startApiServer(groups: Record<string, string[]>) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    res.setHeader('content-type', 'application/json');
    if (req.url === '/apis') {
      res.end(
        JSON.stringify({
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: Object.entries(groups).map(([name, versions]) => ({
            name,
            versions: versions.map(v => ({
              groupVersion: `${name}/${v}`,
              version: v,
            })),
          })),
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  return new Promise<{ server: Server; url: string; requests: string[] }>(
    resolve =>
      server.listen(0, '127.0.0.1', () =>
        resolve({
          server,
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          requests,
        }),
      ),
  );
}

async function clientFor(url: string) {
  const registry = new ClusterRegistry([
    {
      name: 'old',
      url,
      authProvider: 'serviceAccount',
      serviceAccountToken: 'tok',
      // the fake API server speaks plain HTTP on loopback
      skipTLSVerify: true,
    },
  ]);
  return MeshClusterClient.create(await registry.kubeConfig('old'));
}

describe('MeshClusterClient version discovery', () => {
  let api: Awaited<ReturnType<typeof startApiServer>>;
  afterEach(() => api?.server.close());

  it('falls back to v1beta1 on a cluster that does not serve v1, asking once', async () => {
    api = await startApiServer({
      'networking.istio.io': ['v1beta1', 'v1alpha3'],
      'security.istio.io': ['v1beta1'],
    });
    const client = await clientFor(api.url);
    expect(await client.versionOf(istioResources.virtualService)).toBe(
      'v1beta1',
    );
    expect(await client.versionOf(istioResources.peerAuthentication)).toBe(
      'v1beta1',
    );
    expect(api.requests).toEqual(['GET /apis Bearer tok']);
  });

  it('says which versions are missing when the CRDs are not installed', async () => {
    api = await startApiServer({ 'apps.example.com': ['v1'] });
    const client = await clientFor(api.url);
    const result = client.versionOf(istioResources.gateway);
    await expect(result).rejects.toThrow(NotFoundError);
    await expect(client.versionOf(istioResources.gateway)).rejects.toThrow(
      'The cluster serves none of networking.istio.io/v1, networking.istio.io/v1beta1 for Gateway (served: nothing); are the CRDs installed?',
    );
  });
});
