import { TableColumn } from '@backstage/core-components';

/** The columns, led by a Cluster column when the entity spans clusters. */
export function withClusterColumn<T extends { cluster: string }>(
  columns: TableColumn<T>[],
  many: boolean,
): TableColumn<T>[] {
  return many ? [{ title: 'Cluster', field: 'cluster' }, ...columns] : columns;
}

/** Options shared by the tab's tables: all rows, no search, dense. */
export const TABLE_OPTIONS = {
  paging: false,
  search: false,
  padding: 'dense',
} as const;
