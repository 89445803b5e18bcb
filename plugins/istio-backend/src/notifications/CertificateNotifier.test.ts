import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { OverviewCertificate } from '@meshdeck/plugin-istio-common';
import {
  CertificateNotifier,
  DatabaseSentNotices,
  dueNotices,
  noticePayload,
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

describe('CertificateNotifier', () => {
  function setup(certificates: OverviewCertificate[], platformGroup?: string) {
    const send = jest.fn(async () => {});
    const sent = new MemorySent();
    const notifier = new CertificateNotifier({
      certificates: async () => certificates,
      notifications: { send } as unknown as NotificationService,
      sent,
      logger: mockServices.logger.mock(),
      platformGroup,
    });
    return { send, sent, notifier, certificates };
  }

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
