import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { OverviewCertificate } from '@meshdeck/plugin-istio-common';

/** The notification topic of certificate notices. */
export const CERTIFICATE_NOTIFICATION_TOPIC = 'meshdeck-certificates';

/** Default days-left thresholds at which owners hear of an expiring certificate. */
export const DEFAULT_THRESHOLDS_DAYS = [30, 14, 7];

type NotificationPayload = Parameters<
  NotificationService['send']
>[0]['payload'];

/** Why a certificate deserves a notification. */
export type CertificateNoticeKind =
  | 'expiring'
  | 'expired'
  | 'sync-failing'
  | 'rotation-due';

/** One notification due for one certificate. */
export interface CertificateNotice {
  /**
   * `${cluster}/${namespace}/${secret}/${serial}/${kind}[/${threshold}]`:
   * sent once; a renewed certificate (new serial) starts fresh.
   */
  key: string;
  kind: CertificateNoticeKind;
  /** The crossed threshold in days, for `expiring`. */
  threshold?: number;
  certificate: OverviewCertificate;
}

/**
 * The notices a certificate calls for now: `expired` (instead of any
 * threshold), else `expiring` at the smallest threshold at or above its days
 * left (12 days with thresholds 30, 14, 7 → 14); `sync-failing` when its
 * ExternalSecret does not sync; `rotation-due` when ACM holds a renewed
 * certificate the secret does not have yet.
 */
export function dueNotices(
  certificate: OverviewCertificate,
  thresholdsDays: number[],
): CertificateNotice[] {
  const { cluster, secret } = certificate;
  const serial = certificate.certificate?.serial || 'no-certificate';
  const base = `${cluster}/${secret.namespace}/${secret.name}/${serial}`;
  const verdicts = certificate.verdicts ?? [certificate.verdict];
  const notices: CertificateNotice[] = [];
  const daysLeft = certificate.certificate?.daysLeft;
  if (
    verdicts.includes('expired') ||
    (daysLeft !== undefined && daysLeft <= 0)
  ) {
    notices.push({ key: `${base}/expired`, kind: 'expired', certificate });
  } else if (daysLeft !== undefined) {
    const threshold = [...thresholdsDays]
      .sort((a, b) => a - b)
      .find(t => daysLeft <= t);
    if (threshold !== undefined) {
      notices.push({
        key: `${base}/expiring/${threshold}`,
        kind: 'expiring',
        threshold,
        certificate,
      });
    }
  }
  if (
    verdicts.includes('sync-failing') ||
    certificate.externalSecret?.ready === false
  ) {
    notices.push({
      key: `${base}/sync-failing`,
      kind: 'sync-failing',
      certificate,
    });
  }
  if (verdicts.includes('rotation-due')) {
    notices.push({
      key: `${base}/rotation-due`,
      kind: 'rotation-due',
      certificate,
    });
  }
  return notices;
}

