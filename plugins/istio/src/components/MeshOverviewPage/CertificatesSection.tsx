import { Table, TableColumn } from '@backstage/core-components';
import { OverviewCertificate } from '@meshdeck/plugin-istio-common';
import Typography from '@material-ui/core/Typography';
import { Fragment } from 'react';
import { Breakable, WRAP_WORDS } from '../common/Breakable';
import {
  certificateProblems,
  certificateTone,
  daysText,
  renewalWaitingInAcm,
} from '../common/meshSummary';
import { ToneText } from '../common/VerdictBadge';
import {
  FIT_CONTENT,
  withClusterColumn,
} from '../EntityIstioContent/clusterColumn';
import { Ownership } from './RefLinks';
import { SectionEmpty } from './SectionEmpty';
import {
  OWNERSHIP_COLUMN,
  PAGE_TABLE_OPTIONS,
  useTableStyles,
} from './tableOptions';

/** As wide as the content, the header on one line too. */
const FIT = { ...FIT_CONTENT, headerStyle: { whiteSpace: 'nowrap' } } as const;

type Row = OverviewCertificate & { id: string };

const date = (iso?: string) => (iso ? iso.slice(0, 10) : undefined);

function Line(props: { label: string; children: React.ReactNode }) {
  return (
    <Typography variant="body2" component="div">
      <Typography variant="body2" component="span" color="textSecondary">
        {props.label}{' '}
      </Typography>
      {props.children}
    </Typography>
  );
}

/** The secret, its ExternalSecret and its ACM certificate, one line each. */
function Sources(props: { certificate: OverviewCertificate }) {
  const c = props.certificate;
  const es = c.externalSecret;
  const acm = c.acm;
  const until = date(c.certificate?.notAfter);
  return (
    <div data-testid="certificate-sources">
      <Line label="Secret">
        <Breakable text={`${c.secret.namespace}/${c.secret.name}`} />
        {until ? ` · until ${until}` : ''}
      </Line>
      <Line label="ExternalSecret">
        {es ? (
          <>
            {es.name}{' '}
            <ToneText tone={es.ready ? 'ok' : 'error'}>
              {es.ready
                ? 'synced'
                : `not ready${es.reason ? ` (${es.reason})` : ''}`}
            </ToneText>
            {!es.ready && es.message && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {es.message}
              </Typography>
            )}
          </>
        ) : (
          'none (managed by hand or another tool)'
        )}
      </Line>
      <Line label="ACM">
        {acm ? (
          <>
            {[
              acm.status,
              acm.renewalStatus && `renewal ${acm.renewalStatus}`,
              acm.stale && 'last known answer',
            ]
              .filter(Boolean)
              .join(' · ')}
            {renewalWaitingInAcm(c) && (
              <div>
                <ToneText tone="warning">
                  renewed certificate waiting in ACM
                  {acm.notAfter ? ` (until ${date(acm.notAfter)})` : ''}
                </ToneText>
              </div>
            )}
          </>
        ) : (
          'not linked'
        )}
      </Line>
    </div>
  );
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Hosts',
    width: 'auto',
    cellStyle: { ...WRAP_WORDS, minWidth: 160 },
    render: row => (
      <>
        <div data-testid="certificate-hosts">
          {row.hosts.map((host, i) => (
            <Fragment key={host}>
              {i > 0 && <br />}
              <Breakable text={host} />
            </Fragment>
          ))}
        </div>
        <Typography variant="caption" color="textSecondary">
          gateway <Breakable text={row.gateway} />
        </Typography>
      </>
    ),
  },
  {
    title: 'Days left',
    ...FIT,
    render: row => (
      <span data-testid="certificate-days">
        <ToneText tone={certificateTone(row)}>{daysText(row)}</ToneText>
      </span>
    ),
  },
  {
    title: 'Verdict',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    // the most urgent verdict with the certificate's colour, the others below
    render: row => {
      const [first = 'ok', ...rest] = certificateProblems(row);
      return (
        <div data-testid="certificate-verdict">
          <ToneText tone={certificateTone(row)}>{first}</ToneText>
          {rest.map(v => (
            <Typography key={v} variant="body2" component="div">
              {v}
            </Typography>
          ))}
        </div>
      );
    },
  },
  {
    title: 'Secret, ExternalSecret, ACM',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    render: row => <Sources certificate={row} />,
  },
  {
    title: 'Serves',
    ...OWNERSHIP_COLUMN,
    render: row => (
      <Ownership
        entities={row.entities}
        owners={row.owners}
        none="no catalog entity"
      />
    ),
  },
];

/**
 * Every gateway TLS secret a Gateway references, most urgent first: hosts,
 * days left, every verdict, the ExternalSecret and ACM certificate behind
 * it, and the entities whose hosts it serves.
 */
export function CertificatesSection(props: {
  certificates: OverviewCertificate[];
  many: boolean;
  filtered: boolean;
}) {
  const classes = useTableStyles();
  if (props.certificates.length === 0) {
    return (
      <SectionEmpty
        title="Certificates"
        filtered={props.filtered}
        text="No Gateway references a TLS secret: no host is served over HTTPS yet."
      />
    );
  }
  const data = props.certificates.map((c, i) => ({
    ...c,
    id: `${c.cluster}/${c.secret.namespace}/${c.secret.name}/${i}`,
  }));
  return (
    <div data-testid="table-certificates" className={classes.table}>
      <Table<Row>
        options={PAGE_TABLE_OPTIONS}
        columns={withClusterColumn(columns, props.many)}
        data={data}
      />
    </div>
  );
}
