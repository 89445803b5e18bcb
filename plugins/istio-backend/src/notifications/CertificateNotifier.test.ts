import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  NotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { OverviewCertificate } from '@meshdeck/plugin-istio-common';
import {
  CertificateNotifier,
  DatabaseSentNotices,
  dueNotices,
  noticePayload,
  notificationsBackendMissing,
  SentNotices,
} from './CertificateNotifier';

function cert(
  daysLeft: number | undefined,
  more: Partial<OverviewCertificate> = {},
  serial = 'abc1',
): OverviewCertificate {
  return {
    cluster: 'prod',
    hosts: ['shop.example.com'],
    gateway: 'ingress/public',
    secret: { namespace: 'ingress', name: 'shop-cert' },
    certificate:
      daysLeft === undefined
        ? undefined
        : {
            subject: 'CN=shop.example.com',
            sans: ['shop.example.com'],
            issuer: 'CN=ca',
            serial,
            notBefore: '2026-01-01T00:00:00.000Z',
            notAfter: '2027-01-01T00:00:00.000Z',
            daysLeft,
            uncoveredHosts: [],
          },
    verdict: 'ok',
    entities: ['component:default/shop'],
    owners: ['group:default/team-shop'],
    ...more,
  };
}

const keys = (c: OverviewCertificate, thresholds = [30, 14, 7]) =>
  dueNotices(c, thresholds).map(n => n.key);

describe('dueNotices', () => {
  it('picks the smallest threshold at or above the days left', () => {
    expect(keys(cert(45))).toEqual([]);
    expect(keys(cert(30))).toEqual(['prod/ingress/shop-cert/abc1/expiring/30']);
    expect(keys(cert(12))).toEqual(['prod/ingress/shop-cert/abc1/expiring/14']);
    expect(keys(cert(7))).toEqual(['prod/ingress/shop-cert/abc1/expiring/7']);
    expect(keys(cert(3), [7, 60])).toEqual([
      'prod/ingress/shop-cert/abc1/expiring/7',
    ]);
  });

  it('says expired instead of a threshold', () => {
    expect(keys(cert(0))).toEqual(['prod/ingress/shop-cert/abc1/expired']);
    expect(keys(cert(-3, { verdict: 'expired' }))).toEqual([
      'prod/ingress/shop-cert/abc1/expired',
    ]);
  });

  it('keys a renewed certificate by its new serial', () => {
    expect(keys(cert(12, {}, 'def2'))).toEqual([
      'prod/ingress/shop-cert/def2/expiring/14',
    ]);
  });

  it('adds sync failures and due rotations next to the days left', () => {
    expect(
      keys(
        cert(12, {
          verdict: 'sync-failing',
          verdicts: ['sync-failing', 'rotation-due', 'expiring'],
          externalSecret: { name: 'shop-cert', ready: false },
        }),
      ),
    ).toEqual([
      'prod/ingress/shop-cert/abc1/expiring/14',
      'prod/ingress/shop-cert/abc1/sync-failing',
      'prod/ingress/shop-cert/abc1/rotation-due',
    ]);
    // an ExternalSecret that is not ready counts even without the verdict
    expect(
      keys(cert(90, { externalSecret: { name: 'shop-cert', ready: false } })),
    ).toEqual(['prod/ingress/shop-cert/abc1/sync-failing']);
    // a secret without a certificate yet
    expect(
      keys(
        cert(undefined, {
          verdict: 'sync-failing',
          externalSecret: { name: 'shop-cert', ready: false },
        }),
      ),
    ).toEqual(['prod/ingress/shop-cert/no-certificate/sync-failing']);
  });
});

