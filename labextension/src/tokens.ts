/**
 * The JSON shapes of the REST API under /glue-magics/api/ (glue_magics/server/jsonify.py).
 */

export interface IStatus {
  version: string;
  catalog: string;
  seq: number;
}

export interface IChanges {
  seq: number;
  changed: boolean;
}

export interface IDatabase {
  name: string;
  description: string | null;
  location_uri: string | null;
  parameters: Record<string, string>;
  created_at: string | null;
  table_count: number;
}

export interface ITableSummary {
  database: string;
  name: string;
  classification: string | null;
  table_type: string;
  description: string | null;
  location: string | null;
  column_count: number;
  partition_keys: string[];
  version: number;
  updated_at: string | null;
  record_count: number | null;
}

export interface IColumn {
  name: string;
  type: string;
  comment: string | null;
  partition_key?: boolean;
}

export interface IRun {
  id: number;
  kind: string;
  name: string;
  state: string;
  target: string | null;
  started_at: string;
  ended_at: string | null;
  metrics: Record<string, unknown>;
  error: string | null;
  seconds: number | null;
}

export interface IDQResult {
  kind: 'dq';
  target: string;
  ruleset: string | null;
  score: number;
  rules: unknown[];
  run_id: number | null;
  evaluated_at: string | null;
  rules_total: number;
}

export interface ITableDetail extends Omit<
  ITableSummary,
  'partition_keys' | 'column_count'
> {
  column_count: number;
  columns: IColumn[];
  partition_keys: IColumn[];
  input_format: string | null;
  output_format: string | null;
  serde_library: string | null;
  serde_parameters: Record<string, string>;
  parameters: Record<string, string>;
  owner: string | null;
  created_at: string | null;
  counts: {
    columns: number;
    partition_keys: number;
    partitions: number | null;
    versions: number;
    records: number | null;
    files: number | null;
    bytes: number | null;
  };
  status: {
    crawl: IRun | null;
    etl: IRun | null;
    dq: IDQResult | null;
  };
}

export interface IPartition {
  values: string[];
  location: string | null;
  parameters: Record<string, string>;
  storage: Record<string, unknown> | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface IVersion {
  version: number;
  created_at: string | null;
  column_count: number;
  classification: string | null;
  location: string | null;
}

export interface IVersionDiff {
  database: string;
  table: string;
  old_version: number;
  new_version: number;
  added_columns: IColumn[];
  removed_columns: IColumn[];
  changed_columns: { old: IColumn; new: IColumn }[];
  changed_fields: { field: string; old: unknown; new: unknown }[];
}

export interface IStatistic {
  column_name: string;
  column_type: string;
  data: Record<string, unknown>;
  analyzed_at: string | null;
}

export interface ILineageEdge {
  source: string;
  target: string;
  run_id: number | null;
  code_hash: string | null;
  created_at: string | null;
  run: IRun | null;
}

export interface ILineage {
  table: string;
  upstream: ILineageEdge[];
  downstream: ILineageEdge[];
}

export type Cell =
  string | number | boolean | null | Cell[] | { [key: string]: Cell };

export interface IPreview {
  database: string;
  table: string;
  columns: IColumn[];
  rows: Cell[][];
  more: boolean;
  source: string;
  files_read: number;
  partitions_read: number;
  notes: string[];
  seconds: number;
}

export interface IPage<T> {
  items: T[];
  nextToken: string | null;
}

/**
 * What the model needs from the server; the REST client implements it, tests fake it.
 */
export interface ICatalogApi {
  status(): Promise<IStatus>;
  changes(since: number | null): Promise<IChanges>;
  databases(): Promise<IDatabase[]>;
  tables(
    database: string,
    options: { limit: number; nextToken?: string | null; pattern?: string }
  ): Promise<IPage<ITableSummary> & { total: number }>;
  table(database: string, table: string): Promise<ITableDetail>;
  partitions(
    database: string,
    table: string,
    options: { limit: number; nextToken?: string | null; expression?: string }
  ): Promise<IPage<IPartition>>;
  versions(database: string, table: string): Promise<IPage<IVersion>>;
  diff(
    database: string,
    table: string,
    oldVersion: number,
    newVersion: number
  ): Promise<IVersionDiff>;
  statistics(database: string, table: string): Promise<IStatistic[]>;
  lineage(database: string, table: string): Promise<ILineage>;
  preview(
    database: string,
    table: string,
    options: { limit: number; expression?: string }
  ): Promise<IPreview>;
  search(
    query: string,
    options: { limit: number; nextToken?: string | null }
  ): Promise<IPage<ITableSummary>>;
  runs(options: {
    kind?: string;
    table?: string;
    limit: number;
    nextToken?: string | null;
  }): Promise<IPage<IRun | IDQResult>>;
}

/**
 * An API error: `status` is the HTTP status (0 when the server could not be reached);
 * `extensionMissing` when the server answered but has no /glue-magics/api/ at all, i.e. the
 * glue_magics server extension is not loaded.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly extensionMissing = false
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
