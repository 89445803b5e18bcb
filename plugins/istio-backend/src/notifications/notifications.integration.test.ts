import {
  createBackendModule,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import {
  buildGateway,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import {
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  externalSecretManifest,
  setExternalSecretStatus,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import request from 'supertest';
import { istioPlugin } from '../plugin';
import { CERTIFICATE_NOTIFICATIONS_TASK_ID } from './registerCertificateNotifications';

const location = 'url:https://example.com/catalog-info.yaml';
const annotations = {
  'backstage.io/managed-by-location': location,
  'backstage.io/managed-by-origin-location': location,
};

function catalogWith(entities: Entity[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'notifications-test-entities',
    register(env) {
      env.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.addEntityProvider({
            getProviderName: () => 'notifications-test',
            async connect(connection) {
              await connection.applyMutation({
                type: 'full',
                entities: entities.map(entity => ({
                  entity,
                  locationKey: 'notifications-test',
                })),
              });
            },
          });
        },
      });
    },
  });
}

/** The istio plugin's scheduler, to run its task on demand. */
let istioScheduler: typeof coreServices.scheduler.T | undefined;
const schedulerProbe = createBackendModule({
  pluginId: 'istio',
  moduleId: 'notifications-test-scheduler',
  register(env) {
    env.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init({ scheduler }) {
        istioScheduler = scheduler;
      },
    });
  },
});