describe('noticePayload', () => {
  it('links the one entity, rates the urgency and scopes by key', () => {
    const [notice] = dueNotices(cert(5), [30, 14, 7]);
    expect(noticePayload(notice, 7)).toEqual({
      title: 'Certificate ingress/shop-cert on cluster prod expires in 5 days',
      description: expect.stringContaining(
        'Gateway ingress/public serves shop.example.com',
      ),
      link: '/catalog/default/component/shop',
      severity: 'critical',
      topic: 'meshdeck-certificates',
      scope: 'prod/ingress/shop-cert/abc1/expiring/7',
    });
    expect(noticePayload(dueNotices(cert(20), [30, 14])[0], 7)).toMatchObject({
      severity: 'normal',
    });
    const failing = dueNotices(
      cert(90, {
        entities: ['component:default/a', 'component:default/b'],
        externalSecret: {
          name: 'shop-sync',
          ready: false,
          reason: 'SecretSyncedError',
          message: 'could not get secret data from provider',
        },
      }),
      [30],
    )[0];
    expect(noticePayload(failing, 7)).toMatchObject({
      title:
        'Certificate ingress/shop-cert on cluster prod: the ExternalSecret shop-sync does not sync',
      description: expect.stringContaining(
        'SecretSyncedError: could not get secret data from provider',
      ),
      link: '/mesh',
      severity: 'high',
    });
  });
});

