/**
 * Code cells the panel inserts into notebooks.
 */

export type SnippetKind = 'dataframe' | 'sql' | 'etl' | 'crawl';

export interface ISnippetTable {
  database: string;
  name: string;
  /** Data columns, then partition keys (when known). */
  columns?: string[];
  partitionKeys?: string[];
}

export const SNIPPET_LABELS: Record<SnippetKind, string> = {
  dataframe: 'Spark DataFrame cell',
  sql: '%%sql query cell',
  etl: '%%etl transform cell',
  crawl: '%crawl cell'
};

export const LOAD_EXT = '%load_ext glue_magics';
const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;
/** Beyond this many columns a query selects `*` rather than listing them. */
const MAX_LISTED = 12;

function quoteColumn(name: string): string {
  return PLAIN_NAME.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

export function qualified(table: ISnippetTable): string {
  return `${table.database}.${table.name}`;
}

/** The cell's code. `crawl` takes no table (it is the empty catalog's first step). */
export function snippet(kind: SnippetKind, table?: ISnippetTable): string {
  if (kind === 'crawl' || !table) {
    return '%crawl ./data --database raw';
  }
  const name = qualified(table);
  switch (kind) {
    case 'dataframe':
      return [
        'import glue_magics',
        '',
        `# spark.table("${name}"), registered from the catalog with its partitions`,
        `df = glue_magics.table("${name}")`,
        'df.limit(20).toPandas()'
      ].join('\n');
    case 'sql': {
      const columns = table.columns ?? [];
      const select =
        columns.length > 0 && columns.length <= MAX_LISTED
          ? columns.map(quoteColumn).join(', ')
          : '*';
      return ['%%sql', `SELECT ${select}`, `FROM ${name}`, 'LIMIT 100'].join(
        '\n'
      );
    }
    case 'etl': {
      const options = [`--source src=${name}`, `--target ${name}_etl`];
      if (table.partitionKeys?.length) {
        options.push(`--partition-by ${table.partitionKeys.join(',')}`);
      }
      return [`%%etl ${options.join(' ')}`, 'SELECT *', 'FROM src'].join('\n');
    }
  }
}

/** Whether the code uses glue_magics' magics (which need `%load_ext glue_magics` first). */
export function usesMagics(kind: SnippetKind): boolean {
  return kind !== 'dataframe';
}

/**
 * The cells to insert: the snippet, preceded by a `%load_ext glue_magics` cell when it needs
 * the magics and no cell of the notebook loads them yet. A cell magic (`%%sql`) must be the
 * first line of its cell, so the extension cannot share it.
 */
export function cellsToInsert(
  kind: SnippetKind,
  table: ISnippetTable | undefined,
  notebookSources: string[]
): string[] {
  const code = snippet(kind, table);
  const loaded = notebookSources.some(source =>
    source.split('\n').some(line => line.trim() === LOAD_EXT)
  );
  if (!usesMagics(kind) || loaded) {
    return [code];
  }
  if (kind === 'crawl') {
    return [`${LOAD_EXT}\n${code}`];
  }
  return [LOAD_EXT, code];
}
