import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { Config } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { MeshClusterClient } from '../client/MeshClusterClient';
import { ClusterConfig, MeshSettings } from './ClusterConfig';
import { eksToken } from './eksToken';
import { readClusterConfigs } from './readClusterConfigs';
import { readMeshSettings } from './readMeshSettings';

/** Auth providers Meshdeck can turn into credentials itself. */
const SUPPORTED_AUTH_PROVIDERS = ['serviceAccount', 'aws'];

/** EKS accepts a token for 15 minutes; use one for 10. */
const EKS_TOKEN_REUSE_MS = 10 * 60_000;

/** How long EKS accepts a token, less a minute for clock skew. */
const EKS_TOKEN_VALID_MS = 14 * 60_000;

/**
 * The longest a cluster client is kept. Its API discovery lives as long as
 * it does, so a CRD installed later shows up within this time.
 */
const CLIENT_MAX_AGE_MS = 5 * 60_000;

/**
 * AWS credentials for a cluster with authProvider `aws`.
 *
 * @public
 */
export type AwsClusterCredentials = (
  cluster: ClusterConfig,
) => Promise<AwsCredentialIdentityProvider>;

/**
 * Credentials from `@backstage/integration-aws-node` (the `aws` config:
 * main account, accounts, or the default chain, e.g. IRSA on EKS), then the
 * cluster's `kubernetes.io/aws-assume-role` (with its external id) if set.
 *
 * @public
 */
export function awsClusterCredentialsFromConfig(
  config: Config,
): AwsClusterCredentials {
  const manager = DefaultAwsCredentialsManager.fromConfig(config);
  return async cluster => {
    const roleArn = cluster.authMetadata?.['kubernetes.io/aws-assume-role'];
    const base = (
      await manager.getCredentialProvider(roleArn ? { arn: roleArn } : {})
    ).sdkCredentialProvider;
    if (!roleArn) {
      return base;
    }
    const { fromTemporaryCredentials } = await import(
      '@aws-sdk/credential-providers'
    );
    return fromTemporaryCredentials({
      masterCredentials: base,
      params: {
        RoleArn: roleArn,
        RoleSessionName: 'meshdeck',
        ExternalId: cluster.authMetadata?.['kubernetes.io/aws-external-id'],
      },
    });
  };
}

/**
 * The clusters Meshdeck may talk to, built once from configuration.
 * Credentials stay inside; callers get clients, never tokens.
 *
 * @public
 */
export class ClusterRegistry {
  static fromConfig(config: Config): ClusterRegistry {
    return new ClusterRegistry(
      readClusterConfigs(config),
      readMeshSettings(config),
      awsClusterCredentialsFromConfig(config),
    );
  }

  private readonly clusters: Map<string, ClusterConfig>;
  private readonly eksTokens = new Map<
    string,
    { token: Promise<string>; issuedAt: number; until: number }
  >();
  private readonly clients = new Map<
    string,
    { client: Promise<MeshClusterClient>; until: number }
  >();

  constructor(
    clusters: ClusterConfig[],
    private readonly settings: Map<string, MeshSettings> = new Map(),
    private readonly awsCredentials?: AwsClusterCredentials,
  ) {
    this.clusters = new Map(clusters.map(c => [c.name, c]));
    for (const name of settings.keys()) {
      if (!this.clusters.has(name)) {
        throw new Error(
          `istio.clusters: '${name}' is not a cluster of kubernetes.clusterLocatorMethods (known: ${
            [...this.clusters.keys()].join(', ') || 'none'
          })`,
        );
      }
    }
  }

  /** The configured clusters, in configuration order. */
  list(): ClusterConfig[] {
    return [...this.clusters.values()];
  }

  /** One cluster by name; `NotFoundError` for a name that is not configured. */
  get(name: string): ClusterConfig {
    const cluster = this.clusters.get(name);
    if (!cluster) {
      throw new NotFoundError(
        `Cluster '${name}' is not configured (known: ${
          [...this.clusters.keys()].join(', ') || 'none'
        })`,
      );
    }
    return cluster;
  }

  /** Kiali/Jaeger and other mesh settings of a cluster (empty when unset). */
  meshSettings(name: string): MeshSettings {
    this.get(name);
    return this.settings.get(name) ?? {};
  }

