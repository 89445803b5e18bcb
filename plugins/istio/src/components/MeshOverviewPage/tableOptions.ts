import { makeStyles } from '@material-ui/core/styles';
import { TABLE_OPTIONS } from '../EntityIstioContent/clusterColumn';

/**
 * The page's tables: all rows, dense, no toolbar (the tab names the list).
 */
export const PAGE_TABLE_OPTIONS = {
  ...TABLE_OPTIONS,
  toolbar: false,
} as const;

/**
 * For a table's wrapper: cells aligned at the top, so multi-line cells read
 * like lines of text, and status text (Backstage's status components are
 * body1 flex boxes) inline, in the size of the text around it. Class names
 * carry a suffix in some builds, hence the attribute selector.
 */
const inlineStatus = {
  display: 'inline-flex',
  fontSize: 'inherit',
  lineHeight: 'inherit',
  '& > svg': { width: '1em', height: '1em' },
} as const;

export const useTableStyles = makeStyles(theme => ({
  table: {
    '& td': { verticalAlign: 'top' },
    '& td [class*="BackstageStatus-status"]': inlineStatus,
  },
  /** The same status text outside a table, in body2. */
  compact: {
    ...theme.typography.body2,
    '& [class*="BackstageStatus-status"]': inlineStatus,
  },
}));

/** The "Owned by" column's sizing: never narrower than a team's name. */
export const OWNERSHIP_COLUMN = {
  width: 'auto',
  headerStyle: { whiteSpace: 'nowrap' },
  cellStyle: { wordBreak: 'normal', overflowWrap: 'break-word', minWidth: 140 },
} as const;
