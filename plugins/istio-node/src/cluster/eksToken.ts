import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, Hash, Hmac } from 'node:crypto';

function bytes(data: string | ArrayBuffer | ArrayBufferView) {
  if (typeof data === 'string') {
    return Buffer.from(data, 'utf8');
  }
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(data);
}

/** SHA-256 (or HMAC-SHA-256 with a key) in the shape the AWS signer takes. */
class Sha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret
      ? createHmac('sha256', bytes(secret))
      : createHash('sha256');
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/**
 * The presigned URL's `X-Amz-Expires`, as `aws eks get-token` sets it. EKS
 * itself accepts a token for 15 minutes from its signing time.
 */
const PRESIGN_EXPIRES_SECONDS = 60;

/**
 * A bearer token for an EKS cluster, the way `aws eks get-token` makes one:
 * an STS `GetCallerIdentity` URL presigned with the caller's AWS credentials,
 * bound to the cluster by the signed `x-k8s-aws-id` header, base64url-encoded
 * behind `k8s-aws-v1.`. The API server's authenticator calls STS with it to
 * learn the caller's IAM identity.
 *
 * @public
 */
export async function eksToken(options: {
  /** The EKS cluster's name (`x-k8s-aws-id`). */
  clusterId: string;
  credentials: AwsCredentialIdentityProvider;
  /** STS region; `us-east-1` uses the global endpoint. */
  region?: string;
  /** The signing time; now when unset. */
  signingDate?: Date;
}): Promise<string> {
  const region = options.region ?? 'us-east-1';
  const hostname =
    region === 'us-east-1'
      ? 'sts.amazonaws.com'
      : `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region,
    service: 'sts',
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': options.clusterId },
    } as any,
    {
      expiresIn: PRESIGN_EXPIRES_SECONDS,
      signingDate: options.signingDate,
    },
  );
  const query = new URLSearchParams(
    Object.entries(signed.query as Record<string, string>),
  ).toString();
  const url = `https://${hostname}/?${query}`;
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}