  /**
   * The client of the named cluster — the one place Meshdeck creates cluster
   * clients. Shared by every caller for at most 5 minutes, and never past the
   * life of its credentials (an EKS token); a client that could not be
   * created is not kept, so the next call tries again.
   */
  client(name: string): Promise<MeshClusterClient> {
    const cached = this.clients.get(name);
    const now = Date.now();
    if (cached && cached.until > now) {
      return cached.client;
    }
    const entry: { client: Promise<MeshClusterClient>; until: number } = {
      client: this.credentials(name).then(({ kubeConfig, validUntil }) => {
        entry.until = Math.min(entry.until, validUntil);
        return MeshClusterClient.create(kubeConfig);
      }),
      until: now + CLIENT_MAX_AGE_MS,
    };
    this.clients.set(name, entry);
    entry.client.catch(() => {
      if (this.clients.get(name) === entry) {
        this.clients.delete(name);
      }
    });
    return entry.client;
  }

  /**
   * A client-node KubeConfig that authenticates to the named cluster. Prefer
   * {@link ClusterRegistry.client}, which shares one client per cluster.
   */
  async kubeConfig(name: string): Promise<KubeConfig> {
    return (await this.credentials(name)).kubeConfig;
  }

  /** A KubeConfig for the cluster, and until when its token is accepted. */
  private async credentials(
    name: string,
  ): Promise<{ kubeConfig: KubeConfig; validUntil: number }> {
    const cluster = this.get(name);
    if (!SUPPORTED_AUTH_PROVIDERS.includes(cluster.authProvider)) {
      throw new Error(
        `Cluster '${name}' uses authProvider '${
          cluster.authProvider
        }', which Meshdeck does not support yet (supported: ${SUPPORTED_AUTH_PROVIDERS.join(
          ', ',
        )})`,
      );
    }
    const { KubeConfig: KubeConfigClass } = await import(
      '@kubernetes/client-node'
    );
    const eks =
      cluster.authProvider === 'aws'
        ? await this.eksTokenFor(cluster)
        : undefined;
    const kc = new KubeConfigClass();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caData: cluster.caData,
          caFile: cluster.caFile,
          skipTLSVerify: cluster.skipTLSVerify,
        },
      ],
      users: [
        {
          name: 'meshdeck',
          token: eks ? eks.token : cluster.serviceAccountToken,
        },
      ],
      contexts: [
        { name: cluster.name, cluster: cluster.name, user: 'meshdeck' },
      ],
      currentContext: cluster.name,
    });
    return {
      kubeConfig: kc,
      validUntil: eks ? eks.issuedAt + EKS_TOKEN_VALID_MS : Infinity,
    };
  }

  /** A token for an EKS cluster, reused while EKS still accepts it. */
  private async eksTokenFor(
    cluster: ClusterConfig,
  ): Promise<{ token: string; issuedAt: number }> {
    const cached = this.eksTokens.get(cluster.name);
    if (cached && cached.until > Date.now()) {
      return { token: await cached.token, issuedAt: cached.issuedAt };
    }
    if (!this.awsCredentials) {
      throw new Error(
        `Cluster '${cluster.name}' uses authProvider 'aws', but no AWS credentials are available to Meshdeck`,
      );
    }
    const token = this.awsCredentials(cluster)
      .then(credentials =>
        eksToken({
          clusterId:
            cluster.authMetadata?.['kubernetes.io/x-k8s-aws-id'] ??
            cluster.name,
          credentials,
        }),
      )
      .catch(e => {
        throw new Error(
          `Cluster '${
            cluster.name
          }' (authProvider aws): cannot sign an EKS token: ${
            (e as Error).message
          }`,
        );
      });
    const issuedAt = Date.now();
    const entry = { token, issuedAt, until: issuedAt + EKS_TOKEN_REUSE_MS };
    this.eksTokens.set(cluster.name, entry);
    token.catch(() => {
      if (this.eksTokens.get(cluster.name) === entry) {
        this.eksTokens.delete(cluster.name);
      }
    });
    return { token: await token, issuedAt };
  }
}
