import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  meshOverviewSchema,
  meshStatusSchema,
} from '@meshdeck/plugin-istio-common';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import fc from 'fast-check';
import request from 'supertest';
/* eslint-disable @backstage/no-relative-monorepo-imports -- the shared
   fuzz data is test-only and in no published entry point */
import {
  arbitraryInjectorStatus,
  fixturePod,
  FUTURE_CERTIFICATE_PEM,
} from '../../../istio-common/src/__testUtils__/malformedClusterData';
/* eslint-enable @backstage/no-relative-monorepo-imports */
import { istioPlugin } from '../plugin';

/**
 * Malformed data stored in the test cluster, where the API server accepts
 * it: pods from real injector output with the `sidecar.istio.io/status`
 * annotation missing or not JSON (random values too), a native sidecar as
 * Kubernetes 1.20 stores it (istio-proxy an init container without
 * restartPolicy), gateway secrets holding garbage, a chain, a certificate
 * not valid yet and an expired one, and Istio objects written at older API
 * versions (networking.istio.io/v1alpha3 and v1beta1). The status and the
 * overview, over real HTTP, validate against their schemas, with a finding
 * naming each malformed object.
 */

/** Pods with a random `sidecar.istio.io/status`. */
const RANDOM_STATUS_PODS = 8;

