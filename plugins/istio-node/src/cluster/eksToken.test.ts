import { createHash, createHmac } from 'node:crypto';
import { ClusterRegistry } from './ClusterRegistry';
import { eksToken } from './eksToken';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
});

function decode(token: string): URL {
  expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
  return new URL(
    Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString(),
  );
}

/** SigV4 of a presigned GET, computed independently of the AWS signer. */
function expectedSignature(url: URL, clusterId: string, secret: string) {
  const params = [...url.searchParams.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = [
    'GET',
    '/',
    params,
    `host:${url.hostname}`,
    `x-k8s-aws-id:${clusterId}`,
    '',
    'host;x-k8s-aws-id',
    sha(''),
  ].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const scope = url.searchParams.get('X-Amz-Credential')!.split('/').slice(1);
  const toSign = [
    'AWS4-HMAC-SHA256',
    date,
    scope.join('/'),
    sha(canonical),
  ].join('\n');
  let key: Buffer | string = `AWS4${secret}`;
  for (const part of scope) {
    key = createHmac('sha256', key).update(part).digest();
  }
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('eksToken', () => {
  it('is a presigned STS GetCallerIdentity URL bound to the cluster', async () => {
    const token = await eksToken({
      clusterId: 'prod-eks',
      credentials,
      signingDate: new Date('2026-11-28T04:00:00Z'),
    });
    const url = decode(token);
    expect(url.origin).toBe('https://sts.amazonaws.com');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261128/us-east-1/sts/aws4_request',
      'X-Amz-Date': '20261128T040000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
    });
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(
        url,
        'prod-eks',
        'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      ),
    );
    // another cluster, another signature
    const other = decode(
      await eksToken({
        clusterId: 'dev-eks',
        credentials,
        signingDate: new Date('2026-11-28T04:00:00Z'),
      }),
    );
    expect(other.searchParams.get('X-Amz-Signature')).not.toBe(
      url.searchParams.get('X-Amz-Signature'),
    );
  });

  it('uses the regional STS endpoint outside us-east-1, with session tokens', async () => {
    const url = decode(
      await eksToken({
        clusterId: 'c',
        region: 'eu-west-1',
        credentials: async () => ({
          ...(await credentials()),
          sessionToken: 'session',
        }),
      }),
    );
    expect(url.hostname).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session');
  });
});

describe('ClusterRegistry with authProvider aws', () => {
  const cluster = {
    name: 'prod',
    url: 'https://eks.example.com',
    authProvider: 'aws',
    skipTLSVerify: false,
    authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'prod-eks' },
  };

  it('authenticates with an EKS token for the configured cluster id, reused while valid', async () => {
    const provider = jest.fn(async () => credentials);
    const registry = new ClusterRegistry([cluster], new Map(), provider);
    const first = await registry.kubeConfig('prod');
    const token = first.getCurrentUser()?.token ?? '';
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(
        url,
        'prod-eks',
        'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      ),
    );
    const again = await registry.kubeConfig('prod');
    expect(again.getCurrentUser()?.token).toBe(token);
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('says so when no AWS credentials are available', async () => {
    const registry = new ClusterRegistry([cluster]);
    await expect(registry.kubeConfig('prod')).rejects.toThrow(
      "Cluster 'prod' uses authProvider 'aws', but no AWS credentials are available to Meshdeck",
    );
  });
});
