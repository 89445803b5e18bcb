import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';
import { createNamespaceAction } from '../actions/namespaceCreate';
import { WritePolicy } from '@meshdeck/plugin-istio-node';

const config = new ConfigReader({
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            // nothing listens on port 1 of loopback
            name: 'dead',
            url: 'https://127.0.0.1:1',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'token',
            skipTLSVerify: true,
          },
        ],
      },
    ],
  },
  istio: { scaffolder: { allowedNamespaces: ['shop'] } },
});

const action = createNamespaceAction({
  clusters: ClusterRegistry.fromConfig(config),
  policy: WritePolicy.fromConfig(config),
});

function run(input: Record<string, unknown>) {
  return action.handler(createMockActionContext({ input: input as any }));
}

describe('the shared action pipeline', () => {
  it('refuses invalid input with every problem listed', async () => {
    const attempt = run({ cluster: 'dead', name: 'Shop', injection: 'magic' });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(
      run({ cluster: 'dead', name: 'Shop', injection: 'magic' }),
    ).rejects.toThrow(
      'Invalid input:\n- name: namespace name "Shop" must consist of lower-case letters',
    );
  });

  it('refuses a namespace outside the allow-list before touching a cluster', async () => {
    await expect(run({ cluster: 'dead', name: 'payments' })).rejects.toThrow(
      "namespace 'payments' is not in istio.scaffolder.allowedNamespaces (shop)",
    );
  });

  it('refuses a cluster that is not configured', async () => {
    const attempt = run({ cluster: 'https://evil.example.com', name: 'shop' });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(
      run({ cluster: 'https://evil.example.com', name: 'shop' }),
    ).rejects.toThrow(
      "Cluster 'https://evil.example.com' is not configured (known: dead)",
    );
  });

  it('names the cluster it cannot reach', async () => {
    await expect(run({ cluster: 'dead', name: 'shop' })).rejects.toThrow(
      "Cannot read cluster 'dead': ",
    );
  });
});