describeWithCluster('malformed cluster data', cluster => {
  it('gets a finding per malformed object, and answers that validate', async () => {
    const { kubeConfig, namespace } = cluster();
    const ingress = await cluster().extraNamespace('ingress', true);
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
    const id = `${namespace}-odd`;
    const labels = { app: 'odd', 'backstage.io/kubernetes-id': id };
    const pod = (file: string, name: string, status?: string | null) => {
      const p = fixturePod(file, name, namespace);
      p.metadata!.labels = { ...p.metadata!.labels, ...labels };
      delete p.metadata!.creationTimestamp;
      if (status === null) {
        delete p.metadata!.annotations!['sidecar.istio.io/status'];
      } else if (status !== undefined) {
        p.metadata!.annotations!['sidecar.istio.io/status'] = status;
      }
      delete (p as { status?: unknown }).status;
      // as a live pod has it (the injector's token volume needs one)
      (p.spec as { serviceAccountName?: string }).serviceAccountName =
        'default';
      return p as typeof p & { metadata: { name: string } };
    };
    const randomStatuses = fc.sample(arbitraryInjectorStatus, {
      numRuns: RANDOM_STATUS_PODS,
      seed: 1414,
    });

    const domain = `${namespace}.example`;
    const leaf = await createTestCertificate({ sans: [`chain.${domain}`] });
    const ca = await createTestCertificate({ sans: ['ca.example'] });
    const expired = await createTestCertificate({
      sans: [`expired.${domain}`],
      validForDays: -5,
    });
    const secrets: Record<string, string> = {
      garbage:
        '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n',
      chain: `${leaf.certPem}${ca.certPem}`,
      future: FUTURE_CERTIFICATE_PEM,
      expired: expired.certPem,
    };
    const hosts = Object.keys(secrets).map(name => `${name}.${domain}`);
    await createObjects(
      kubeConfig,
      pod('hello.yaml', 'odd-without-status', null),
      pod('hello.yaml.injected', 'odd-bad-status', 'not json'),
      // what Kubernetes 1.20 keeps of a native sidecar: no restartPolicy,
      // and no probes or hooks, which it refuses on init containers
      (() => {
        const p = pod('native-sidecar.yaml.injected', 'odd-native-on-1-20');
        p.spec!.initContainers = p.spec!.initContainers!.map(c => {
          const {
            restartPolicy,
            lifecycle,
            readinessProbe,
            startupProbe,
            livenessProbe,
            ...kept
          } = c as any;
          return kept;
        });
        return p;
      })(),
      ...randomStatuses.map((s, i) =>
        pod('hello.yaml.injected', `odd-random-${i}`, s),
      ),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'odd', namespace },
        spec: { selector: { app: 'odd' }, ports: [{ name: 'http', port: 80 }] },
      },
      ...Object.entries(secrets).map(([name, pem]) => ({
        ...tlsSecretManifest(ingress, `${name}-cert`, {
          certPem: pem,
          keyPem: 'not a key',
        }),
      })),
      ...Object.keys(secrets).map((name, i) => ({
        // the older versions a cluster may still serve
        apiVersion:
          i % 2
            ? 'networking.istio.io/v1beta1'
            : 'networking.istio.io/v1alpha3',
        kind: 'Gateway',
        metadata: { name, namespace: ingress },
        spec: {
          selector: { istio: `${namespace}-gateway` },
          servers: [
            {
              port: { number: 443, name: 'https', protocol: 'HTTPS' },
              hosts: [`${name}.${domain}`],
              tls: { mode: 'SIMPLE', credentialName: `${name}-cert` },
            },
          ],
        },
      })),
      {
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'VirtualService',
        metadata: { name: 'odd', namespace },
        spec: {
          hosts,
          gateways: Object.keys(secrets).map(name => `${ingress}/${name}`),
          http: [
            {
              route: [
                { destination: { host: 'odd' }, weight: 60 },
                { destination: { host: 'odd' }, weight: 60 },
              ],
            },
          ],
        },
      },
    );

    const { server } = await startTestBackend({
      features: [
        istioPlugin,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'odd',
                namespace: 'default',
                annotations: {
                  'backstage.io/kubernetes-id': id,
                  'backstage.io/kubernetes-namespace': namespace,
                },
              },
              spec: {
                type: 'service',
                owner: 'team-a',
                lifecycle: 'production',
              },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            ...cluster().config.get<object>(),
            istio: { requestTimeout: '20s' },
          },
        }),
      ],
    });
    const get = (path: string) =>
      request(server)
        .get(`/api/istio${path}`)
        .set('authorization', mockCredentials.user.header());

    const res = await get('/v1/status?entityRef=component:default/odd');
    expect(res.status).toBe(200);
    const status = meshStatusSchema.parse(res.body);
    const [testbed] = status.clusters;
    expect(testbed.errors).toEqual([]);
    const about = (object: string) =>
      testbed.findings.filter(f => f.object === object).map(f => f.id);

    // pods
    expect(about(`${namespace}/Pod/odd-without-status`)).toContain(
      'sidecar-missing',
    );
    expect(about(`${namespace}/Pod/odd-bad-status`)).toContain(
      'sidecar-status-unreadable',
    );
    expect(about(`${namespace}/Pod/odd-native-on-1-20`)).toContain(
      'sidecar-init-container-blocks',
    );
    expect(testbed.workloads.flatMap(w => w.pods).map(p => p.name)).toEqual(
      expect.arrayContaining(randomStatuses.map((_, i) => `odd-random-${i}`)),
    );

    // gateway secrets
    const secret = (name: string) => about(`${ingress}/Secret/${name}-cert`);
    expect(secret('garbage')).toContain('certificate-unknown');
    expect(secret('future')).toContain('certificate-not-yet-valid');
    expect(secret('expired')).toContain('certificate-expired');
    expect(secret('chain')).toEqual([]);
    expect(
      testbed.certificates.find(c => c.secret.name === 'chain-cert')
        ?.certificate?.sans,
    ).toEqual([`chain.${domain}`]);

    // objects at older API versions: read, linked and judged
    expect(about(`${namespace}/VirtualService/odd`)).toContain('route-weights');
    expect(testbed.traffic.gateways.map(g => g.ref).sort()).toEqual(
      Object.keys(secrets)
        .map(name => `${ingress}/${name}`)
        .sort(),
    );

    const overview = await get('/v1/overview');
    expect(overview.status).toBe(200);
    meshOverviewSchema.parse(overview.body);
  });
});
