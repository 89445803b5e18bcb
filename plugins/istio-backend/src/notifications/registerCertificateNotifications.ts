import {
  DatabaseService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { stringifyEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { OverviewCertificate } from '@meshdeck/plugin-istio-common';
import {
  CertificateNotifier,
  DatabaseSentNotices,
  DEFAULT_THRESHOLDS_DAYS,
} from './CertificateNotifier';

/** The scheduler task id, one run across replicas. */
export const CERTIFICATE_NOTIFICATIONS_TASK_ID =
  'meshdeck-certificate-notifications';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 10 },
  initialDelay: { minutes: 1 },
};

/** The `istio.notifications` settings, checked. */
export function readNotificationsConfig(config: Config) {
  const section = config.getOptionalConfig('istio.notifications');
  const thresholdsDays =
    section?.getOptional<unknown>('thresholdsDays') ?? DEFAULT_THRESHOLDS_DAYS;
  if (
    !Array.isArray(thresholdsDays) ||
    !thresholdsDays.length ||
    thresholdsDays.some(d => typeof d !== 'number' || !(d >= 0))
  ) {
    throw new Error(
      `istio.notifications.thresholdsDays must be a list of days (numbers >= 0), got ${JSON.stringify(
        thresholdsDays,
      )}`,
    );
  }
  const group = section?.getOptionalString('platformGroup');
  return {
    thresholdsDays: thresholdsDays as number[],
    enabled: section?.getOptionalBoolean('enabled') ?? true,
    platformGroup: group
      ? stringifyEntityRef(parseEntityRef(group, { defaultKind: 'group' }))
      : undefined,
    schedule: section?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          section.getConfig('schedule'),
        )
      : DEFAULT_SCHEDULE,
  };
}

/**
 * Schedules the certificate notices (`istio.notifications`): one run across
 * replicas per period. Returns the notifier, or undefined when disabled.
 */
export async function registerCertificateNotifications(options: {
  config: Config;
  scheduler: SchedulerService;
  database: DatabaseService;
  notifications: NotificationService;
  logger: LoggerService;
  certificates: () => Promise<OverviewCertificate[]>;
  criticalDays: number;
}): Promise<CertificateNotifier | undefined> {
  const settings = readNotificationsConfig(options.config);
  if (!settings.enabled) return undefined;
  const notifier = new CertificateNotifier({
    certificates: options.certificates,
    notifications: options.notifications,
    sent: new DatabaseSentNotices(options.database),
    logger: options.logger,
    thresholdsDays: settings.thresholdsDays,
    criticalDays: options.criticalDays,
    platformGroup: settings.platformGroup,
  });
  await options.scheduler.scheduleTask({
    id: CERTIFICATE_NOTIFICATIONS_TASK_ID,
    scope: 'global',
    ...settings.schedule,
    fn: async () => {
      await notifier.run();
    },
  });
  return notifier;
}
