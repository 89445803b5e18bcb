import { ConfigReader } from '@backstage/config';
import { readNotificationsConfig } from './registerCertificateNotifications';

describe('readNotificationsConfig', () => {
  it('defaults to on, 30/14/7 days, hourly', () => {
    expect(readNotificationsConfig(new ConfigReader({}))).toEqual({
      enabled: true,
      thresholdsDays: [30, 14, 7],
      platformGroup: undefined,
      schedule: {
        frequency: { hours: 1 },
        timeout: { minutes: 10 },
        initialDelay: { minutes: 1 },
      },
    });
  });

  it('reads the settings and completes the platform group ref', () => {
    const settings = readNotificationsConfig(
      new ConfigReader({
        istio: {
          notifications: {
            enabled: false,
            thresholdsDays: [21, 3],
            platformGroup: 'platform',
            schedule: { frequency: { minutes: 15 }, timeout: '5m' },
          },
        },
      }),
    );
    expect(settings).toMatchObject({
      enabled: false,
      thresholdsDays: [21, 3],
      platformGroup: 'group:default/platform',
      schedule: { frequency: { minutes: 15 } },
    });
  });

  it('refuses thresholds that are not days', () => {
    expect(() =>
      readNotificationsConfig(
        new ConfigReader({
          istio: { notifications: { thresholdsDays: ['soon'] } },
        }),
      ),
    ).toThrow(/thresholdsDays must be a list of days/);
  });
});
