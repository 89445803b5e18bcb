/*
 * The raw read floor: an entity's label-selected pod list straight from the
 * API server, as one HTTPS GET on a kept-alive connection, timed to the
 * parsed JSON. Nothing can answer a request that needs this list faster.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';

export type RawReader = {
  /** Times the pod list of `namespace` with label `backstage.io/kubernetes-id=app`. */
  podList(
    namespace: string,
    app: string,
  ): Promise<{ ms: number; pods: number }>;
  close(): void;
};

/** A reader on the current context of `kubeConfig` (a token user). */
export async function rawReader(kubeConfig: KubeConfig): Promise<RawReader> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new Error('the kubeconfig has no current cluster');
  }
  const server = new URL(cluster.server);
  const secure = server.protocol === 'https:';
  const options: https.RequestOptions = { headers: {} };
  await kubeConfig.applyToHTTPSOptions(options);
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        rejectUnauthorized: options.rejectUnauthorized ?? true,
      })
    : new http.Agent({ keepAlive: true });
  const headers: Record<string, string> = {
    ...(options.headers as Record<string, string>),
    accept: 'application/json',
  };
  const token = kubeConfig.getCurrentUser()?.token;
  if (token && !Object.keys(headers).some(h => /^authorization$/i.test(h))) {
    headers.authorization = `Bearer ${token}`;
  }
  return {
    podList(namespace, app) {
      const path = `${server.pathname.replace(
        /\/$/,
        '',
      )}/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(
        `backstage.io/kubernetes-id=${app}`,
      )}`;
      return new Promise((resolve, reject) => {
        const start = performance.now();
        const req = (secure ? https : http).request(
          {
            protocol: server.protocol,
            hostname: server.hostname,
            port: server.port || (secure ? 443 : 80),
            path,
            headers,
            agent,
          },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
              if (res.statusCode !== 200) {
                reject(
                  new Error(
                    `GET ${path}: ${res.statusCode} ${Buffer.concat(chunks)
                      .toString()
                      .slice(0, 300)}`,
                  ),
                );
                return;
              }
              const list = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              resolve({
                ms: performance.now() - start,
                pods: list.items?.length ?? 0,
              });
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}
