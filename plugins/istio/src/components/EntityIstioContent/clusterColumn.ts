import { TableColumn } from '@backstage/core-components';

/**
 * For a column as wide as its content and no wider: the browser's table
 * layout widens a 1% column to its unwrapped content. Columns that should
 * share the rest of the width get `width: 'auto'` (with no width at all,
 * material-table gives every such column an equal share).
 */
export const FIT_CONTENT = {
  width: '1%',
  cellStyle: { whiteSpace: 'nowrap' },
} as const;

/** The columns, led by a Cluster column when the entity spans clusters. */
export function withClusterColumn<T extends { cluster: string }>(
  columns: TableColumn<T>[],
  many: boolean,
): TableColumn<T>[] {
  return many
    ? [{ title: 'Cluster', field: 'cluster', ...FIT_CONTENT }, ...columns]
    : columns;
}

/** Options shared by the tab's tables: all rows, no search, dense. */
export const TABLE_OPTIONS = {
  paging: false,
  search: false,
  padding: 'dense',
} as const;
