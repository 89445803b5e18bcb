import { InfoCard } from '@backstage/core-components';
import {
  CertificateStatus,
  ClusterStatus,
} from '@meshdeck/plugin-istio-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment } from 'react';
import {
  certificateProblems,
  certificateTone,
  daysText,
  renewalWaitingInAcm,
} from '../common/meshSummary';
import { Breakable } from '../common/Breakable';
import { ToneText } from '../common/VerdictBadge';
import { RefreshCertificateButton } from './RefreshCertificateButton';

const useStyles = makeStyles(theme => ({
  source: {
    height: '100%',
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1.5),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(1, 0),
    fontSize: theme.typography.body2.fontSize,
    '& dt': { color: theme.palette.text.secondary },
    // names wrap after their dots; a serial number wraps where it must
    '& dd': { margin: 0, minWidth: 0, overflowWrap: 'anywhere' },
  },
}));

function Facts(props: { facts: Array<[string, React.ReactNode | undefined]> }) {
  const classes = useStyles();
  return (
    <dl className={classes.facts}>
      {props.facts
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
    </dl>
  );
}

const date = (iso?: string) => (iso ? iso.slice(0, 10) : undefined);

/** `2026-11-27T09:15:42Z` → `2026-11-27 09:15 UTC` (as given when unreadable). */
function dateTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime())
    ? iso
    : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const STALE_REASONS: Record<string, string> = {
  unreachable: 'ACM unreachable',
  throttled: 'ACM throttling',
  unavailable: 'ACM unavailable',
};

/**
 * The note on an ACM answer that is the last good one because ACM could
 * not be asked now, e.g. "ACM data from 2026-11-27 09:15 UTC, ACM
 * unreachable"; undefined for a fresh answer.
 */
export function acmStalenessNote(
  acm: NonNullable<CertificateStatus['acm']>,
): string | undefined {
  if (acm.staleness) {
    const reason =
      STALE_REASONS[acm.staleness.reason] ?? `ACM ${acm.staleness.reason}`;
    return `ACM data from ${dateTime(acm.staleness.since)}, ${reason}`;
  }
  // older backends say only that it is the last known answer
  return acm.stale ? 'last known answer (ACM did not answer now)' : undefined;
}

/** What to do about a renewed certificate that waits in ACM. */
function acmWaitingText(c: CertificateStatus): string {
  const about = [
    c.acm?.serial && `serial ${c.acm.serial}`,
    c.acm?.notAfter && `valid until ${date(c.acm.notAfter)}`,
  ].filter(Boolean);
  const renewed = `The renewed certificate${
    about.length ? ` (${about.join(', ')})` : ''
  } is waiting in ACM`;
  const secret = `${c.secret.namespace}/${c.secret.name}`;
  if (c.externalSecret && !c.externalSecret.ready) {
    return `${renewed}: the fix is the ExternalSecret's sync, not a renewal. Fix its error, then refresh the certificate.`;
  }
  if (c.externalSecret) {
    return `${renewed}: refresh the certificate to write it to secret ${secret}.`;
  }
  return `${renewed}: write it to secret ${secret}.`;
}

