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

// -- jobs (glue_magics/server/jobs.py)

/** Glue's job run states. */
export type JobRunState =
  | 'WAITING'
  | 'STARTING'
  | 'RUNNING'
  | 'STOPPING'
  | 'STOPPED'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMEOUT'
  | 'ERROR';

export interface IJobRunBrief {
  id: number;
  state: JobRunState;
  attempt: number;
  trigger: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_seconds: number | null;
  error: string | null;
}

export interface IJobSummary {
  name: string;
  version: number;
  schedule: string | null;
  schedule_words: string | null;
  timezone: string;
  paused: boolean;
  next_run: string | null;
  description: string | null;
  tags: string[];
  last_runs: IJobRunBrief[];
  active_runs: number;
  updated_at: string | null;
}

export interface IJobParameter {
  name: string;
  type: string;
  default: unknown;
  /** The default as the text a run's form takes back unchanged. */
  text: string;
  job_default: boolean;
}

export interface IJobDetail extends IJobSummary {
  parameters: IJobParameter[];
  fixed_parameters: { name: string; type: string; value: unknown }[];
  gates: { table: string; ruleset: string }[];
  settings: Record<string, unknown>;
  skipped_runs: number;
  created_at: string | null;
  notebook: string | null;
  versions: {
    version: number;
    created_at: string;
    sha256: string;
    source_path: string | null;
    parameters: string[];
  }[];
}

export interface IJobRunChild {
  id: number;
  kind: string;
  name: string;
  target: string | null;
  state: string;
  metrics: Record<string, unknown>;
  error: string | null;
}

export interface IJobRun extends IJobRunBrief {
  job: string;
  version: number;
  scheduled_for: string | null;
  arguments: Record<string, unknown>;
  failed_cell: number | null;
  note: string | null;
  metrics: Record<string, unknown>;
  rows_written: number | null;
  bytes_written: number | null;
  children: IJobRunChild[];
  has_output: boolean;
  has_log: boolean;
}

/** `%promote`'s options, as the promote route takes them. */
export interface IPromoteOptions {
  notebook: string;
  name: string;
  schedule?: string | null;
  timezone?: string;
  description?: string | null;
  [option: string]: unknown;
}

/**
 * What the Jobs view needs from the server; the REST client implements it, tests fake it.
 */
export interface IJobsApi {
  jobs(): Promise<IJobSummary[]>;
  job(name: string): Promise<IJobDetail>;
  jobRun(id: number): Promise<IJobRun>;
  jobRunLog(id: number): Promise<string>;
  promote(options: IPromoteOptions): Promise<IJobSummary>;
  runJob(name: string, params: Record<string, string>): Promise<IJobRun>;
  stopRun(id: number): Promise<IJobRunBrief>;
  setPaused(name: string, paused: boolean): Promise<IJobSummary>;
  /** Where the executed notebook of a run is served as HTML. */
  outputUrl(id: number): string;
}
