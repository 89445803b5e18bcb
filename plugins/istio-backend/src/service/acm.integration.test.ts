import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import {
  ClusterRegistry,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  externalSecretManifest,
  serviceWithPod,
  setExternalSecretStatus,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { exposedService } from '../__testUtils__/exposedService';
import { AcmReader } from '../acm/AcmReader';
import { StatusService } from './StatusService';

/**
 * The "direct injection" set-up: ACM renewed the certificate, the gateway
 * secret still holds the old one. Runs against the local ACM emulator
 * (`testbed aws-up`) named by MESHDECK_TEST_AWS_ENDPOINT.
 */
const endpoint = process.env.MESHDECK_TEST_AWS_ENDPOINT;

describeWithCluster('ACM certificates in the status', cluster => {
  it('reports rotation-due when the secret holds an older serial than ACM', async () => {
    if (!endpoint) {
      if (process.env.MESHDECK_REQUIRE_CLUSTER === '1') {
        throw new Error('MESHDECK_TEST_AWS_ENDPOINT is not set');
      }
      // eslint-disable-next-line no-console
      console.warn(
        'SKIPPED the ACM test: MESHDECK_TEST_AWS_ENDPOINT is not set',
      );
      return;
    }
    const region = process.env.AWS_REGION ?? 'us-east-1';
    const acm = new ACMClient({ endpoint, region });
    const renewed = await createTestCertificate({
      sans: ['*.acm.example'],
      validForDays: 395,
    });
    const { CertificateArn: arn } = await acm.send(
      new ImportCertificateCommand({
        Certificate: Buffer.from(renewed.certPem),
        PrivateKey: Buffer.from(renewed.keyPem),
      }),
    );
    const old = await createTestCertificate({
      sans: ['*.acm.example'],
      validForDays: 20,
    });

    const { kubeConfig, namespace } = cluster();
    const secret = tlsSecretManifest(namespace, 'acm-cert', old);
    secret.metadata = {
      ...secret.metadata,
      annotations: { 'meshdeck.io/acm-certificate-arn': arn! },
    } as typeof secret.metadata;
    await createObjects(
      kubeConfig,
      ...serviceWithPod(namespace, 'acm'),
      secret,
      ...exposedService({
        gatewayNamespace: namespace,
        gatewayHosts: ['*.acm.example'],
        credentialName: 'acm-cert',
        namespace,
        service: 'acm',
        host: 'app.acm.example',
      }),
    );

    const logger = mockServices.logger.mock();
    const service = new StatusService({
      clusters: ClusterRegistry.fromConfig(
        new ConfigReader({
          kubernetes: kubernetesAppConfig([
            kubeconfigToClusterConfig(kubeConfig, 'testbed'),
          ]),
        }),
      ),
      timeoutMs: 10_000,
      logger,
      acm: AcmReader.create({ region, endpoint, logger }),
    });
    const status = await service.statusFor({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'acm',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': 'acm',
          'backstage.io/kubernetes-namespace': namespace,
        },
      },
    });

    const [entry] = status.clusters[0].certificates;
    expect(status.clusters[0].errors).toEqual([]);
    expect(entry.acm).toMatchObject({
      arn,
      status: 'ISSUED',
      type: 'IMPORTED',
    });
    expect(entry.verdict).toBe('rotation-due');
    // the old certificate has 20 days left: expiring too, kept
    expect(entry.verdicts).toEqual(['rotation-due', 'expiring']);
    expect(entry.acm?.renewedCertificateWaiting).toBe(true);
    expect(status.clusters[0].findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'certificate-rotation-due',
          object: `${namespace}/Secret/acm-cert`,
        }),
      ]),
    );
  });

  it('says the renewed certificate waits in ACM when the ExternalSecret fails to sync it', async () => {
    if (!endpoint) {
      if (process.env.MESHDECK_REQUIRE_CLUSTER === '1') {
        throw new Error('MESHDECK_TEST_AWS_ENDPOINT is not set');
      }
      // eslint-disable-next-line no-console
      console.warn(
        'SKIPPED the ACM test: MESHDECK_TEST_AWS_ENDPOINT is not set',
      );
      return;
    }
    const region = process.env.AWS_REGION ?? 'us-east-1';
    const acm = new ACMClient({ endpoint, region });
    const renewed = await createTestCertificate({
      sans: ['*.sync.acm.example'],
      validForDays: 395,
    });
    const { CertificateArn: arn } = await acm.send(
      new ImportCertificateCommand({
        Certificate: Buffer.from(renewed.certPem),
        PrivateKey: Buffer.from(renewed.keyPem),
      }),
    );
    const old = await createTestCertificate({
      sans: ['*.sync.acm.example'],
      validForDays: 60,
    });

    // its own namespace: the first test's gateway is also called `public`
    const { kubeConfig } = cluster();
    const namespace = await cluster().extraNamespace('sync', true);
    const secret = tlsSecretManifest(namespace, 'sync-cert', old);
    secret.metadata = {
      ...secret.metadata,
      annotations: { 'meshdeck.io/acm-certificate-arn': arn! },
    } as typeof secret.metadata;
    await createObjects(
      kubeConfig,
      ...serviceWithPod(namespace, 'acm-sync'),
      secret,
      externalSecretManifest(namespace, 'sync-cert-es', 'sync-cert', {
        refreshInterval: '1h',
      }),
      ...exposedService({
        gatewayNamespace: namespace,
        gatewayHosts: ['*.sync.acm.example'],
        credentialName: 'sync-cert',
        namespace,
        service: 'acm-sync',
        host: 'app.sync.acm.example',
      }),
    );
    await setExternalSecretStatus(kubeConfig, namespace, 'sync-cert-es', {
      status: 'False',
      reason: 'SecretSyncedError',
      message: 'could not get secret data from provider',
    });

    const logger = mockServices.logger.mock();
    const service = new StatusService({
      clusters: ClusterRegistry.fromConfig(
        new ConfigReader({
          kubernetes: kubernetesAppConfig([
            kubeconfigToClusterConfig(kubeConfig, 'testbed'),
          ]),
        }),
      ),
      timeoutMs: 10_000,
      logger,
      acm: AcmReader.create({ region, endpoint, logger }),
    });
    const status = await service.statusFor({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'acm-sync',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': 'acm-sync',
          'backstage.io/kubernetes-namespace': namespace,
        },
      },
    });

    expect(status.clusters[0].errors).toEqual([]);
    const [entry] = status.clusters[0].certificates;
    expect(entry.externalSecret).toMatchObject({
      name: 'sync-cert-es',
      ready: false,
      reason: 'SecretSyncedError',
    });
    expect(entry.acm).toMatchObject({
      arn,
      status: 'ISSUED',
      renewedCertificateWaiting: true,
    });
    const acmSerial = entry.acm!.serial!;
    expect(acmSerial).toBeTruthy();
    expect(entry.verdict).toBe('sync-failing');
    expect(entry.verdicts).toEqual(['sync-failing', 'rotation-due']);
    expect(entry.severity).toBe('critical');

    const certificateFindings = status.clusters[0].findings.filter(
      f => f.object === `${namespace}/Secret/sync-cert`,
    );
    expect(certificateFindings.map(f => f.id)).toEqual([
      'certificate-sync-failing',
      'certificate-rotation-due',
    ]);
    const [sync] = certificateFindings;
    expect(sync.severity).toBe('error');
    expect(sync.message).toContain(
      'ExternalSecret sync-cert-es does not sync the certificate: SecretSyncedError (could not get secret data from provider)',
    );
    const until = entry.acm!.notAfter
      ? `, valid until ${entry.acm!.notAfter}`
      : '';
    expect(sync.message).toContain(
      `ACM already holds the renewed certificate (serial ${acmSerial}${until})`,
    );
    expect(sync.message).toContain('the fix is the sync, not a renewal');
    expect(sync.fix).toContain(
      `kubectl annotate externalsecret sync-cert-es -n ${namespace} force-sync=$(date +%s) --overwrite`,
    );
    expect(sync.fix).toContain('no renewal needed');
  });
});
