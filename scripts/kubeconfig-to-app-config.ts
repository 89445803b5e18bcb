/*
 * Writes a Backstage config file whose only Kubernetes cluster is the current
 * context of KUBECONFIG (or ~/.kube/config), with Kiali and Jaeger links for
 * it, for `./run start`.
 * Exit code 0: written; 3: no usable kubeconfig (the app starts without a
 * cluster and says so on the entity page).
 */
import {
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

async function main() {
  const target = process.argv[2];
  if (!target) {
    throw new Error('usage: kubeconfig-to-app-config <output.yaml>');
  }
  const file =
    process.env.KUBECONFIG?.split(path.delimiter)[0] ||
    path.join(os.homedir(), '.kube', 'config');
  if (!fs.existsSync(file)) {
    fs.rmSync(target, { force: true });
    console.error(
      `[meshdeck] no kubeconfig at ${file}: starting without a Kubernetes cluster (set KUBECONFIG to use one)`,
    );
    process.exit(3);
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  let cluster;
  try {
    cluster = kubeconfigToClusterConfig(kc);
  } catch (e) {
    fs.rmSync(target, { force: true });
    console.error(
      `[meshdeck] cannot use ${file}: ${
        (e as Error).message
      }; starting without a Kubernetes cluster`,
    );
    process.exit(3);
  }
  // Kiali and Jaeger where `istioctl dashboard kiali|jaeger` (or a
  // port-forward) serves them; override with MESHDECK_KIALI_URL/JAEGER_URL
  const config = {
    kubernetes: kubernetesAppConfig([cluster]),
    istio: {
      clusters: [
        {
          name: cluster.name,
          kiali: {
            baseUrl:
              process.env.MESHDECK_KIALI_URL ?? 'http://localhost:20001/kiali',
          },
          jaeger: {
            baseUrl:
              process.env.MESHDECK_JAEGER_URL ?? 'http://localhost:16686',
          },
        },
      ],
    },
  };
  // JSON is valid YAML; the file holds a token, so only the owner may read it
  fs.writeFileSync(target, `${JSON.stringify(config, null, 2)}\n`, {
    mode: 0o600,
  });
  console.error(
    `[meshdeck] using cluster '${cluster.name}' (${cluster.url}) from ${file}`,
  );
}

main().catch(e => {
  console.error(`[meshdeck] ${e.stack ?? e}`);
  process.exit(1);
});
