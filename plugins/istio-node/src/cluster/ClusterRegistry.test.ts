import { ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { ClusterRegistry } from './ClusterRegistry';

function config(extra: object = {}) {
  return new ConfigReader({
    kubernetes: {
      clusterLocatorMethods: [
        { type: 'gke', projectId: 'ignored' },
        {
          type: 'config',
          clusters: [
            {
              name: 'eks-prod',
              url: 'https://prod.example.com',
              authProvider: 'aws',
            },
            {
              name: 'local',
              title: 'Local cluster',
              url: 'https://127.0.0.1:16443',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'secret-token',
              caData: Buffer.from('CA').toString('base64'),
            },
          ],
        },
      ],
    },
    ...extra,
  });
}

describe('ClusterRegistry', () => {
  it('reads the clusters of config-type locators, in order', () => {
    const registry = ClusterRegistry.fromConfig(config());
    expect(registry.list().map(c => c.name)).toEqual(['eks-prod', 'local']);
    expect(registry.get('local')).toMatchObject({
      title: 'Local cluster',
      authProvider: 'serviceAccount',
      skipTLSVerify: false,
    });
  });

  it('throws NotFoundError naming the known clusters for an unknown name', () => {
    const registry = ClusterRegistry.fromConfig(config());
    expect(() => registry.get('nope')).toThrow(NotFoundError);
    expect(() => registry.get('nope')).toThrow(
      "Cluster 'nope' is not configured (known: eks-prod, local)",
    );
  });

  it('rejects duplicate cluster names', () => {
    const dup = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'a', url: 'https://a', authProvider: 'serviceAccount' },
              { name: 'a', url: 'https://b', authProvider: 'serviceAccount' },
            ],
          },
        ],
      },
    });
    expect(() => ClusterRegistry.fromConfig(dup)).toThrow(
      "cluster name 'a' is used twice",
    );
  });

  it('attaches mesh settings by cluster name', () => {
    const registry = ClusterRegistry.fromConfig(
      config({
        istio: {
          clusters: [
            {
              name: 'local',
              kiali: { baseUrl: 'http://127.0.0.1:20001/kiali' },
            },
          ],
        },
      }),
    );
    expect(registry.meshSettings('local')).toEqual({
      kiali: {
        baseUrl: 'http://127.0.0.1:20001/kiali',
        clusterName: undefined,
      },
      jaeger: undefined,
    });
    expect(registry.meshSettings('eks-prod')).toEqual({});
  });

  it('refuses mesh settings for a cluster that is not configured', () => {
    expect(() =>
      ClusterRegistry.fromConfig(
        config({ istio: { clusters: [{ name: 'typo' }] } }),
      ),
    ).toThrow("istio.clusters: 'typo' is not a cluster");
  });

  it('builds a KubeConfig that carries the token and CA', async () => {
    const kc = await ClusterRegistry.fromConfig(config()).kubeConfig('local');
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://127.0.0.1:16443',
      caData: Buffer.from('CA').toString('base64'),
    });
    expect(kc.getCurrentUser()?.token).toBe('secret-token');
  });

  it('says clearly when an auth provider is not supported', async () => {
    const registry = new ClusterRegistry([
      {
        name: 'gke',
        url: 'https://gke.example.com',
        authProvider: 'google',
        skipTLSVerify: false,
      },
    ]);
    await expect(registry.kubeConfig('gke')).rejects.toThrow(
      "Cluster 'gke' uses authProvider 'google', which Meshdeck does not support yet (supported: serviceAccount, aws)",
    );
  });

  it('signs EKS tokens with the credentials of the aws integration config', async () => {
    const registry = ClusterRegistry.fromConfig(
      config({
        aws: {
          mainAccount: {
            accessKeyId: 'AKIDMAIN',
            secretAccessKey: 'main-secret',
          },
        },
      }),
    );
    const token = (await registry.kubeConfig('eks-prod')).getCurrentUser()
      ?.token;
    const url = new URL(
      Buffer.from(token!.slice('k8s-aws-v1.'.length), 'base64url').toString(),
    );
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDMAIN\//);
  });
});