class MemorySent implements SentNotices {
  readonly keys = new Set<string>();
  async claim(key: string) {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
  async release(key: string) {
    this.keys.delete(key);
  }
}

/** A notifier over `certificates`, with a stub `send` unless given a service. */
function setup(
  certificates: OverviewCertificate[],
  platformGroup?: string,
  notifications?: NotificationService,
) {
  const send = jest.fn(async (_: unknown) => {});
  const sent = new MemorySent();
  const logger = mockServices.logger.mock();
  const read = jest.fn(async () => certificates);
  const notifier = new CertificateNotifier({
    certificates: read,
    notifications:
      notifications ?? ({ send } as unknown as NotificationService),
    sent,
    logger,
    platformGroup,
  });
  return { send, sent, notifier, certificates, logger, read };
}

describe('CertificateNotifier', () => {
  it('sends each notice once to the owners and the platform group', async () => {
    const { send, notifier, certificates } = setup(
      [cert(12), cert(60, { secret: { namespace: 'ingress', name: 'fine' } })],
      'group:default/platform',
    );
    expect(await notifier.run()).toEqual([
      'prod/ingress/shop-cert/abc1/expiring/14',
    ]);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/team-shop', 'group:default/platform'],
      },
      payload: expect.objectContaining({ severity: 'normal' }),
    });
    expect(await notifier.run()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(1);

    // the next threshold, then a renewal that expires soon again
    certificates[0] = cert(6);
    expect(await notifier.run()).toEqual([
      'prod/ingress/shop-cert/abc1/expiring/7',
    ]);
    certificates[0] = cert(6, {}, 'def2');
    expect(await notifier.run()).toEqual([
      'prod/ingress/shop-cert/def2/expiring/7',
    ]);
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('skips certificates nobody owns and retries notices it could not send', async () => {
    const { send, notifier, sent } = setup([
      cert(3, { owners: [] }),
      cert(3, { secret: { namespace: 'ingress', name: 'other' } }),
    ]);
    send.mockRejectedValueOnce(new Error('notifications are down'));
    expect(await notifier.run()).toEqual([]);
    expect(sent.keys.size).toBe(0);
    expect(await notifier.run()).toEqual([
      'prod/ingress/other/abc1/expiring/7',
    ]);
    expect(send).toHaveBeenCalledTimes(2);
  });
});

describe('CertificateNotifier, sync failures and due rotations', () => {
  it('tells each once per certificate serial and reason, not on every run', async () => {
    const failing = (serial: string, message: string) =>
      cert(
        60,
        {
          verdict: 'sync-failing',
          verdicts: ['sync-failing', 'rotation-due'],
          externalSecret: {
            name: 'shop-sync',
            ready: false,
            reason: 'SecretSyncedError',
            message,
          },
          acm: {
            arn: 'arn:aws:acm:eu-west-1:1:certificate/x',
            status: 'ISSUED',
            serial: 'ffff',
            inUseBy: [],
          },
        },
        serial,
      );
    const certificates = [failing('abc1', 'error at 10:00')];
    const send = jest.fn(async (_: unknown) => {});
    const notifier = new CertificateNotifier({
      certificates: async () => certificates,
      notifications: { send } as unknown as NotificationService,
      sent: new MemorySent(),
      logger: mockServices.logger.mock(),
    });
    expect(await notifier.run()).toEqual([
      'prod/ingress/shop-cert/abc1/sync-failing',
      'prod/ingress/shop-cert/abc1/rotation-due',
    ]);
    // hourly runs while nothing changes, and while the controller's message
    // changes (it often carries a time): nothing more
    expect(await notifier.run()).toEqual([]);
    certificates[0] = failing('abc1', 'error at 11:00');
    expect(await notifier.run()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls.map(([n]) => (n as any).payload.title)).toEqual([
      'Certificate ingress/shop-cert on cluster prod: the ExternalSecret shop-sync does not sync',
      'Certificate ingress/shop-cert on cluster prod: a renewed certificate waits in ACM',
    ]);
    // a new certificate in the secret that still does not sync: told again
    certificates[0] = failing('def2', 'error at 12:00');
    expect(await notifier.run()).toEqual([
      'prod/ingress/shop-cert/def2/sync-failing',
      'prod/ingress/shop-cert/def2/rotation-due',
    ]);
    expect(await notifier.run()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(4);
  });
});

describe('CertificateNotifier without a notifications backend', () => {
  it('tells a missing backend (404) from other failures', () => {
    expect(
      notificationsBackendMissing(
        new Error(
          'Failed to send notifications: Error: Request failed with status 404',
        ),
      ),
    ).toBe(true);
    expect(
      notificationsBackendMissing(
        Object.assign(new Error('Not Found'), { name: 'NotFoundError' }),
      ),
    ).toBe(true);
    expect(
      notificationsBackendMissing(
        new Error('wrapped', { cause: { response: { status: 404 } } }),
      ),
    ).toBe(true);
    expect(
      notificationsBackendMissing(
        new Error(
          'Failed to send notifications: Error: Request failed with status 503',
        ),
      ),
    ).toBe(false);
    expect(
      notificationsBackendMissing(
        new Error('Failed to send notifications: TypeError: fetch failed'),
      ),
    ).toBe(false);
  });

  it('warns once, with how to install it or turn the task off, and stops trying until restarted', async () => {
    // a real Backstage backend without the notifications backend, and the
    // notifications service its plugins get
    let notifications: NotificationService | undefined;
    await startTestBackend({
      features: [
        createBackendPlugin({
          pluginId: 'probe',
          register(env) {
            env.registerInit({
              deps: { service: notificationService },
              async init({ service }) {
                notifications = service;
              },
            });
          },
        }),
      ],
    });
    const { notifier, logger, read, sent } = setup(
      [cert(3), cert(5, { secret: { namespace: 'ingress', name: 'other' } })],
      'group:default/platform',
      notifications,
    );

    expect(await notifier.run()).toEqual([]);
    expect(notifier.active).toBe(false);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const [warning] = (logger.warn as jest.Mock).mock.calls[0];
    expect(warning).toMatch(
      /^Certificate notifications are off: the notifications backend is not installed/,
    );
    expect(warning).toContain('@backstage/plugin-notifications-backend');
    expect(warning).toContain('istio.notifications.enabled: false');
    // nothing is recorded as sent: installed later, the notices still go out
    expect(sent.keys.size).toBe(0);

    // the next runs neither read nor send nor warn
    expect(await notifier.run()).toEqual([]);
    expect(await notifier.run()).toEqual([]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('keeps trying after other failures', async () => {
    const { notifier, send, logger } = setup([cert(3)]);
    send.mockRejectedValueOnce(
      new Error(
        'Failed to send notifications: Error: Request failed with status 503',
      ),
    );
    expect(await notifier.run()).toEqual([]);
    expect(notifier.active).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/^Could not send certificate notice/),
    );
    expect(await notifier.run()).toEqual([
      'prod/ingress/shop-cert/abc1/expiring/7',
    ]);
  });
});

describe('DatabaseSentNotices', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'claims a key once, across instances, until released (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      const a = new DatabaseSentNotices(database);
      const b = new DatabaseSentNotices(database);
      expect(await a.claim('prod/ns/s/1/expired')).toBe(true);
      expect(await b.claim('prod/ns/s/1/expired')).toBe(false);
      expect(await a.claim('prod/ns/s/2/expired')).toBe(true);
      await b.release('prod/ns/s/1/expired');
      expect(await a.claim('prod/ns/s/1/expired')).toBe(true);
    },
  );
});
