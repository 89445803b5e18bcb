import { Table, TableColumn } from '@backstage/core-components';
import { OverviewHost } from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { alpha, useTheme } from '@material-ui/core/styles';
import { Breakable, WRAP_WORDS } from '../common/Breakable';
import { verdictText } from '../common/meshSummary';
import { ToneText } from '../common/VerdictBadge';
import Alert from '@material-ui/lab/Alert';
import { withClusterColumn } from '../EntityIstioContent/clusterColumn';
import { verdictTone } from './overviewModel';
import { Ownership } from './RefLinks';
import { SectionEmpty } from './SectionEmpty';
import {
  OWNERSHIP_COLUMN,
  PAGE_TABLE_OPTIONS,
  useTableStyles,
} from './tableOptions';

type Row = OverviewHost & { id: string };

/** How many covered hosts a wildcard row names before "and N more". */
const COVERED_SHOWN = 5;

/**
 * A wildcard host (`*.example.com`): a wildcard listener the routed hosts
 * under it are served through, not a host served unrouted. Answers of an
 * older backend lack `wildcard`; the host tells then.
 */
const isWildcard = (row: OverviewHost) =>
  Boolean(row.wildcard) || row.host.startsWith('*');

/** "covers 2 routed hosts: a.example.com, b.example.com". */
export function coversText(covers: string[]): string {
  if (covers.length === 0) {
    return 'covers no routed host yet';
  }
  const shown = covers.slice(0, COVERED_SHOWN).join(', ');
  const more =
    covers.length > COVERED_SHOWN
      ? ` and ${covers.length - COVERED_SHOWN} more`
      : '';
  return `covers ${covers.length} routed ${
    covers.length === 1 ? 'host' : 'hosts'
  }: ${shown}${more}`;
}

function WildcardNote(props: { row: OverviewHost }) {
  const { wildcard } = props.row;
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="div"
      data-testid="host-wildcard"
    >
      wildcard listener
      {wildcard ? ` · ${coversText(wildcard.covers)}` : ''}
    </Typography>
  );
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Host',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    render: row => (
      <>
        <Typography variant="body2" component="div" data-testid="host-name">
          <Breakable text={row.host} />
        </Typography>
        {isWildcard(row) && <WildcardNote row={row} />}
        {row.conflict && (
          <Typography variant="caption" component="div">
            <span data-testid="host-conflict">
              <ToneText tone="error">conflict: {row.conflict}</ToneText>
            </span>
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Gateway',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    render: row => (
      <>
        <Breakable text={row.gateway} />
        <Typography variant="caption" color="textSecondary" component="div">
          {row.api === 'gateway-api'
            ? `Gateway API${row.listener ? ` · listener ${row.listener}` : ''}`
            : 'Istio Gateway'}
        </Typography>
      </>
    ),
  },
  {
    title: 'Claimed by',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    render: row =>
      row.routes.length > 0 ? (
        <div data-testid="host-routes">
          {row.routes.map(r => (
            <div key={`${r.kind}/${r.namespace}/${r.name}`}>
              <Breakable text={`${r.namespace}/${r.name}`} />{' '}
              <Typography
                variant="caption"
                color="textSecondary"
                component="span"
              >
                {r.kind}
              </Typography>
            </div>
          ))}
        </div>
      ) : (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="host-routes"
        >
          {isWildcard(row)
            ? 'no route of its own: routes claim hosts under it'
            : 'no route: the gateway serves it unrouted'}
        </Typography>
      ),
  },
  {
    title: 'Certificate',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    render: row =>
      row.certificate ? (
        <>
          <Breakable text={row.certificate.secret} />
          <Typography variant="caption" component="div">
            <ToneText tone={verdictTone(row.certificate.verdict)}>
              {verdictText(row.certificate.verdict)}
            </ToneText>
          </Typography>
        </>
      ) : (
        <Typography variant="body2" color="textSecondary">
          no TLS
        </Typography>
      ),
  },
  {
    title: 'Owned by',
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
 * Every host on every gateway with the routes that claim it and whom it
 * belongs to: the registry a team checks before asking for a host.
 * Conflicts come first and are highlighted. A wildcard host is shown as the
 * wildcard listener it is, with the routed hosts it covers (which are no
 * conflict with it), not as a host served unrouted.
 */
export function HostsSection(props: {
  hosts: OverviewHost[];
  many: boolean;
  filtered: boolean;
}) {
  const theme = useTheme();
  const classes = useTableStyles();
  if (props.hosts.length === 0) {
    return (
      <SectionEmpty
        title="Public hosts"
        filtered={props.filtered}
        text="No Gateway serves a host yet."
      />
    );
  }
  const conflicts = props.hosts.filter(h => h.conflict).length;
  const data = props.hosts.map((h, i) => ({
    ...h,
    id: `${h.cluster}/${h.gateway}/${h.host}/${i}`,
  }));
  return (
    <div data-testid="table-hosts" className={classes.table}>
      {conflicts > 0 && (
        <Box mb={1}>
          <Alert severity="error" data-testid="hosts-conflicts">
            {conflicts} {conflicts === 1 ? 'host is' : 'hosts are'} claimed more
            than once on the same gateway: each request goes to only one of the
            routes. Highlighted below.
          </Alert>
        </Box>
      )}
      <Table<Row>
        options={{
          ...PAGE_TABLE_OPTIONS,
          rowStyle: (row: Row) =>
            row.conflict
              ? { backgroundColor: alpha(theme.palette.error.main, 0.08) }
              : {},
        }}
        columns={withClusterColumn(columns, props.many)}
        data={data}
      />
    </div>
  );
}
