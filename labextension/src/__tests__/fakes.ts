import {
  ApiError,
  ICatalogApi,
  IDatabase,
  IDQResult,
  ILineage,
  IPage,
  IPartition,
  IPreview,
  IRun,
  ITableDetail,
  ITableSummary,
  IVersion,
  IVersionDiff
} from '../tokens';

export function database(name: string, tableCount: number): IDatabase {
  return {
    name,
    description: null,
    location_uri: null,
    parameters: {},
    created_at: null,
    table_count: tableCount
  };
}

export function summary(db: string, name: string): ITableSummary {
  return {
    database: db,
    name,
    classification: 'parquet',
    table_type: 'EXTERNAL_TABLE',
    description: null,
    location: `/lake/${name}`,
    column_count: 2,
    partition_keys: ['dt'],
    version: 1,
    updated_at: null,
    record_count: 10
  };
}

export function detail(db: string, name: string): ITableDetail {
  return {
    ...summary(db, name),
    columns: [
      { name: 'id', type: 'bigint', comment: null },
      { name: 'amount', type: 'double', comment: 'in EUR' }
    ],
    partition_keys: [
      { name: 'dt', type: 'string', comment: null, partition_key: true }
    ],
    input_format: null,
    output_format: null,
    serde_library: null,
    serde_parameters: {},
    parameters: {},
    owner: null,
    created_at: null,
    counts: {
      columns: 2,
      partition_keys: 1,
      partitions: 3,
      versions: 1,
      records: 10,
      files: 1,
      bytes: 100
    },
    status: { crawl: null, etl: null, dq: null }
  };
}

/** A promise the test resolves when it wants: to interleave responses. */
export class Deferred<T> {
  promise: Promise<T>;
  resolve!: (value: T) => void;
  constructor() {
    this.promise = new Promise<T>(resolve => {
      this.resolve = resolve;
    });
  }
}

/** An in-memory catalog behind the ICatalogApi interface, counting calls. */
export class FakeApi implements ICatalogApi {
  seq = 1;
  dbs = new Map<string, string[]>();
  calls: string[] = [];
  missing = false;
  searchGate: Deferred<void> | null = null;
  searchResults = new Map<string, ITableSummary[]>();

  constructor(dbs: Record<string, number>) {
    for (const [name, count] of Object.entries(dbs)) {
      this.dbs.set(
        name,
        Array.from(
          { length: count },
          (_, i) => `t${String(i).padStart(5, '0')}`
        )
      );
    }
  }

  private check(): void {
    if (this.missing) {
      throw new ApiError('404 Not Found', 404, true);
    }
  }

  async status() {
    this.calls.push('status');
    this.check();
    return { version: '0.1.0', catalog: 'sqlite:///x', seq: this.seq };
  }

  async changes(since: number | null) {
    this.calls.push(`changes:${since}`);
    this.check();
    return { seq: this.seq, changed: since !== this.seq };
  }

  async databases() {
    this.calls.push('databases');
    return [...this.dbs.entries()].map(([name, tables]) =>
      database(name, tables.length)
    );
  }

  async tables(
    db: string,
    options: { limit: number; nextToken?: string | null; pattern?: string }
  ) {
    this.calls.push(`tables:${db}:${options.nextToken ?? ''}:${options.limit}`);
    const names = this.dbs.get(db);
    if (!names) {
      throw new ApiError(`database '${db}' not found`, 404);
    }
    const start = options.nextToken ? names.indexOf(options.nextToken) + 1 : 0;
    const page = names.slice(start, start + options.limit);
    const more = start + options.limit < names.length;
    return {
      items: page.map(n => summary(db, n)),
      nextToken: more ? page[page.length - 1] : null,
      total: names.length
    };
  }

  async table(db: string, name: string) {
    this.calls.push(`table:${db}.${name}`);
    if (!this.dbs.get(db)?.includes(name)) {
      throw new ApiError(`table ${db}.${name} not found`, 404);
    }
    return detail(db, name);
  }

  async partitions(
    _db: string,
    name: string,
    options: { limit: number; nextToken?: string | null; expression?: string }
  ): Promise<IPage<IPartition>> {
    this.calls.push(
      `partitions:${options.expression ?? ''}:${options.nextToken ?? ''}`
    );
    if (options.expression === 'bad') {
      throw new ApiError('invalid expression', 400);
    }
    const all = ['2024-01-01', '2024-01-02', '2024-01-03'].map(d => ({
      values: [d],
      location: `/lake/${name}/dt=${d}`,
      parameters: {},
      storage: null,
      created_at: null,
      updated_at: null
    }));
    const start = options.nextToken ? Number(options.nextToken) : 0;
    const page = all.slice(start, start + options.limit);
    return {
      items: page,
      nextToken:
        start + options.limit < all.length
          ? String(start + options.limit)
          : null
    };
  }

  async versions(): Promise<IPage<IVersion>> {
    this.calls.push('versions');
    return {
      items: [2, 1].map(v => ({
        version: v,
        created_at: null,
        column_count: v,
        classification: 'parquet',
        location: null
      })),
      nextToken: null
    };
  }

  async diff(
    db: string,
    name: string,
    a: number,
    b: number
  ): Promise<IVersionDiff> {
    this.calls.push(`diff:${a}:${b}`);
    return {
      database: db,
      table: name,
      old_version: a,
      new_version: b,
      added_columns: [{ name: 'amount', type: 'double', comment: null }],
      removed_columns: [],
      changed_columns: [],
      changed_fields: []
    };
  }

  async statistics() {
    this.calls.push('statistics');
    return [];
  }

  async lineage(db: string, name: string): Promise<ILineage> {
    this.calls.push('lineage');
    return { table: `${db}.${name}`, upstream: [], downstream: [] };
  }

  async preview(
    db: string,
    name: string,
    options: { limit: number; expression?: string }
  ): Promise<IPreview> {
    this.calls.push(`preview:${options.limit}:${options.expression ?? ''}`);
    return {
      database: db,
      table: name,
      columns: [{ name: 'id', type: 'bigint', comment: null }],
      rows: [[1], [2]],
      more: false,
      source: 'parquet',
      files_read: 1,
      partitions_read: 1,
      notes: [],
      seconds: 0.01
    };
  }

  async search(
    query: string,
    options: { limit: number; nextToken?: string | null }
  ) {
    this.calls.push(`search:${query}`);
    const gate = this.searchGate;
    if (gate) {
      await gate.promise;
    }
    void options;
    return { items: this.searchResults.get(query) ?? [], nextToken: null };
  }

  async runs(options: {
    kind?: string;
    limit: number;
  }): Promise<IPage<IRun | IDQResult>> {
    this.calls.push(`runs:${options.kind ?? ''}`);
    const run: IRun = {
      id: 1,
      kind: options.kind || 'crawl',
      name: 'lake',
      state: 'SUCCEEDED',
      target: 'raw',
      started_at: '2024-01-01T00:00:00+00:00',
      ended_at: '2024-01-01T00:00:01+00:00',
      metrics: {},
      error: null,
      seconds: 1
    };
    return { items: [run], nextToken: null };
  }
}

/** Let pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}
