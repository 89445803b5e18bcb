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

  describe('client', () => {
    let now = 0;
    beforeEach(() => {
      now = 1_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => now);
    });
    afterEach(() => jest.restoreAllMocks());

    const local = () => ClusterRegistry.fromConfig(config());

    it('is one client per cluster, shared by concurrent and later callers', async () => {
      const registry = local();
      const kubeConfig = jest.spyOn(registry, 'kubeConfig');
      const [a, b] = await Promise.all([
        registry.client('local'),
        registry.client('local'),
      ]);
      expect(a).toBe(b);
      now += 60_000;
      expect(await registry.client('local')).toBe(a);
      // kubeConfig() is the other, uncached door: client() does not use it
      expect(kubeConfig).not.toHaveBeenCalled();
    });

    it('renews the client after 5 minutes, as its token and discovery age', async () => {
      const registry = local();
      const first = await registry.client('local');
      now += 299_999;
      expect(await registry.client('local')).toBe(first);
      now += 1;
      const second = await registry.client('local');
      expect(second).not.toBe(first);
      expect(await registry.client('local')).toBe(second);
    });

    it('keeps an EKS client no longer than its token is accepted', async () => {
      const provider = jest.fn(async () => async () => ({
        accessKeyId: 'AKID',
        secretAccessKey: 'secret',
      }));
      const registry = new ClusterRegistry(
        [
          {
            name: 'eks',
            url: 'https://eks.example.com',
            authProvider: 'aws',
            skipTLSVerify: false,
          },
        ],
        new Map(),
        provider,
      );
      const t0 = now;
      await registry.client('eks'); // signs a token at t0
      now = t0 + 9.5 * 60_000; // a new client, with the same token
      const late = await registry.client('eks');
      expect(provider).toHaveBeenCalledTimes(1);
      // kept until 14 minutes after t0, not 9.5 + 5: EKS accepts a token for 15
      now = t0 + 14 * 60_000 - 1;
      expect(await registry.client('eks')).toBe(late);
      now = t0 + 14 * 60_000;
      expect(await registry.client('eks')).not.toBe(late);
      expect(provider).toHaveBeenCalledTimes(2);
    });

    it('does not keep a failure', async () => {
      const registry = local();
      const kubeConfigs = jest
        .spyOn(registry as any, 'credentials')
        .mockRejectedValueOnce(new Error('no route'));
      await expect(registry.client('local')).rejects.toThrow('no route');
      await expect(registry.client('local')).resolves.toBeDefined();
      expect(kubeConfigs).toHaveBeenCalledTimes(2);
    });

    it('rejects an unknown cluster with NotFoundError', async () => {
      await expect(local().client('nope')).rejects.toThrow(NotFoundError);
    });
  });
});
