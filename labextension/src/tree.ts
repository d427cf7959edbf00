import { CatalogModel, tableKey } from './model';
import { IColumn, ITableSummary } from './tokens';

export type RowKind =
  'database' | 'table' | 'column' | 'more' | 'loading' | 'empty' | 'error';

/** One line of the databases -> tables -> columns tree, as the virtual list renders it. */
export interface ITreeRow {
  kind: RowKind;
  /** Unique and stable across refreshes: React key and DOM id. */
  key: string;
  depth: number;
  database: string;
  table?: string;
  expanded?: boolean;
  summary?: ITableSummary;
  column?: IColumn;
  count?: number;
  text?: string;
}

/** The tree as a flat list of the rows that are visible (what is expanded, and nothing else). */
export function flattenTree(model: CatalogModel): ITreeRow[] {
  const rows: ITreeRow[] = [];
  for (const db of model.databases) {
    const database = db.info.name;
    rows.push({
      kind: 'database',
      key: `d:${database}`,
      depth: 0,
      database,
      expanded: db.expanded,
      count: db.total
    });
    if (!db.expanded) {
      continue;
    }
    for (const summary of db.items) {
      const key = tableKey(database, summary.name);
      const expanded = model.expandedTables.has(key);
      rows.push({
        kind: 'table',
        key: `t:${key}`,
        depth: 1,
        database,
        table: summary.name,
        expanded,
        summary
      });
      if (expanded) {
        rows.push(...columnRows(model, database, summary.name));
      }
    }
    if (db.error) {
      rows.push({
        kind: 'error',
        key: `e:${database}`,
        depth: 1,
        database,
        text: db.error
      });
    } else if (db.loading || db.nextToken !== null || !db.loaded) {
      // Asks for the next page when it scrolls into view.
      rows.push({ kind: 'more', key: `m:${database}`, depth: 1, database });
    } else if (db.items.length === 0) {
      rows.push({
        kind: 'empty',
        key: `n:${database}`,
        depth: 1,
        database,
        text: 'No tables'
      });
    }
  }
  return rows;
}

function columnRows(
  model: CatalogModel,
  database: string,
  table: string
): ITreeRow[] {
  const key = tableKey(database, table);
  const detail = model.details.get(key);
  if (!detail?.data) {
    if (detail?.error) {
      return [
        {
          kind: 'error',
          key: `e:${key}`,
          depth: 2,
          database,
          table,
          text: detail.error
        }
      ];
    }
    return [{ kind: 'loading', key: `l:${key}`, depth: 2, database, table }];
  }
  const columns = [...detail.data.columns, ...detail.data.partition_keys];
  if (columns.length === 0) {
    return [
      {
        kind: 'empty',
        key: `n:${key}`,
        depth: 2,
        database,
        table,
        text: 'No columns'
      }
    ];
  }
  return columns.map(column => ({
    kind: 'column' as const,
    key: `c:${key}.${column.name}`,
    depth: 2,
    database,
    table,
    column
  }));
}

export type TreeAction =
  | { type: 'focus'; index: number }
  | { type: 'expand'; row: ITreeRow }
  | { type: 'collapse'; row: ITreeRow }
  | { type: 'open'; row: ITreeRow }
  | { type: 'none' };

function expandable(row: ITreeRow): boolean {
  return row.kind === 'database' || row.kind === 'table';
}

/**
 * What a key does in the tree (the WAI-ARIA tree pattern): arrows move and expand/collapse,
 * Home/End jump, Enter opens a table (or toggles a database).
 */
export function treeKeyAction(
  rows: ITreeRow[],
  index: number,
  key: string
): TreeAction {
  if (rows.length === 0) {
    return { type: 'none' };
  }
  const current = Math.min(Math.max(index, 0), rows.length - 1);
  const row = rows[current];
  switch (key) {
    case 'ArrowDown':
      return { type: 'focus', index: Math.min(current + 1, rows.length - 1) };
    case 'ArrowUp':
      return { type: 'focus', index: Math.max(current - 1, 0) };
    case 'Home':
      return { type: 'focus', index: 0 };
    case 'End':
      return { type: 'focus', index: rows.length - 1 };
    case 'ArrowRight':
      if (expandable(row) && !row.expanded) {
        return { type: 'expand', row };
      }
      if (
        expandable(row) &&
        current + 1 < rows.length &&
        rows[current + 1].depth > row.depth
      ) {
        return { type: 'focus', index: current + 1 };
      }
      return { type: 'none' };
    case 'ArrowLeft': {
      if (expandable(row) && row.expanded) {
        return { type: 'collapse', row };
      }
      for (let i = current - 1; i >= 0; i--) {
        if (rows[i].depth < row.depth) {
          return { type: 'focus', index: i };
        }
      }
      return { type: 'none' };
    }
    case 'Enter':
      if (row.kind === 'table') {
        return { type: 'open', row };
      }
      if (row.kind === 'database') {
        return row.expanded
          ? { type: 'collapse', row }
          : { type: 'expand', row };
      }
      return { type: 'none' };
    default:
      return { type: 'none' };
  }
}
