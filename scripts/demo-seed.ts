/*
 * Applies a realistic Istio mesh for the demo component `checkout` to the
 * cluster of KUBECONFIG (current context):
 *
 *   yarn demo:seed
 *
 * - istio-system: an istiod Deployment carrying Istio 1.30.3
 * - istio-ingress: the shared Gateway `public-gateway` for *.shop.example.com,
 *   its TLS secret `istio-gateway-cert` (a certificate 12 days from expiry)
 *   written by an ExternalSecret of the same name
 * - shop: onboarded (istio-injection=enabled, mTLS STRICT); Service
 *   `checkout` in two versions behind a 90/10 canary (DestinationRule +
 *   VirtualService on the gateway); three pods with a sidecar and one created
 *   before the namespace joined the mesh, without one
 * - team-payments: the Service `payments` with two pods, not in the mesh —
 *   for the onboarding template (reset to that state on every run)
 *
 * Idempotent: objects are server-side applied, pods only created once. On a
 * cluster without nodes (no kubelet, e.g. Meshdeck's testbed) it also writes
 * what the controllers would: pods Running and ready, the ExternalSecret
 * synced.
 */
import {
  buildDestinationRule,
  buildGateway,
  buildNamespace,
  buildPeerAuthentication,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import { parseCertificate } from '@meshdeck/plugin-istio-node';
import {
  createTestCertificate,
  externalSecretManifest,
  setExternalSecretStatus,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';

const FIELD_MANAGER = 'meshdeck-demo';
const ISTIO_VERSION = '1.30.3';
const INGRESS = 'istio-ingress';
const SHOP = 'shop';
const PAYMENTS = 'team-payments';
const CERT = 'istio-gateway-cert';
const v = DEFAULT_ISTIO_API_VERSIONS;

type Obj = Record<string, any>;

const HASH = { v1: '7d9f8c6b5', v2: '5f4c8d7e9' } as const;

function checkoutLabels(version: 'v1' | 'v2') {
  return {
    app: 'checkout',
    version,
    'backstage.io/kubernetes-id': 'checkout',
  };
}

function checkoutPod(
  version: 'v1' | 'v2',
  suffix: string,
  sidecar: boolean,
  replicaSetUid: string,
) {
  const hash = HASH[version];
  const labels = {
    ...checkoutLabels(version),
    'pod-template-hash': hash,
    ...(sidecar && {
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'checkout',
      'service.istio.io/canonical-revision': version,
    }),
  };
  const app = {
    name: 'checkout',
    image: `ghcr.io/example/checkout:${version === 'v1' ? '2.4.1' : '2.5.0'}`,
    ports: [{ name: 'http', containerPort: 8080 }],
  };
  return {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `checkout-${version}-${hash}-${suffix}`,
        namespace: SHOP,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `checkout-${version}-${hash}`,
            uid: replicaSetUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        ...(sidecar && {
          annotations: {
            'sidecar.istio.io/status': JSON.stringify({
              initContainers: ['istio-init'],
              containers: ['istio-proxy'],
              volumes: ['istio-envoy', 'istio-data', 'istio-token'],
              revision: 'default',
            }),
          },
        }),
      },
      spec: {
        containers: sidecar
          ? [
              app,
              {
                name: 'istio-proxy',
                image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
                args: ['proxy', 'sidecar'],
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { cpu: '2', memory: '1Gi' },
                },
              },
            ]
          : [app],
      },
    } as Obj,
  };
}

