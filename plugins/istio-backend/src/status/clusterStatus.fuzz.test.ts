import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { V1Pod } from '@kubernetes/client-node';
import {
  meshOverviewSchema,
  meshStatusSchema,
} from '@meshdeck/plugin-istio-common';
import {
  KubernetesObject,
  parseCertificate,
  TlsSecretCertificate,
} from '@meshdeck/plugin-istio-node';
import fc from 'fast-check';
/* eslint-disable @backstage/no-relative-monorepo-imports -- the shared
   fuzz arbitraries are test-only and in no published entry point */
import {
  arbitraryInjectorStatus,
  arbitraryPem,
  FUTURE_CERTIFICATE_PEM,
  Layout,
  malformedPod,
  POD_FIXTURES,
} from '../../../istio-common/src/__testUtils__/malformedClusterData';
/* eslint-enable @backstage/no-relative-monorepo-imports */
import { memoryCache } from '../__testUtils__/memoryCache';
import { ClusterGenerations } from '../service/ClusterGenerations';
import {
  FakeMeshReads,
  fakeRegistry,
  shopCluster,
  shopLabels,
} from '../service/MeshReads.fake';
import { MeshOverviewService } from '../service/MeshOverviewService';
import { StatusService } from '../service/StatusService';

/**
 * The status assembly over malformed cluster data: pods the injector did
 * not write that way, gateway secrets with garbage, a chain, a certificate
 * not valid yet or expired, Istio objects at older API versions or with
 * junk in their spec. The entity's status and the mesh overview always
 * validate against their schemas, and each malformed object gets a finding
 * naming it.
 */

const RUNS = 150;
const DAY = 24 * 60 * 60_000;

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
};

/** A `tls.crt` as `readTlsCertificate` reports it. */
function tlsOf(pem: string | Buffer): TlsSecretCertificate {
  try {
    return { exists: true, certificate: parseCertificate(pem) };
  } catch (e) {
    return {
      exists: true,
      problem: `tls.crt is not a PEM certificate (${(e as Error).message})`,
    };
  }
}

type Certificate = 'garbage' | 'future' | 'expired' | 'fine';

const certificate: fc.Arbitrary<[Certificate, TlsSecretCertificate]> = fc.oneof(
  arbitraryPem.map(pem => {
    const tls = tlsOf(pem);
    const kind: Certificate =
      tls.exists && tls.certificate ? 'future' : 'garbage';
    return [kind, tls] as [Certificate, TlsSecretCertificate];
  }),
  fc.constant<[Certificate, TlsSecretCertificate]>([
    'future',
    tlsOf(FUTURE_CERTIFICATE_PEM),
  ]),
  fc
    .integer({ min: 1, max: 2000 })
    .map((days): [Certificate, TlsSecretCertificate] => [
      'expired',
      {
        exists: true,
        certificate: {
          subject: 'CN=*.shop.example',
          sans: ['*.shop.example'],
          issuer: 'CN=Test CA',
          serial: '01',
          notBefore: new Date(Date.now() - (days + 90) * DAY).toISOString(),
          notAfter: new Date(Date.now() - days * DAY).toISOString(),
          daysLeft: -days,
        },
      },
    ]),
  fc.constant<[Certificate, TlsSecretCertificate]>([
    'fine',
    shopCluster().tlsCertificates!['istio-ingress/shop-cert'],
  ]),
);

/** Istio objects at the API versions a cluster may still serve. */
const istioVersion = fc.constantFrom(
  'networking.istio.io/v1',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1alpha3',
);

const scenario = fc.record({
  file: fc.constantFrom(...POD_FIXTURES),
  layout: fc.constantFrom<Layout>(
    'as-injected',
    'blocking-init',
    'two-proxies',
    'no-containers',
  ),
  status: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    arbitraryInjectorStatus,
  ),
  certificate,
  version: istioVersion,
  /** A second destination, with weights that do not add up to 100. */
  badWeights: fc.boolean(),
  /** Junk in the spec of a second VirtualService. */
  junk: fc.anything({ maxDepth: 3 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function clusterFor(s: Scenario) {
  const shop = shopCluster();
  const pod = malformedPod(s.file, s.layout, s.status, 'web-odd', 'shop');
  pod.metadata!.labels = { ...pod.metadata!.labels, ...shopLabels };
  const objects = (shop.objects ?? []).map(o =>
    o.apiVersion?.startsWith('networking.istio.io/')
      ? { ...o, apiVersion: s.version }
      : o,
  );
  const vs = objects.find(o => o.kind === 'VirtualService')!;
  if (s.badWeights) {
    vs.spec = {
      ...vs.spec,
      http: [
        {
          route: [
            { destination: { host: 'checkout' }, weight: 70 },
            { destination: { host: 'checkout' }, weight: 70 },
          ],
        },
      ],
    };
  }
  objects.push({
    apiVersion: s.version,
    kind: 'VirtualService',
    metadata: { name: 'junk', namespace: 'shop' },
    spec: s.junk,
  } as KubernetesObject);
  return {
    ...shop,
    pods: [...shop.pods!, pod as V1Pod],
    objects,
    tlsCertificates: { 'istio-ingress/shop-cert': s.certificate[1] },
  };
}

describe('the status over malformed cluster data', () => {
  it('validates against its schema, with a finding for each malformed object', async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async s => {
        tried += 1;
        const reads = new FakeMeshReads({ east: clusterFor(s) });
        const status = await new StatusService({
          clusters: fakeRegistry('east'),
          timeoutMs: 10_000,
          logger: mockServices.logger.mock(),
          cache: memoryCache(),
          reads,
        }).statusFor(entity);
        meshStatusSchema.parse(status);
        const [east] = status.clusters;
        expect(east.errors).toEqual([]);
        // what each malformed object must get, as `object: finding id`
        const [kind, tls] = s.certificate;
        const notYetValid =
          tls.exists &&
          tls.certificate !== undefined &&
          Date.parse(tls.certificate.notBefore) > Date.now();
        const secretFinding = {
          garbage: 'certificate-unknown',
          expired: 'certificate-expired',
          future: notYetValid ? 'certificate-not-yet-valid' : undefined,
          fine: undefined,
        }[kind];
        const podFinding = {
          'as-injected': undefined,
          'blocking-init': 'sidecar-init-container-blocks',
          'two-proxies': 'sidecar-duplicate-proxy',
          'no-containers': 'pod-without-containers',
        }[s.layout];
        const expected = [
          podFinding && `shop/Pod/web-odd: ${podFinding}`,
          secretFinding && `istio-ingress/Secret/shop-cert: ${secretFinding}`,
          s.badWeights && 'shop/VirtualService/checkout: route-weights',
        ].filter((e): e is string => Boolean(e));
        const found = east.findings.map(f => `${f.object}: ${f.id}`);
        expect(expected.filter(e => !found.includes(e))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    expect(tried).toBe(RUNS);
  });

  it('keeps the mesh overview valid against its schema', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async s => {
        const reads = new FakeMeshReads({ east: clusterFor(s) });
        const overview = await new MeshOverviewService({
          clusters: fakeRegistry('east'),
          reads,
          generations: new ClusterGenerations(),
          catalog: catalogServiceMock({ entities: [entity as any] }),
          auth: mockServices.auth(),
          logger: mockServices.logger.mock(),
          timeoutMs: 10_000,
          ttlMs: 30_000,
        }).overview(mockCredentials.user());
        meshOverviewSchema.parse(overview);
        expect(overview.clusters[0].errors).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});