describeWithCluster(
  'certificate notifications against the test cluster',
  cluster => {
    it('tells the owners and the platform group once about an expiring certificate and a failing sync', async () => {
      const { kubeConfig, namespace: shop } = cluster();
      const ingress = await cluster().extraNamespace('ingress', true);
      const shopId = `${shop}-web`;
      const host = `n.${shop}.example`;
      const secretName = 'notified-cert';
      const certificate = await createTestCertificate({
        sans: [host],
        validForDays: 5,
      });
      await createObjects(
        kubeConfig,
        tlsSecretManifest(ingress, secretName, certificate),
        externalSecretManifest(ingress, 'notified-cert-sync', secretName),
        buildGateway(
          {
            name: 'public',
            namespace: ingress,
            selector: { istio: `${shop}-gateway` },
            hosts: [host],
            tls: { mode: 'credential', credentialName: secretName },
            httpsRedirect: false,
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ),
        buildVirtualService(
          {
            name: 'web',
            namespace: shop,
            hosts: [host],
            gateways: [`${ingress}/public`],
            routes: [{ destinations: [{ host: 'web' }] }],
            kubernetesId: shopId,
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ),
      );
      await setExternalSecretStatus(kubeConfig, ingress, 'notified-cert-sync', {
        status: 'False',
        reason: 'SecretSyncedError',
        message: 'could not get secret data from provider',
      });

      const component = `${shop}-web`;
      const { server } = await startTestBackend({
        features: [
          istioPlugin,
          schedulerProbe,
          notificationsPlugin,
          catalogPlugin,
          catalogWith([
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: component,
                namespace: 'default',
                annotations: {
                  ...annotations,
                  'backstage.io/kubernetes-id': shopId,
                },
              },
              spec: {
                type: 'service',
                owner: 'group:default/team-shop',
                lifecycle: 'production',
              },
            },
            ...[
              ['team-shop', 'alice'],
              ['platform', 'bob'],
            ].flatMap(([group, user]): Entity[] => [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Group',
                metadata: { name: group, namespace: 'default', annotations },
                spec: { type: 'team', children: [], members: [user] },
              },
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'User',
                metadata: { name: user, namespace: 'default', annotations },
                spec: { memberOf: [group] },
              },
            ]),
          ]),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              kubernetes: kubernetesAppConfig([
                kubeconfigToClusterConfig(kubeConfig, 'testbed'),
              ]),
              istio: {
                requestTimeout: '10s',
                clusters: [{ name: 'testbed' }],
                notifications: {
                  thresholdsDays: [30, 14, 7],
                  platformGroup: 'platform',
                },
              },
            },
          }),
        ],
      });

      // the catalog ingests and relates the entities in the background
      const related = async (path: string, relation: string) => {
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/${path}`)
          .set('Authorization', mockCredentials.user.header());
        return (res.body?.relations ?? []).some(
          (r: { type: string }) => r.type === relation,
        );
      };
      for (const deadline = Date.now() + 30_000; ; ) {
        const ready =
          (await related(`component/default/${component}`, 'ownedBy')) &&
          (await related('group/default/team-shop', 'hasMember')) &&
          (await related('group/default/platform', 'hasMember'));
        if (ready) break;
        if (Date.now() > deadline) throw new Error('catalog not ready');
        await new Promise(r => setTimeout(r, 500));
      }

      type Listed = {
        id: string;
        origin: string;
        read?: string | null;
        updated?: string | null;
        payload: {
          title: string;
          severity: string;
          link?: string;
          scope?: string;
        };
      };
      const notificationsOf = async (user: string) => {
        const res = await request(server)
          .get('/api/notifications/?topic=meshdeck-certificates')
          .set('Authorization', mockCredentials.user.header(user));
        expect(res.status).toBe(200);
        return (res.body.notifications as Listed[])
          .filter(n => n.payload.title.includes(`${ingress}/${secretName}`))
          .sort((a, b) => a.payload.title.localeCompare(b.payload.title));
      };

      expect(await notificationsOf('user:default/alice')).toEqual([]);
      await istioScheduler!.triggerTask(CERTIFICATE_NOTIFICATIONS_TASK_ID);

      const alice = await notificationsOf('user:default/alice');
      const scope = (kind: string) =>
        expect.stringMatching(
          new RegExp(
            `^testbed/${ingress}/${secretName}/[0-9A-Fa-f:]+/${kind}$`,
          ),
        );
      const expected = [
        {
          origin: 'plugin:istio',
          payload: expect.objectContaining({
            title: expect.stringMatching(
              new RegExp(
                `^Certificate ${ingress}/${secretName} on cluster testbed expires in [45] days$`,
              ),
            ),
            severity: 'critical',
            link: `/catalog/default/component/${component}`,
            topic: 'meshdeck-certificates',
            scope: scope('expiring/7'),
          }),
        },
        {
          origin: 'plugin:istio',
          payload: expect.objectContaining({
            title: `Certificate ${ingress}/${secretName} on cluster testbed: the ExternalSecret notified-cert-sync does not sync`,
            description: expect.stringContaining(
              'SecretSyncedError: could not get secret data from provider',
            ),
            severity: 'high',
            link: `/catalog/default/component/${component}`,
            scope: scope('sync-failing'),
          }),
        },
      ];
      expect(alice).toEqual(expected.map(e => expect.objectContaining(e)));
      // the platform group hears the same
      expect(await notificationsOf('user:default/bob')).toEqual(
        expected.map(e => expect.objectContaining(e)),
      );

      // alice reads them; a repeated send would mark them unread again (the
      // notifications backend updates a notification of the same scope)
      const marked = await request(server)
        .post('/api/notifications/update')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({ ids: alice.map(n => n.id), read: true });
      expect(marked.status).toBe(200);
      const read = await notificationsOf('user:default/alice');
      expect(read.every(n => n.read)).toBe(true);

      // the next run sends nothing again
      await istioScheduler!.triggerTask(CERTIFICATE_NOTIFICATIONS_TASK_ID);
      const after = await notificationsOf('user:default/alice');
      expect(after).toEqual(read);
      expect(after.map(n => [n.id, n.read, n.updated ?? null])).toEqual(
        read.map(n => [n.id, n.read, n.updated ?? null]),
      );
      expect(await notificationsOf('user:default/bob')).toHaveLength(2);
    });
  },
);