/** The app path of a catalog entity's page. */
function entityPath(ref: string): string {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}`;
}

/**
 * The notification of a notice: what happened to which secret, where it is
 * served, and a link to the entity page (the `/mesh` page when the
 * certificate serves several entities or none).
 */
export function noticePayload(
  notice: CertificateNotice,
  criticalDays: number,
): NotificationPayload {
  const c = notice.certificate;
  const secret = `${c.secret.namespace}/${c.secret.name}`;
  const where = `${secret} on cluster ${c.cluster}`;
  const daysLeft = c.certificate?.daysLeft;
  let title: string;
  let severity: NotificationPayload['severity'];
  switch (notice.kind) {
    case 'expired':
      title = `Certificate ${where} has expired`;
      severity = 'critical';
      break;
    case 'expiring':
      title = `Certificate ${where} expires in ${daysLeft} day${
        daysLeft === 1 ? '' : 's'
      }`;
      severity = (daysLeft ?? 0) <= criticalDays ? 'critical' : 'normal';
      break;
    case 'sync-failing':
      title = `Certificate ${where}: the ExternalSecret ${
        c.externalSecret?.name ?? ''
      } does not sync`.replace('  ', ' ');
      severity = 'high';
      break;
    default:
      title = `Certificate ${where}: a renewed certificate waits in ACM`;
      severity = 'high';
  }
  const lines = [
    `Gateway ${c.gateway} serves ${c.hosts.join(', ') || 'no host'} with it.`,
  ];
  if (c.certificate) {
    lines.push(
      `Serial ${c.certificate.serial}, valid until ${c.certificate.notAfter}.`,
    );
  }
  if (notice.kind === 'sync-failing' && c.externalSecret) {
    const why = [c.externalSecret.reason, c.externalSecret.message]
      .filter(Boolean)
      .join(': ');
    if (why) lines.push(`ExternalSecret: ${why}.`);
  }
  if (notice.kind === 'rotation-due' && c.acm) {
    lines.push(
      `ACM certificate ${c.acm.arn} (serial ${
        c.acm.serial ?? 'unknown'
      }) is not in the secret yet: refresh the ExternalSecret.`,
    );
  }
  if (c.entities.length) lines.push(`Entities: ${c.entities.join(', ')}.`);
  return {
    title,
    description: lines.join(' '),
    link: c.entities.length === 1 ? entityPath(c.entities[0]) : '/mesh',
    severity,
    topic: CERTIFICATE_NOTIFICATION_TOPIC,
    scope: notice.key,
  };
}

/** Which notices were sent; durable across runs, restarts and replicas. */
export interface SentNotices {
  /** Records the key; false when it was already recorded. */
  claim(key: string): Promise<boolean>;
  /** Forgets the key (the notice could not be sent). */
  release(key: string): Promise<void>;
}

const TABLE = 'meshdeck_certificate_notices';

/** Sent notices in the plugin's database (table `meshdeck_certificate_notices`). */
export class DatabaseSentNotices implements SentNotices {
  private ready?: Promise<Awaited<ReturnType<DatabaseService['getClient']>>>;

  constructor(private readonly database: DatabaseService) {}

  private client() {
    this.ready ??= (async () => {
      const knex = await this.database.getClient();
      if (!(await knex.schema.hasTable(TABLE))) {
        try {
          await knex.schema.createTable(TABLE, table => {
            table.string('key', 512).primary();
            table.timestamp('sent_at').notNullable().defaultTo(knex.fn.now());
          });
        } catch (e) {
          // another replica created it meanwhile
          if (!(await knex.schema.hasTable(TABLE))) throw e;
        }
      }
      return knex;
    })().catch(e => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  async claim(key: string): Promise<boolean> {
    const knex = await this.client();
    if (await knex(TABLE).where({ key }).first()) return false;
    try {
      await knex(TABLE).insert({ key });
      return true;
    } catch (e) {
      // the primary key refused it: recorded meanwhile
      if (await knex(TABLE).where({ key }).first()) return false;
      throw e;
    }
  }

  async release(key: string): Promise<void> {
    const knex = await this.client();
    await knex(TABLE).where({ key }).delete();
  }
}

/**
 * True when sending failed because no notifications backend answers: the
 * notifications service's POST came back 404, which is what a Backstage
 * backend without `@backstage/plugin-notifications-backend` answers for
 * `/api/notifications` (the client says `Request failed with status 404`).
 * Anything else (a 5xx, a refused connection) is taken as passing.
 */
export function notificationsBackendMissing(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (
      e.name === 'NotFoundError' ||
      e.status === 404 ||
      e.statusCode === 404 ||
      e.response?.status === 404 ||
      /\bstatus 404\b/.test(String(e.message ?? e))
    ) {
      return true;
    }
  }
  return false;
}

/** The one warning when the notifications backend is not installed. */
export const NOTIFICATIONS_BACKEND_MISSING_WARNING =
  'Certificate notifications are off: the notifications backend is not installed in this Backstage backend (sending a notice answered 404). ' +
  "Install it to have owners told of expiring gateway certificates: yarn --cwd packages/backend add @backstage/plugin-notifications-backend @backstage/plugin-signals-backend, then backend.add(import('@backstage/plugin-notifications-backend')) and backend.add(import('@backstage/plugin-signals-backend')) in packages/backend/src/index.ts (and @backstage/plugin-notifications in the app to show them). " +
  'Or set istio.notifications.enabled: false to turn the certificate task off. Meshdeck does not try again until the backend restarts.';

/** Options of {@link CertificateNotifier}. */
export interface CertificateNotifierOptions {
  /** Every gateway certificate, with the entities it serves and their owners. */
  certificates: () => Promise<OverviewCertificate[]>;
  notifications: NotificationService;
  sent: SentNotices;
  logger: LoggerService;
  thresholdsDays?: number[];
  /** Days left at which an expiring notice is critical. Default 7. */
  criticalDays?: number;
  /** A group (entity ref) told of every notice besides the owners. */
  platformGroup?: string;
}

/**
 * Tells the owners of the entities a gateway certificate serves, and the
 * platform group, when the certificate crosses a threshold, expires, fails to
 * sync or waits for rotation: once per certificate and notice.
 *
 * In a backend without the notifications backend (the first send answers
 * 404), it logs one warning saying so and how to install it or turn the task
 * off, and stops: later runs do nothing, not even read the certificates,
 * until the backend restarts.
 */
export class CertificateNotifier {
  private readonly thresholdsDays: number[];
  private readonly criticalDays: number;
  private off = false;

  constructor(private readonly options: CertificateNotifierOptions) {
    this.thresholdsDays = options.thresholdsDays ?? DEFAULT_THRESHOLDS_DAYS;
    this.criticalDays = options.criticalDays ?? 7;
  }

  /** False once it found no notifications backend to send to. */
  get active(): boolean {
    return !this.off;
  }

  /** Sends the notices due now; returns the keys sent. */
  async run(): Promise<string[]> {
    if (this.off) {
      return [];
    }
    const { notifications, sent, logger, platformGroup } = this.options;
    const certificates = await this.options.certificates();
    const done: string[] = [];
    for (const certificate of certificates) {
      const recipients = [
        ...new Set([
          ...certificate.owners,
          ...(platformGroup ? [platformGroup] : []),
        ]),
      ];
      if (!recipients.length) continue;
      for (const notice of dueNotices(certificate, this.thresholdsDays)) {
        if (!(await sent.claim(notice.key))) continue;
        try {
          await notifications.send({
            recipients: { type: 'entity', entityRef: recipients },
            payload: noticePayload(notice, this.criticalDays),
          });
          done.push(notice.key);
        } catch (e) {
          await sent.release(notice.key);
          if (notificationsBackendMissing(e)) {
            this.off = true;
            logger.warn(NOTIFICATIONS_BACKEND_MISSING_WARNING);
            return done;
          }
          logger.warn(`Could not send certificate notice ${notice.key}: ${e}`);
        }
      }
    }
    if (done.length) {
      logger.info(`Sent ${done.length} certificate notice(s)`);
    }
    return done;
  }
}
