import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
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
  FaultProxy,
  serviceWithPod,
  startFaultProxy,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { randomBytes } from 'node:crypto';
import { exposedService } from '../__testUtils__/exposedService';
import { StatusService } from '../service/StatusService';
import { AcmReader } from './AcmReader';

/**
 * ACM down or throttling, for real: the local ACM emulator (`testbed
 * aws-up`, MESHDECK_TEST_AWS_ENDPOINT) behind a fault proxy, the status
 * read from the test cluster. While ACM cannot be asked, a certificate's
 * ACM side is the last good answer with a staleness note; without one, the
 * status says ACM failed, as before.
 */
const endpoint = process.env.MESHDECK_TEST_AWS_ENDPOINT;
const region = process.env.AWS_REGION ?? 'us-east-1';

/** The status's timeout (`istio.requestTimeout`), which ACM's attempts fit in. */
const STATUS_TIMEOUT_MS = 8_000;

/** The outages: how ACM (or the way to it) fails, and what that is. */
const OUTAGES: Array<{
  name: string;
  fault?: Fault;
  reason: 'throttled' | 'unreachable' | 'unavailable';
}> = [
  {
    name: 'ThrottlingException',
    fault: {
      kind: 'status',
      status: 400,
      body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
      headers: { 'x-amzn-errortype': 'ThrottlingException' },
    },
    reason: 'throttled',
  },
  {
    name: 'HTTP 429',
    fault: { kind: 'status', status: 429, body: '' },
    reason: 'throttled',
  },
  {
    name: 'HTTP 503',
    fault: { kind: 'status', status: 503, body: 'Service Unavailable' },
    reason: 'unavailable',
  },
  { name: 'connection reset', fault: { kind: 'reset' }, reason: 'unreachable' },
  // accepts the request and never answers: each attempt times out
  { name: 'no answer', fault: { kind: 'hang' }, reason: 'unreachable' },
  // nothing listens: the proxy is closed
  { name: 'connection refused', reason: 'unreachable' },
];