function Certificate(props: {
  cluster: string;
  entityRef: string;
  certificate: CertificateStatus;
  onRefreshed: () => void;
}) {
  const classes = useStyles();
  const { certificate: c } = props;
  const cert = c.certificate;
  const waiting = renewalWaitingInAcm(c);
  return (
    <InfoCard
      title={c.hosts.join(', ')}
      subheader={
        <ToneText tone={certificateTone(c)}>
          <span data-testid="certificate-verdicts">
            {certificateProblems(c).join(' · ') || 'ok'}
          </span>
          {`${cert ? ` · ${daysText(c)}` : ''} · gateway ${c.gateway}`}
        </ToneText>
      }
    >
      {waiting && (
        <Typography
          variant="body2"
          paragraph
          data-testid="certificate-acm-waiting"
        >
          {acmWaitingText(c)}
        </Typography>
      )}
      <Grid container spacing={2} data-testid="certificate-sources">
        <Grid item xs={12} md={4}>
          <div className={classes.source}>
            <Typography variant="subtitle2">
              Secret {c.secret.namespace}/{c.secret.name}
            </Typography>
            {cert ? (
              <Facts
                facts={[
                  ['Subject', cert.subject],
                  [
                    'Names',
                    cert.sans.map((san, i) => (
                      <Fragment key={san}>
                        {i > 0 && ', '}
                        <Breakable text={san} />
                      </Fragment>
                    )),
                  ],
                  ['Issuer', cert.issuer],
                  ['Serial', cert.serial],
                  ['Valid', `${date(cert.notBefore)} → ${date(cert.notAfter)}`],
                  ['Days left', String(cert.daysLeft)],
                  [
                    'Not covered',
                    cert.uncoveredHosts.length
                      ? cert.uncoveredHosts.join(', ')
                      : undefined,
                  ],
                ]}
              />
            ) : (
              <Typography variant="body2" color="textSecondary">
                {c.verdict === 'missing'
                  ? 'The secret does not exist.'
                  : 'No readable tls.crt.'}
              </Typography>
            )}
          </div>
        </Grid>
        <Grid item xs={12} md={4}>
          <div className={classes.source}>
            <Typography variant="subtitle2">
              ExternalSecret
              {c.externalSecret ? ` ${c.externalSecret.name}` : ''}
            </Typography>
            {c.externalSecret ? (
              <>
                <Facts
                  facts={[
                    [
                      'Ready',
                      <ToneText tone={c.externalSecret.ready ? 'ok' : 'error'}>
                        {c.externalSecret.ready ? 'yes' : 'no'}
                      </ToneText>,
                    ],
                    ['Reason', c.externalSecret.reason],
                    ['Message', c.externalSecret.message],
                    ['Last refresh', c.externalSecret.refreshTime],
                    ['Interval', c.externalSecret.refreshInterval],
                  ]}
                />
                <RefreshCertificateButton
                  request={{
                    entityRef: props.entityRef,
                    cluster: props.cluster,
                    namespace: c.secret.namespace,
                    externalSecret: c.externalSecret.name,
                  }}
                  onRefreshed={props.onRefreshed}
                />
              </>
            ) : (
              <Typography variant="body2" color="textSecondary">
                None: the secret is managed by hand (or by another tool).
              </Typography>
            )}
          </div>
        </Grid>
        <Grid item xs={12} md={4}>
          <div className={classes.source}>
            <Typography variant="subtitle2">AWS Certificate Manager</Typography>
            {c.acm ? (
              <Facts
                facts={[
                  ['ARN', c.acm.arn],
                  ['Status', c.acm.status],
                  ['Type', c.acm.type],
                  ['Not after', date(c.acm.notAfter)],
                  ['Renewal', c.acm.renewalStatus],
                  ['Serial', c.acm.serial],
                  ['In use by', c.acm.inUseBy.join(', ') || undefined],
                  [
                    'Renewed',
                    waiting ? (
                      <ToneText tone="warning">
                        waiting in ACM, not yet in the secret
                      </ToneText>
                    ) : undefined,
                  ],
                  [
                    'Note',
                    acmStalenessNote(c.acm) && (
                      <span
                        data-testid="certificate-acm-stale"
                        title={c.acm.staleness?.message}
                      >
                        <ToneText tone="warning">
                          {acmStalenessNote(c.acm)}
                        </ToneText>
                      </span>
                    ),
                  ],
                ]}
              />
            ) : (
              <Typography variant="body2" color="textSecondary">
                No ACM certificate found. Set the{' '}
                <code>meshdeck.io/acm-certificate-arn</code> annotation on the
                secret (and <code>istio.acm</code> in app-config) to compare.
              </Typography>
            )}
          </div>
        </Grid>
      </Grid>
    </InfoCard>
  );
}

/**
 * Each gateway certificate with its three sources side by side, under one
 * "Certificates" heading: the section's own, or the title of the card that
 * says there are none.
 */
export function CertificatesPanel(props: {
  clusters: ClusterStatus[];
  entityRef: string;
  onRefreshed: () => void;
}) {
  const all = props.clusters.flatMap(cluster =>
    cluster.certificates.map(certificate => ({ cluster, certificate })),
  );
  if (all.length === 0) {
    return (
      <InfoCard title="Certificates">
        <Typography variant="body2" color="textSecondary">
          No gateway serves a host of this entity over TLS yet.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <>
      <Typography variant="h6" component="h2" gutterBottom>
        Certificates
      </Typography>
      <Grid container spacing={2}>
        {all.map(({ cluster, certificate }) => (
          <Grid
            item
            xs={12}
            key={`${cluster.name}/${certificate.secret.namespace}/${
              certificate.secret.name
            }/${certificate.hosts.join()}`}
          >
            <Certificate
              cluster={cluster.name}
              entityRef={props.entityRef}
              certificate={certificate}
              onRefreshed={props.onRefreshed}
            />
          </Grid>
        ))}
      </Grid>
    </>
  );
}
