import { CopyTextButton, Table, TableColumn } from '@backstage/core-components';
import { OverviewFinding } from '@meshdeck/plugin-istio-common';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { useState } from 'react';
import { Breakable, WRAP_WORDS } from '../common/Breakable';
import { ToneText } from '../common/VerdictBadge';
import {
  FIT_CONTENT,
  withClusterColumn,
} from '../EntityIstioContent/clusterColumn';
import { FindingGroup, groupFindings, levelTone } from './overviewModel';
import { Ownership, RefLinks } from './RefLinks';
import { SectionEmpty } from './SectionEmpty';
import {
  OWNERSHIP_COLUMN,
  PAGE_TABLE_OPTIONS,
  useTableStyles,
} from './tableOptions';

type Row = OverviewFinding & { rowId: string };

const columns: TableColumn<Row>[] = [
  {
    title: 'Severity',
    ...FIT_CONTENT,
    render: row => (
      <ToneText tone={levelTone[row.severity]}>{row.severity}</ToneText>
    ),
  },
  {
    title: 'Object',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    render: row => <Breakable text={row.object} />,
  },
  {
    title: 'Finding',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    render: row => (
      <>
        {row.message}
        {row.fix && (
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
        )}
      </>
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

const count = (n: number) => `${n} ${n === 1 ? 'finding' : 'findings'}`;

function GroupSummary(props: { group: FindingGroup }) {
  const { group } = props;
  return (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      width="100%"
      data-testid="finding-group-summary"
    >
      <Box mr={2} minWidth={110}>
        <ToneText tone={levelTone[group.severity]}>{group.severity}</ToneText>
      </Box>
      <Typography
        variant="subtitle1"
        component="h3"
        style={{ marginRight: 16 }}
      >
        {group.code ? `${group.code} · ` : ''}
        {group.ids.join(', ')}
      </Typography>
      <Typography
        variant="body2"
        color="textSecondary"
        style={{ marginRight: 16 }}
      >
        {count(group.findings.length)}
      </Typography>
      {group.owners.length > 0 && (
        // a click on an owner opens its page, not the group
        <Typography
          variant="body2"
          component="span"
          onClick={e => e.stopPropagation()}
          onFocus={e => e.stopPropagation()}
        >
          {group.owners.length > 1 ? 'owners ' : 'owner '}
          <RefLinks refs={group.owners} defaultKind="group" />
        </Typography>
      )}
    </Box>
  );
}

/**
 * The rule book's findings across every entity, grouped by code (or id),
 * the most severe group first and open; each group says whom it concerns.
 */
export function FindingsSection(props: {
  findings: OverviewFinding[];
  many: boolean;
  filtered: boolean;
}) {
  const classes = useTableStyles();
  const groups = groupFindings(props.findings);
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  if (groups.length === 0) {
    return (
      <SectionEmpty
        title="Findings"
        filtered={props.filtered}
        text="No findings: sidecars, mTLS, certificates and routes look right across the mesh."
      />
    );
  }
  const isOpen = (key: string, i: number) => expanded[key] ?? i === 0;
  return (
    <>
      {groups.map((group, i) => (
        <Accordion
          key={group.key}
          expanded={isOpen(group.key, i)}
          onChange={(_e, open) =>
            setExpanded(prev => ({ ...prev, [group.key]: open }))
          }
          TransitionProps={{ unmountOnExit: true }}
          data-testid={`finding-group-${group.key}`}
        >
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <GroupSummary group={group} />
          </AccordionSummary>
          <AccordionDetails
            style={{ display: 'block', padding: 0 }}
            className={classes.table}
          >
            <Table<Row>
              options={PAGE_TABLE_OPTIONS}
              columns={withClusterColumn(columns, props.many)}
              data={group.findings.map((f, j) => ({
                ...f,
                rowId: `${group.key}/${j}`,
              }))}
            />
          </AccordionDetails>
        </Accordion>
      ))}
    </>
  );
}
