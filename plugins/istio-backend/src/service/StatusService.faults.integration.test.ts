import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  buildDestinationRule,
  buildPeerAuthentication,
  ClusterStatus,
  DEFAULT_ISTIO_API_VERSIONS,
  MeshStatus,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  Fault,
  FaultMatcher,
  FaultProxy,
  serviceWithPod,
  startFaultProxy,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { exposedService } from '../__testUtils__/exposedService';
import { StatusService, TRANSIENT_ERROR_CACHE_TTL_MS } from './StatusService';

/**
 * The status when the API server misbehaves. Two clusters are configured
 * for the same test cluster: `direct`, and `faulty` through a fault proxy
 * (HTTPS, like a real API server). For each fault on each kind of read the
 * status makes, the answer comes within the request timeout, with an error
 * entry naming the read (or, when the pods or the whole cluster fail, the
 * cluster), everything else as it is without the fault; and once the fault
 * clears, the next answer after the transient-error cache is whole again.
 */

/** The request timeout of these tests (`istio.requestTimeout`). */
const TIMEOUT_MS = 2500;
/** What an answer may take beyond it: assembly, a loaded CI machine. */
const MARGIN_MS = 1500;

type Read = {
  name: string;
  match: FaultMatcher;
  /**
   * The pods decide everything else: when they fail, the cluster's entry
   * is the error (the entry names the cluster).
   */
  entryFails?: boolean;
  /** What the error entries of a failed read start with. */
  errors: (ns: Names) => string[];
  /** What stays as it was when only this read fails. */
  intact: (entry: ClusterStatus) => unknown;
};

type Names = { namespace: string; ingress: string };

const withoutMtls = (entry: ClusterStatus) =>
  entry.workloads.map(({ mtls: _mtls, ...w }) => w);