describeWithCluster('ACM down or throttling', cluster => {
  const id = randomBytes(3).toString('hex');
  let proxy: FaultProxy;
  let port: number;
  let registry: ClusterRegistry;
  const tally = { injected: 0, survived: 0 };
  const timings: string[] = [];

  const entity = (name: string, namespace: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': namespace,
      },
    },
  });

  /** A reader through the proxy with a cache of its own (no answer yet). */
  const newReader = () =>
    AcmReader.create({
      region,
      endpoint: proxy.url,
      logger: mockServices.logger.mock(),
      // the status's istio.requestTimeout below
      timeoutMs: STATUS_TIMEOUT_MS,
      cache: CacheManager.fromConfig(
        new ConfigReader({ backend: { cache: { store: 'memory' } } }),
      ).forPlugin('istio'),
    });
  // no status cache: every answer is assembled, ACM asked every time
  const newService = (acm: AcmReader) =>
    new StatusService({
      clusters: registry,
      timeoutMs: STATUS_TIMEOUT_MS,
      logger: mockServices.logger.mock(),
      acm,
    });

  /** A gateway whose certificate is in ACM; `annotated`: the secret names its ARN. */
  async function exposeWithAcm(name: string, annotated: boolean) {
    const { kubeConfig } = cluster();
    const namespace = await cluster().extraNamespace(name, true);
    const domain = `${name}-${id}.acm-faults.example`;
    const inAcm = await createTestCertificate({
      sans: [`*.${domain}`],
      validForDays: 300,
    });
    const { CertificateArn: arn } = await new ACMClient({
      endpoint,
      region,
    }).send(
      new ImportCertificateCommand({
        Certificate: Buffer.from(inAcm.certPem),
        PrivateKey: Buffer.from(inAcm.keyPem),
      }),
    );
    const secret = tlsSecretManifest(
      namespace,
      'acm-cert',
      await createTestCertificate({ sans: [`*.${domain}`], validForDays: 30 }),
    );
    if (annotated) {
      secret.metadata = {
        ...secret.metadata,
        annotations: { 'meshdeck.io/acm-certificate-arn': arn! },
      } as typeof secret.metadata;
    }
    await createObjects(
      kubeConfig,
      ...serviceWithPod(namespace, name),
      secret,
      ...exposedService({
        gatewayNamespace: namespace,
        gatewayHosts: [`*.${domain}`],
        credentialName: 'acm-cert',
        namespace,
        service: name,
        host: `app.${domain}`,
      }),
    );
    return { arn: arn!, entity: entity(name, namespace) };
  }

  /** Takes the fault's ACM down or injects it; undoes it. */
  async function outage(
    fault: Fault | undefined,
  ): Promise<() => Promise<void>> {
    if (fault) {
      const rule = proxy.inject({ fault });
      return async () => {
        tally.injected += rule.injected;
        proxy.clear();
      };
    }
    await proxy.close();
    tally.injected++;
    return async () => {
      proxy = await startFaultProxy({ upstream: endpoint!, port });
    };
  }

  beforeAll(async () => {
    if (!endpoint) {
      return;
    }
    proxy = await startFaultProxy({ upstream: endpoint });
    port = Number(new URL(proxy.url).port);
    registry = ClusterRegistry.fromConfig(
      new ConfigReader({
        kubernetes: kubernetesAppConfig([
          kubeconfigToClusterConfig(cluster().kubeConfig, 'testbed'),
        ]),
      }),
    );
  });

  afterAll(async () => {
    await proxy?.close();
    // eslint-disable-next-line no-console
    console.log(
      `ACM faults: ${tally.injected} injected, ${
        tally.survived
      } outages answered with the last good ACM answer\n${timings
        .map(t => `  ${t}`)
        .join('\n')}`,
    );
  });

  function needsEmulator(): boolean {
    if (endpoint) {
      return true;
    }
    if (process.env.MESHDECK_REQUIRE_CLUSTER === '1') {
      throw new Error('MESHDECK_TEST_AWS_ENDPOINT is not set');
    }
    // eslint-disable-next-line no-console
    console.warn(
      'SKIPPED the ACM fault tests: MESHDECK_TEST_AWS_ENDPOINT is not set',
    );
    return false;
  }

  it('shows the last good ACM answer with a staleness note while ACM is down or throttling, and fresh ones after', async () => {
    if (!needsEmulator()) {
      return;
    }
    const { arn, entity: component } = await exposeWithAcm('stale', true);
    const service = newService(newReader());

    const before = new Date().toISOString();
    const fresh = await service.statusFor(component);
    const after = new Date().toISOString();
    const [good] = fresh.clusters[0].certificates;
    expect(fresh.clusters[0].errors).toEqual([]);
    expect(good.acm).toMatchObject({ arn, status: 'ISSUED', type: 'IMPORTED' });
    expect(good.acm?.stale).toBeUndefined();
    expect(good.acm?.staleness).toBeUndefined();

    for (const { name, fault, reason } of OUTAGES) {
      const undo = await outage(fault);
      const started = Date.now();
      const status = await service.statusFor(component);
      timings.push(`${name}: status in ${Date.now() - started} ms`);
      await undo();

      const [entry] = status.clusters[0].certificates;
      expect({ name, errors: status.clusters[0].errors }).toEqual({
        name,
        errors: [],
      });
      expect({ name, acm: entry.acm }).toEqual({
        name,
        acm: {
          ...good.acm,
          stale: true,
          staleness: {
            since: expect.any(String),
            reason,
            message: expect.any(String),
          },
        },
      });
      const since = entry.acm!.staleness!.since;
      expect(since >= before && since <= after).toBe(true);
      // everything else as with ACM answering
      const { acm: _a, ...rest } = entry;
      const { acm: _b, ...goodRest } = good;
      expect(rest).toEqual(goodRest);
      expect(status.verdict).toBe(fresh.verdict);
      tally.survived++;
    }

    // ACM is back: fresh again
    const back = await service.statusFor(component);
    expect(back.clusters[0].errors).toEqual([]);
    expect(back.clusters[0].certificates[0].acm).toEqual(good.acm);
  });

  it('finds the covering certificate found last time while ACM cannot list', async () => {
    if (!needsEmulator()) {
      return;
    }
    const { arn, entity: component } = await exposeWithAcm('covering', false);
    const service = newService(newReader());
    const fresh = await service.statusFor(component);
    expect(fresh.clusters[0].errors).toEqual([]);
    expect(fresh.clusters[0].certificates[0].acm).toMatchObject({ arn });

    const undo = await outage(OUTAGES[0].fault);
    const stale = await service.statusFor(component);
    await undo();
    expect(stale.clusters[0].errors).toEqual([]);
    expect(stale.clusters[0].certificates[0].acm).toMatchObject({
      arn,
      stale: true,
      staleness: { reason: 'throttled' },
    });
    tally.survived++;
  });

  it('says ACM failed, as before, when there is no last good answer', async () => {
    if (!needsEmulator()) {
      return;
    }
    const { entity: component } = await exposeWithAcm('never', true);
    for (const { name, fault, reason } of OUTAGES) {
      const service = newService(newReader());
      const undo = await outage(fault);
      const status = await service.statusFor(component);
      await undo();
      const [entry] = status.clusters[0].certificates;
      expect({ name, acm: entry.acm }).toEqual({ name, acm: undefined });
      expect({ name, errors: status.clusters[0].errors }).toEqual({
        name,
        errors: [
          {
            source: 'acm',
            kind: reason === 'throttled' ? 'timeout' : 'unreachable',
            message: expect.stringMatching(/^ACM: ./),
          },
        ],
      });
      // the cluster's side of the certificate is there
      expect(entry.certificate?.daysLeft).toBeGreaterThan(25);
    }
  });
});