async function main() {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('no current context in KUBECONFIG');
  }
  console.log(`[demo] seeding the checkout demo into ${cluster.server}`);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apply = async (obj: Obj): Promise<Obj> => {
    const applied = await objects.patch(
      obj as any,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    console.log(
      `[demo] applied ${obj.kind} ${obj.metadata.namespace ?? ''}/${
        obj.metadata.name
      }`,
    );
    return applied as Obj;
  };
  const createOnce = async (obj: Obj) => {
    try {
      await objects.create(obj as any);
      console.log(`[demo] created ${obj.kind} ${obj.metadata.name}`);
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 409) {
        return false;
      }
      throw e;
    }
  };
  const noKubelet = (await core.listNode()).items.length === 0;

  // control plane
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'istio-system' },
  });
  const istiodLabels = { app: 'istiod', istio: 'pilot' };
  await apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'istiod',
      namespace: 'istio-system',
      labels: istiodLabels,
    },
    spec: {
      selector: { matchLabels: istiodLabels },
      template: {
        metadata: { labels: istiodLabels },
        spec: {
          containers: [
            {
              name: 'discovery',
              image: `docker.io/istio/pilot:${ISTIO_VERSION}`,
            },
          ],
        },
      },
    },
  });

  // the shared gateway and its certificate, 12 days from expiry
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: INGRESS },
  });
  // (re)written whenever it is not 10–12 days from expiry, so the demo
  // always shows an "expiring" certificate
  const existing = await core
    .readNamespacedSecret({ namespace: INGRESS, name: CERT })
    .catch(() => undefined);
  const crt = existing?.data?.['tls.crt'];
  const daysLeft = crt
    ? parseCertificate(Buffer.from(crt, 'base64')).daysLeft
    : undefined;
  if (daysLeft === undefined || daysLeft < 10 || daysLeft > 12) {
    if (existing) {
      await core.deleteNamespacedSecret({ namespace: INGRESS, name: CERT });
    }
    const certificate = await createTestCertificate({
      sans: ['*.shop.example.com', 'shop.example.com'],
      validForDays: 12,
    });
    await createOnce(tlsSecretManifest(INGRESS, CERT, certificate));
  }
  await apply(
    externalSecretManifest(INGRESS, CERT, CERT, {
      refreshInterval: '1h',
      secretStoreRef: {
        name: 'aws-secrets-manager',
        kind: 'ClusterSecretStore',
      },
      data: [
        {
          secretKey: 'tls.crt',
          remoteRef: {
            key: 'shop/istio-gateway-cert',
            property: 'certificate',
          },
        },
        {
          secretKey: 'tls.key',
          remoteRef: {
            key: 'shop/istio-gateway-cert',
            property: 'private_key',
          },
        },
      ],
    }),
  );
  await apply(
    buildGateway(
      {
        name: 'public-gateway',
        namespace: INGRESS,
        selector: { istio: 'ingressgateway' },
        hosts: ['*.shop.example.com'],
        tls: { mode: 'credential', credentialName: CERT },
        httpsRedirect: true,
      },
      v,
    ),
  );

  // the shop namespace: one pod exists before it joins the mesh
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: SHOP },
  });
  // Deployments and their ReplicaSets as the controllers name them
  const replicaSets: Record<string, string> = {};
  for (const version of ['v1', 'v2'] as const) {
    const labels = checkoutLabels(version);
    const template = {
      metadata: { labels },
      spec: {
        containers: [
          { name: 'checkout', image: `ghcr.io/example/checkout:${version}` },
        ],
      },
    };
    const deployment = await apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `checkout-${version}`, namespace: SHOP, labels },
      spec: { replicas: 2, selector: { matchLabels: labels }, template },
    });
    const rsLabels = { ...labels, 'pod-template-hash': HASH[version] };
    const replicaSet = await apply({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `checkout-${version}-${HASH[version]}`,
        namespace: SHOP,
        labels: rsLabels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: `checkout-${version}`,
            uid: deployment.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: rsLabels },
        template: { ...template, metadata: { labels: rsLabels } },
      },
    });
    replicaSets[version] = replicaSet.metadata.uid;
  }
  const early = checkoutPod('v2', 'x4k2p', false, replicaSets.v2);
  if (await createOnce(early.pod)) {
    // the injection label must be visibly later than the pod
    await new Promise(r => setTimeout(r, 1500));
  }
  await apply(
    buildNamespace({
      name: SHOP,
      injection: 'sidecar',
      kubernetesId: 'checkout',
    }),
  );
  await apply(
    buildPeerAuthentication(
      { namespace: SHOP, mode: 'STRICT', kubernetesId: 'checkout' },
      v,
    ),
  );
  await apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'checkout',
      namespace: SHOP,
      labels: { app: 'checkout' },
    },
    spec: {
      selector: { app: 'checkout' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    },
  });
  for (const pod of [
    checkoutPod('v1', 'h7xq2', true, replicaSets.v1),
    checkoutPod('v1', 'm3z8d', true, replicaSets.v1),
    checkoutPod('v2', 'q9w4t', true, replicaSets.v2),
  ]) {
    await createOnce(pod.pod);
  }
  await apply(
    buildDestinationRule(
      {
        name: 'checkout',
        namespace: SHOP,
        host: 'checkout',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
      v,
    ),
  );
  await apply(
    buildVirtualService(
      {
        name: 'checkout',
        namespace: SHOP,
        hosts: ['checkout.shop.example.com'],
        gateways: [`${INGRESS}/public-gateway`],
        routes: [
          {
            destinations: [
              { host: 'checkout', port: 8080, subset: 'v1', weight: 90 },
              { host: 'checkout', port: 8080, subset: 'v2', weight: 10 },
            ],
          },
        ],
      },
      v,
    ),
  );

  // team-payments: a service NOT in the mesh yet, for the onboarding
  // template. Reset on every seed so the onboarding can be shown again.
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: PAYMENTS },
  });
  for (const [kind, name] of [
    ['VirtualService', 'payments'],
    ['DestinationRule', 'payments'],
    ['PeerAuthentication', 'default'],
  ]) {
    await objects
      .delete({
        apiVersion:
          kind === 'PeerAuthentication'
            ? `security.istio.io/${v.security}`
            : `networking.istio.io/${v.networking}`,
        kind,
        metadata: { name, namespace: PAYMENTS },
      } as any)
      .catch(() => undefined);
  }
  await objects.patch(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: PAYMENTS,
        labels: { 'istio-injection': null, 'istio.io/rev': null },
      },
    } as any,
    undefined,
    undefined,
    FIELD_MANAGER,
    undefined,
    k8s.PatchStrategy.MergePatch,
  );
  const paymentsLabels = {
    app: 'payments',
    version: 'v1',
    'backstage.io/kubernetes-id': 'payments',
  };
  const paymentsDeployment = await apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'payments', namespace: PAYMENTS, labels: paymentsLabels },
    spec: {
      replicas: 2,
      selector: { matchLabels: paymentsLabels },
      template: {
        metadata: { labels: paymentsLabels },
        spec: {
          containers: [
            { name: 'payments', image: 'ghcr.io/example/payments:1.8.0' },
          ],
        },
      },
    },
  });
  const paymentsHash = '6c8b9f7d4';
  const paymentsRs = await apply({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `payments-${paymentsHash}`,
      namespace: PAYMENTS,
      labels: { ...paymentsLabels, 'pod-template-hash': paymentsHash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'payments',
          uid: paymentsDeployment.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: 2,
      selector: {
        matchLabels: { ...paymentsLabels, 'pod-template-hash': paymentsHash },
      },
      template: {
        metadata: {
          labels: { ...paymentsLabels, 'pod-template-hash': paymentsHash },
        },
        spec: {
          containers: [
            { name: 'payments', image: 'ghcr.io/example/payments:1.8.0' },
          ],
        },
      },
    },
  });
  for (const suffix of ['k2v9p', 'w7d3x']) {
    await createOnce({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `payments-${paymentsHash}-${suffix}`,
        namespace: PAYMENTS,
        labels: { ...paymentsLabels, 'pod-template-hash': paymentsHash },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `payments-${paymentsHash}`,
            uid: paymentsRs.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        containers: [
          {
            name: 'payments',
            image: 'ghcr.io/example/payments:1.8.0',
            ports: [{ name: 'http', containerPort: 8080 }],
          },
        ],
      },
    });
  }
  await apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'payments',
      namespace: PAYMENTS,
      labels: { app: 'payments' },
    },
    spec: {
      selector: { app: 'payments' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    },
  });

  if (noKubelet) {
    console.log(
      '[demo] no nodes in this cluster: writing what kubelet and external-secrets would',
    );
    await setExternalSecretStatus(kc, INGRESS, CERT, {
      status: 'True',
      reason: 'SecretSynced',
      message: 'secret synced',
    });
    const pods = [
      ...(await core.listNamespacedPod({ namespace: SHOP })).items,
      ...(await core.listNamespacedPod({ namespace: PAYMENTS })).items,
    ];
    const now = new Date();
    for (const pod of pods) {
      const containers = pod.spec?.containers ?? [];
      await core.replaceNamespacedPodStatus({
        namespace: pod.metadata!.namespace!,
        name: pod.metadata!.name!,
        body: {
          ...pod,
          status: {
            phase: 'Running',
            startTime: now,
            conditions: [
              'Initialized',
              'Ready',
              'ContainersReady',
              'PodScheduled',
            ].map(type => ({
              type,
              status: 'True',
              lastTransitionTime: now,
            })),
            containerStatuses: containers.map(c => ({
              name: c.name,
              image: c.image ?? '',
              imageID: '',
              ready: true,
              restartCount: 0,
              started: true,
              state: { running: { startedAt: now } },
            })),
          },
        },
      });
    }
  }
  console.log('[demo] done: open the checkout component in Backstage');
}

main().catch(e => {
  console.error(`[demo] ${e.body ? JSON.stringify(e.body) : e.stack ?? e}`);
  process.exit(1);
});