const READS: Read[] = [
  {
    name: 'pods list',
    match: { method: 'GET', path: /\/pods$/, watch: false },
    entryFails: true,
    errors: () => [],
    intact: () => undefined,
  },
  {
    name: 'Istio object lists',
    match: { method: 'GET', path: /^\/apis\/[a-z.]*istio\.io\//, watch: false },
    errors: () => [
      'PeerAuthentications: ',
      'VirtualServices: ',
      'Gateways: ',
      'DestinationRules: ',
      'AuthorizationPolicies: ',
    ],
    intact: e => [withoutMtls(e), e.namespaces, e.controlPlane],
  },
  {
    name: 'namespace get',
    match: {
      method: 'GET',
      path: /^\/api\/v1\/namespaces\/[^/]+$/,
      watch: false,
    },
    errors: ({ namespace }) => [`Namespace ${namespace}: `],
    intact: e => [
      e.workloads.map(w => w.pods.map(p => p.name)),
      e.traffic,
      e.certificates,
      e.controlPlane,
      e.topology,
    ],
  },
  {
    name: 'secret get',
    match: {
      method: 'GET',
      path: /^\/api\/v1\/namespaces\/[^/]+\/secrets\/[^/]+$/,
    },
    errors: ({ ingress }) => [`TLS secret ${ingress}/gateway-cert: `],
    intact: e => [e.workloads, e.namespaces, e.traffic, e.controlPlane],
  },
  {
    name: 'istiod Deployments',
    match: { method: 'GET', path: /^\/apis\/apps\/v1\/deployments$/ },
    errors: () => ['istiod Deployments: '],
    intact: e => [
      e.workloads.map(({ pods, ...w }) => ({
        ...w,
        pods: pods.map(p => p.name),
      })),
      e.namespaces,
      e.traffic,
      e.certificates,
    ],
  },
];

/**
 * What a fault shows as. A failed read is an error entry of its own whose
 * message says what the API server (here the proxy) said; a status the API
 * server answers with (5xx, 429) is a passing condition, so its kind must
 * be one a cache keeps only briefly, never `forbidden` or `invalid`.
 */
type Expectation =
  /** the read fails on its own, with an error entry */
  | { read: Array<ClusterStatus['errors'][number]['kind']>; says: string }
  /** the cluster does not answer in time */
  | { cluster: 'timeout' }
  /** nothing shows: the answer is whole */
  | { whole: true };

const FAULTS: Array<{ name: string; fault: Fault; expect: Expectation }> = [
  {
    name: 'latency below the timeout',
    fault: { kind: 'latency', ms: 400 },
    expect: { whole: true },
  },
  {
    name: 'latency beyond the timeout',
    fault: { kind: 'latency', ms: 120_000 },
    expect: { cluster: 'timeout' },
  },
  ...[500, 503].map(status => ({
    name: String(status),
    fault: { kind: 'status', status } as Fault,
    expect: {
      read: ['unreachable', 'timeout', 'other'],
      says: `fault proxy: injected ${status}`,
    } as Expectation,
  })),
  {
    name: '429 with Retry-After',
    fault: { kind: 'status', status: 429, retryAfterSeconds: 1 },
    expect: {
      read: ['unreachable', 'timeout', 'other'],
      says: 'fault proxy: injected 429',
    },
  },
  {
    name: 'connection reset',
    fault: { kind: 'reset' },
    expect: { read: ['unreachable'], says: 'cannot reach the API server' },
  },
  {
    name: 'hanging request',
    fault: { kind: 'hang' },
    expect: { cluster: 'timeout' },
  },
];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oneOf = (kinds: string[]) =>
  expect.stringMatching(new RegExp(`^(${kinds.join('|')})$`));

/**
 * What a case shows of the faulty cluster's entry (`actual`) and what it
 * should show (`expected`, from the entry without the fault, `was`).
 */
function outcome(
  want: Expectation,
  read: Read,
  names: Names,
  entry: ClusterStatus,
  was: ClusterStatus,
): { actual: unknown; expected: unknown } {
  if ('whole' in want) {
    return { actual: entry, expected: was };
  }
  const errors = [...entry.errors].sort((a, b) =>
    a.message.localeCompare(b.message),
  );
  if ('cluster' in want || read.entryFails) {
    // the whole cluster entry is the error, named by the entry
    return {
      actual: {
        errors,
        workloads: entry.workloads,
        certificates: entry.certificates,
      },
      expected: {
        errors: [
          'cluster' in want
            ? {
                source: 'kubernetes',
                kind: want.cluster,
                message: `cluster 'faulty' did not answer within ${TIMEOUT_MS} ms`,
              }
            : {
                source: 'kubernetes',
                kind: oneOf(want.read),
                message: expect.stringContaining(want.says),
              },
        ],
        workloads: [],
        certificates: [],
      },
    };
  }
  // an error entry per failed read, named, next to the rest as it was
  return {
    actual: { errors, intact: read.intact(entry) },
    expected: {
      errors: read
        .errors(names)
        .sort()
        .map(prefix => ({
          source: 'kubernetes',
          kind: oneOf(want.read),
          message: expect.stringMatching(
            new RegExp(`^${escape(prefix)}.*${escape(want.says)}`),
          ),
        })),
      intact: read.intact(was),
    },
  };
}

/**
 * A cluster's entry with only this file's control plane: other test files
 * create and delete istiod Deployments in the same cluster while this one
 * runs, and the control plane is read cluster-wide.
 */
function own(entry: ClusterStatus, controlPlane: string): ClusterStatus {
  return {
    ...entry,
    controlPlane: entry.controlPlane.filter(c => c.namespace === controlPlane),
  };
}

describeWithCluster('the status under API server faults', cluster => {
  let proxy: FaultProxy;
  let registry: ClusterRegistry;
  let names: Names;
  const tally = { injected: 0, survived: 0, cases: 0, recovered: 0 };
  const timings: string[] = [];

  const entity = () => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': 'checkout',
        'backstage.io/kubernetes-namespace': names.namespace,
      },
    },
  });

  /** A status service of its own: its own cluster reads and a real cache. */
  function newService() {
    return new StatusService({
      clusters: registry,
      timeoutMs: TIMEOUT_MS,
      logger: mockServices.logger.mock(),
      cache: CacheManager.fromConfig(
        new ConfigReader({ backend: { cache: { store: 'memory' } } }),
      ).forPlugin('istio'),
    });
  }

  const entryOf = (status: MeshStatus, name: string) =>
    own(status.clusters.find(c => c.name === name)!, `${names.namespace}-cp`);

  /** An answer without what differs between two answers of the same state. */
  const comparable = (status: MeshStatus) => ({
    entityRef: status.entityRef,
    verdict: status.verdict,
    clusters: status.clusters.map(c => entryOf(status, c.name)),
  });

  beforeAll(async () => {
    const { kubeConfig, namespace } = cluster();
    const ingress = await cluster().extraNamespace('ingress', true);
    const controlPlane = await cluster().extraNamespace('cp', true);
    names = { namespace, ingress };
    const { CoreV1Api } = await import('@kubernetes/client-node');
    await kubeConfig.makeApiClient(CoreV1Api).patchNamespace({
      name: namespace,
      body: [
        {
          op: 'add',
          path: '/metadata/labels/istio-injection',
          value: 'enabled',
        },
      ],
    });
    await createObjects(
      kubeConfig,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'istiod',
          namespace: controlPlane,
          labels: { app: 'istiod' },
        },
        spec: {
          selector: { matchLabels: { app: 'istiod' } },
          template: {
            metadata: { labels: { app: 'istiod' } },
            spec: {
              containers: [
                { name: 'discovery', image: 'docker.io/istio/pilot:1.30.3' },
              ],
            },
          },
        },
      },
      ...serviceWithPod(namespace, 'checkout', 8080),
      tlsSecretManifest(
        ingress,
        'gateway-cert',
        await createTestCertificate({
          sans: ['*.faults.example'],
          validForDays: 60,
        }),
      ),
      buildPeerAuthentication(
        { namespace, mode: 'STRICT' },
        DEFAULT_ISTIO_API_VERSIONS,
      ),
      buildDestinationRule(
        {
          name: 'checkout',
          namespace,
          host: 'checkout',
          subsets: [{ name: 'v1', labels: { app: 'checkout' } }],
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ),
      ...exposedService({
        gatewayNamespace: ingress,
        gatewayHosts: ['*.faults.example'],
        credentialName: 'gateway-cert',
        namespace,
        service: 'checkout',
        host: 'checkout.faults.example',
        routes: [{ destinations: [{ host: 'checkout', subset: 'v1' }] }],
      }),
    );

    proxy = await startFaultProxy({ kubeConfig, tls: true });
    registry = ClusterRegistry.fromConfig(
      new ConfigReader({
        kubernetes: kubernetesAppConfig([
          kubeconfigToClusterConfig(kubeConfig, 'direct'),
          proxy.clusterConfig('faulty'),
        ]),
      }),
    );
    // the first status of a process loads the Kubernetes client: not
    // what these tests time
    await newService().statusFor(entity());
  });

  afterAll(async () => {
    await proxy?.close();
    // eslint-disable-next-line no-console
    console.log(
      `status faults: ${tally.cases} cases, ${
        tally.injected
      } faults injected, ${
        tally.survived
      } cases answered in time with the expected errors and the rest intact, ${
        tally.recovered
      } answers whole again after the fault cleared\n${timings
        .map(t => `  ${t}`)
        .join('\n')}`,
    );
  });

  /** The status with no fault: what every answer is compared with. */
  async function baseline(): Promise<MeshStatus> {
    const status = await newService().statusFor(entity());
    expect(entryOf(status, 'direct').errors).toEqual([]);
    expect(entryOf(status, 'faulty').errors).toEqual([]);
    // the same cluster both ways
    const { name: _a, ...direct } = entryOf(status, 'direct');
    const { name: _b, ...faulty } = entryOf(status, 'faulty');
    expect(faulty).toEqual(direct);
    return status;
  }

  it('reads the same status through the proxy as without it', async () => {
    const status = await baseline();
    const entry = entryOf(status, 'faulty');
    expect(entry.workloads.map(w => w.name)).toEqual(['checkout-1']);
    expect(entry.namespaces).toEqual([
      expect.objectContaining({ name: names.namespace, injection: 'sidecar' }),
    ]);
    expect(entry.controlPlane).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ namespace: `${names.namespace}-cp` }),
      ]),
    );
    expect(entry.traffic.virtualServices).toHaveLength(1);
    expect(entry.certificates).toEqual([
      expect.objectContaining({
        secret: { namespace: names.ingress, name: 'gateway-cert' },
        verdict: 'ok',
      }),
    ]);
    expect(proxy.count({ method: 'GET' })).toBeGreaterThan(10);
  });

  describe.each(FAULTS)('$name', ({ name: faultName, fault, expect: want }) => {
    const afterwards: Array<{ read: string; service: StatusService }> = [];

    it('answers within the request timeout for each read, with the error named and the rest intact', async () => {
      for (const read of READS) {
        const before = await baseline();
        const service = newService();
        const rule = proxy.inject({ match: read.match, fault });
        const started = Date.now();
        const status = await service.statusFor(entity());
        const elapsed = Date.now() - started;
        proxy.clear();
        tally.cases++;
        tally.injected += rule.injected;
        timings.push(
          `${faultName} on ${read.name}: ${elapsed} ms, ${rule.injected} injected`,
        );

        const context = `${faultName} on ${read.name}`;
        const { actual, expected } = outcome(
          want,
          read,
          names,
          entryOf(status, 'faulty'),
          entryOf(before, 'faulty'),
        );
        expect({
          context,
          injected: rule.injected > 0,
          inTime: elapsed < TIMEOUT_MS + MARGIN_MS,
          // the other cluster is untouched
          direct: entryOf(status, 'direct'),
          faulty: actual,
        }).toEqual({
          context,
          injected: true,
          inTime: true,
          direct: entryOf(before, 'direct'),
          faulty: expected,
        });
        tally.survived++;
        afterwards.push({ read: read.name, service });
      }
      // a failed answer is kept for a moment, sparing a struggling
      // cluster a stampede; a whole one for the whole TTL
      const again = await afterwards.at(-1)!.service.statusFor(entity());
      expect(again.cache?.hit).toBe(true);
    });

    if (!('whole' in want)) {
      it(`is whole again once the fault clears, after the transient-error cache (${TRANSIENT_ERROR_CACHE_TTL_MS} ms)`, async () => {
        expect(afterwards).toHaveLength(READS.length);
        await sleep(TRANSIENT_ERROR_CACHE_TTL_MS + 300);
        const now = await baseline();
        for (const { read, service } of afterwards) {
          const recovered = await service.statusFor(entity());
          expect({ read, cache: recovered.cache }).toEqual({
            read,
            cache: undefined,
          });
          expect(comparable(recovered)).toEqual(comparable(now));
          tally.recovered++;
        }
      });
    }
  });
});
