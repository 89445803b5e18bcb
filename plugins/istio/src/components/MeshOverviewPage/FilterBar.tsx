import { OverviewCluster } from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { clusterLabel } from '../common/meshSummary';
import {
  NO_FILTERS,
  NO_OWNER,
  OverviewFilters,
  ownerLabel,
} from './overviewModel';

const ALL = '';

function FilterSelect(props: {
  id: keyof OverviewFilters;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
  /** What the closed select shows for a value, when not its label. */
  renderValue?: (value: string) => string;
}) {
  // a value from the address that the overview no longer has stays choosable
  const options = props.options.some(o => o.value === props.value)
    ? props.options
    : [...props.options, { value: props.value, label: props.value }];
  return (
    <TextField
      select
      id={`mesh-filter-${props.id}`}
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      variant="outlined"
      size="small"
      style={{ width: 170, marginRight: 12, marginBottom: 8 }}
      SelectProps={{
        displayEmpty: true,
        ...(props.renderValue && {
          renderValue: (v: unknown) =>
            props.renderValue!(String(v)) ||
            options.find(o => o.value === v)?.label,
        }),
      }}
      InputLabelProps={{ shrink: true }}
      inputProps={{ 'data-testid': `filter-${props.id}` }}
    >
      {options.map(o => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Cluster, namespace, owner and severity: narrows every section at once. */
export function FilterBar(props: {
  filters: OverviewFilters;
  clusters: OverviewCluster[];
  namespaces: string[];
  owners: string[];
  unowned: boolean;
  onChange: (filters: OverviewFilters) => void;
}) {
  const { filters, onChange } = props;
  const set = (key: keyof OverviewFilters) => (value: string) =>
    onChange({ ...filters, [key]: value });
  const active = Object.values(filters).some(Boolean);
  return (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      mb={1}
      data-testid="mesh-filters"
    >
      <FilterSelect
        id="cluster"
        label="Cluster"
        value={filters.cluster}
        onChange={set('cluster')}
        // the cluster's name fits the closed select; the menu has its title
        renderValue={v => v}
        options={[
          { value: ALL, label: 'All clusters' },
          ...props.clusters.map(c => ({
            value: c.name,
            label: clusterLabel(c),
          })),
        ]}
      />
      <FilterSelect
        id="namespace"
        label="Namespace"
        value={filters.namespace}
        onChange={set('namespace')}
        options={[
          { value: ALL, label: 'All namespaces' },
          ...props.namespaces.map(n => ({ value: n, label: n })),
        ]}
      />
      <FilterSelect
        id="owner"
        label="Owner"
        value={filters.owner}
        onChange={set('owner')}
        options={[
          { value: ALL, label: 'All owners' },
          ...props.owners.map(o => ({ value: o, label: ownerLabel(o) })),
          ...(props.unowned ? [{ value: NO_OWNER, label: 'No owner' }] : []),
        ]}
      />
      <FilterSelect
        id="severity"
        label="Severity"
        value={filters.severity}
        onChange={set('severity')}
        options={[
          { value: ALL, label: 'All' },
          { value: 'warning', label: 'Warnings and errors' },
          { value: 'error', label: 'Errors only' },
        ]}
      />
      {active && (
        <Button
          size="small"
          onClick={() => onChange(NO_FILTERS)}
          style={{ marginBottom: 8 }}
        >
          Clear filters
        </Button>
      )}
    </Box>
  );
}
