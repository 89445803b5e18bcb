import { kubeconfigToClusterConfig } from './kubeconfigToClusterConfig';

async function kubeConfig(user: object) {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: 'Q0E=' }],
    users: [{ name: 'u', ...user }],
    contexts: [{ name: 'dev', cluster: 'c', user: 'u' }],
    currentContext: 'dev',
  });
  return kc;
}

describe('kubeconfigToClusterConfig', () => {
  it('maps the current context to a serviceAccount cluster', async () => {
    expect(
      kubeconfigToClusterConfig(await kubeConfig({ token: 't0k' })),
    ).toEqual({
      name: 'dev',
      url: 'https://127.0.0.1:6443',
      authProvider: 'serviceAccount',
      serviceAccountToken: 't0k',
      caData: 'Q0E=',
      caFile: undefined,
      skipTLSVerify: false,
    });
  });

  it('explains that a user without a token cannot be used', async () => {
    const kc = await kubeConfig({ certData: 'x', keyData: 'y' });
    expect(() => kubeconfigToClusterConfig(kc)).toThrow(
      "user 'u' of kubeconfig context 'dev' has no token",
    );
  });
});
