import { CopyTextButton, Table, TableColumn } from '@backstage/core-components';
import { Finding } from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Tone } from '../common/meshSummary';
import { TABLE_OPTIONS, withClusterColumn } from './clusterColumn';
import { ToneText } from '../common/VerdictBadge';

type Row = Finding & { cluster: string; id: string };

const SEVERITY_TONE: Record<Finding['severity'], Tone> = {
  error: 'error',
  warning: 'warning',
  info: 'neutral',
};

const columns: TableColumn<Row>[] = [
  {
    title: 'Severity',
    field: 'severity',
    width: '110px',
    render: row => (
      <ToneText tone={SEVERITY_TONE[row.severity]}>{row.severity}</ToneText>
    ),
  },
  { title: 'Code', field: 'code', width: '90px' },
  { title: 'Object', field: 'object', width: '18%' },
  { title: 'Finding', field: 'message', width: '30%' },
  {
    title: 'Fix',
    field: 'fix',
    width: '40%',
    render: row =>
      row.fix ? (
        <Box display="flex" alignItems="center">
          <Typography
            variant="body2"
            component="code"
            style={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}
          >
            {row.fix}
          </Typography>
          <CopyTextButton
            text={row.fix}
            tooltipText="Fix copied"
            aria-label={`Copy fix: ${row.fix}`}
          />
        </Box>
      ) : null,
  },
];

/** Findings with their fix commands, each with a copy button. */
export function FindingsTable(props: {
  findings: Array<Finding & { cluster: string }>;
  many: boolean;
}) {
  const data = props.findings.map((f, i) => ({ ...f, id: `${f.id}-${i}` }));
  return (
    <Table<Row>
      title="Findings"
      options={TABLE_OPTIONS}
      columns={withClusterColumn(columns, props.many)}
      data={data}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No findings: sidecars, mTLS, certificates and routes look right.
          </Typography>
        </Box>
      }
    />
  );
}
