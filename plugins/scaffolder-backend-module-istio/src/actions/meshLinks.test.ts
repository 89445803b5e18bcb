import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { createMeshLinksAction } from './meshLinks';

const clusters = ClusterRegistry.fromConfig(
  new ConfigReader({
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            { name: 'prod', url: 'https://prod', authProvider: 'aws' },
            { name: 'dev', url: 'https://dev', authProvider: 'aws' },
          ],
        },
      ],
    },
    istio: {
      clusters: [
        {
          name: 'prod',
          kiali: { baseUrl: 'https://kiali.example.com/kiali' },
          jaeger: { baseUrl: 'https://jaeger.example.com' },
        },
      ],
    },
  }),
);

describe('istio:mesh:links', () => {
  const action = createMeshLinksAction({ clusters });

  it('outputs Kiali and Jaeger links from the cluster settings', async () => {
    const ctx = createMockActionContext({
      input: { cluster: 'prod', namespace: 'shop', app: 'checkout' },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'kialiGraphUrl',
      'https://kiali.example.com/kiali/console/graph/namespaces?namespaces=shop&graphType=versionedApp&duration=600&refresh=60000',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'kialiServiceUrl',
      'https://kiali.example.com/kiali/console/namespaces/shop/services/checkout',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'jaegerSearchUrl',
      'https://jaeger.example.com/search?service=checkout.shop&lookback=1h&limit=20',
    );
  });

  it('leaves out links whose base URL is not configured', async () => {
    const ctx = createMockActionContext({
      input: { cluster: 'dev', namespace: 'shop', app: 'checkout' },
    });
    await action.handler(ctx);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('refuses a cluster that is not configured, naming the known ones', async () => {
    const ctx = createMockActionContext({
      input: { cluster: 'https://evil.example.com', namespace: 'shop' },
    });
    const run = action.handler(ctx);
    await expect(run).rejects.toThrow(InputError);
    await expect(action.handler(ctx)).rejects.toThrow(
      "Cluster 'https://evil.example.com' is not configured in Backstage (known: prod, dev)",
    );
  });
});
