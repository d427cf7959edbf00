import { ISignal, Signal } from '@lumino/signaling';

import {
  ApiError,
  ICatalogApi,
  IDatabase,
  IDQResult,
  ILineage,
  IPartition,
  IPreview,
  IRun,
  IStatistic,
  ITableDetail,
  ITableSummary,
  IVersion,
  IVersionDiff
} from './tokens';

export type Connection = 'connecting' | 'ready' | 'missing' | 'error';
export type ViewId = 'browse' | 'runs' | 'jobs';
export type TabId =
  'schema' | 'partitions' | 'preview' | 'versions' | 'lineage';
export const TABS: TabId[] = [
  'schema',
  'partitions',
  'preview',
  'versions',
  'lineage'
];

export interface ILoadable<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
}

export interface IPaged<T> {
  items: T[];
  nextToken: string | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

export interface IDatabaseNode extends IPaged<ITableSummary> {
  info: IDatabase;
  expanded: boolean;
  total: number;
}

export interface ISearchState extends IPaged<ITableSummary> {
  query: string;
}

export interface IRunsState extends IPaged<IRun | IDQResult> {
  kind: string;
}

export interface ITableView {
  database: string;
  table: string;
  tab: TabId;
  detail: ILoadable<ITableDetail>;
  statistics: ILoadable<IStatistic[]>;
  partitions: IPaged<IPartition> & { expression: string };
  preview: ILoadable<IPreview> & { limit: number; expression: string };
  versions: ILoadable<IVersion[]>;
  diff: ILoadable<IVersionDiff> & { pair: [number, number] | null };
  lineage: ILoadable<ILineage>;
}

export interface IModelOptions {
  /** Tables per page of a database (the tree loads more as it scrolls; 100 fill a tall panel). */
  pageSize?: number;
  /** Milliseconds between the last keystroke and the search request. */
  searchDelay?: number;
}

function loadable<T>(): ILoadable<T> {
  return { data: null, loading: false, error: null };
}

function paged<T>(): IPaged<T> {
  return {
    items: [],
    nextToken: null,
    loading: false,
    loaded: false,
    error: null
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function tableKey(database: string, table: string): string {
  return `${database}.${table}`;
}

/**
 * The Data Catalog panel's state: what is loaded, expanded, searched and open.
 *
 * Every change emits `changed`; views re-render from the model's fields. Loads keep what is
 * shown until the new data arrives (a refresh never blanks the panel), and a response that
 * arrives after a newer request for the same thing is dropped.
 */
export class CatalogModel {
  constructor(
    private readonly api: ICatalogApi,
    options: IModelOptions = {}
  ) {
    this.pageSize = options.pageSize ?? 100;
    this.searchDelay = options.searchDelay ?? 250;
  }

  readonly pageSize: number;
  readonly searchDelay: number;
  connection: Connection = 'connecting';
  connectionError: string | null = null;
  catalogUrl = '';
  /** The catalog's change counter the panel has shown. */
  seq: number | null = null;
  databases: IDatabaseNode[] = [];
  databasesLoaded = false;
  view: ViewId = 'browse';
  search: ISearchState = { ...paged<ITableSummary>(), query: '' };
  runs: IRunsState = { ...paged<IRun | IDQResult>(), kind: '' };
  table: ITableView | null = null;
  /** Details of tables expanded in the tree (their columns), by `db.table`. */
  readonly details = new Map<string, ILoadable<ITableDetail>>();
  readonly expandedTables = new Set<string>();

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The catalog's change counter moved (after what is shown was reloaded). */
  get catalogChanged(): ISignal<this, number> {
    return this._catalogChanged;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    this._disposed = true;
    if (this._searchTimer !== null) {
      clearTimeout(this._searchTimer);
    }
    Signal.clearData(this);
  }

  isReady(): boolean {
    return this.connection === 'ready';
  }

  /** Connect: learn the catalog and its change counter, then list the databases. */
  async start(): Promise<void> {
    try {
      const status = await this.api.status();
      this.catalogUrl = status.catalog;
      this.seq = status.seq;
      this.connection = 'ready';
      this.connectionError = null;
    } catch (error) {
      this.fail(error);
      return;
    }
    this.emit();
    await this.loadDatabases();
  }

  /**
   * Poll the change feed; refresh everything shown when the catalog changed.
   * Returns whether it did. Before a successful start it retries the start instead.
   */
  async checkChanges(): Promise<boolean> {
    if (this.connection !== 'ready') {
      await this.start();
      return this.isReady();
    }
    let changes;
    try {
      changes = await this.api.changes(this.seq);
    } catch (error) {
      this.fail(error);
      return false;
    }
    if (this.connectionError) {
      this.connectionError = null;
      this.emit();
    }
    if (!changes.changed || changes.seq === this.seq) {
      return false;
    }
    this.seq = changes.seq;
    await this.refresh();
    if (!this._disposed) {
      this._catalogChanged.emit(changes.seq);
    }
    return true;
  }

  /** Reload everything that is shown, keeping expansion, scroll, search and the open table. */
  async refresh(): Promise<void> {
    const work: Promise<unknown>[] = [this.loadDatabases()];
    if (this.search.query) {
      work.push(this.runSearch(this.search.query, true));
    }
    if (this.runs.loaded) {
      work.push(this.loadRuns(true));
    }
    for (const key of this.expandedTables) {
      const [database, table] = key.split('.');
      work.push(this.loadDetail(database, table));
    }
    for (const key of [...this.details.keys()]) {
      if (!this.expandedTables.has(key)) {
        this.details.delete(key);
      }
    }
    if (this.table) {
      work.push(this.reloadTable());
    }
    await Promise.all(work);
  }

  // -- databases and their tables

  async loadDatabases(): Promise<void> {
    let found: IDatabase[];
    try {
      found = await this.api.databases();
    } catch (error) {
      this.fail(error);
      return;
    }
    const previous = new Map(this.databases.map(d => [d.info.name, d]));
    this.databases = found.map(info => {
      const old = previous.get(info.name);
      return old
        ? { ...old, info }
        : {
            ...paged<ITableSummary>(),
            info,
            expanded: false,
            total: info.table_count
          };
    });
    this.databasesLoaded = true;
    this.emit();
    await Promise.all(
      this.databases
        .filter(d => d.expanded)
        .map(d => this.reloadTables(d.info.name))
    );
  }

  database(name: string): IDatabaseNode | undefined {
    return this.databases.find(d => d.info.name === name);
  }

  async toggleDatabase(name: string, expanded?: boolean): Promise<void> {
    const node = this.database(name);
    if (!node) {
      return;
    }
    node.expanded = expanded ?? !node.expanded;
    this.emit();
    if (node.expanded && !node.loaded && !node.loading) {
      await this.loadMoreTables(name);
    }
  }

  /** The next page of a database's tables (the tree asks when its "more" row scrolls into view). */
  async loadMoreTables(name: string): Promise<void> {
    const node = this.database(name);
    if (!node || node.loading || (node.loaded && node.nextToken === null)) {
      return;
    }
    node.loading = true;
    this.emit();
    try {
      const page = await this.api.tables(name, {
        limit: this.pageSize,
        nextToken: node.nextToken
      });
      const current = this.database(name);
      if (current) {
        current.items = [...current.items, ...page.items];
        current.nextToken = page.nextToken;
        current.total = page.total;
        current.loaded = true;
        current.error = null;
      }
    } catch (error) {
      node.error = message(error);
    } finally {
      const current = this.database(name);
      if (current) {
        current.loading = false;
      }
      this.emit();
    }
  }

  /** Reload as many tables as are shown, in one request, replacing them when they arrive. */
  private async reloadTables(name: string): Promise<void> {
    const node = this.database(name);
    if (!node) {
      return;
    }
    const limit = Math.min(5000, Math.max(this.pageSize, node.items.length));
    try {
      const page = await this.api.tables(name, { limit });
      const current = this.database(name);
      if (current) {
        current.items = page.items;
        current.nextToken = page.nextToken;
        current.total = page.total;
        current.loaded = true;
        current.error = null;
      }
    } catch (error) {
      const current = this.database(name);
      if (current) {
        current.error = message(error);
      }
    }
    this.emit();
  }

  /** Fold the whole tree back to its databases. */
  collapseAll(): void {
    for (const db of this.databases) {
      db.expanded = false;
    }
    this.expandedTables.clear();
    this.details.clear();
    this.emit();
  }

  async toggleTable(
    database: string,
    table: string,
    expanded?: boolean
  ): Promise<void> {
    const key = tableKey(database, table);
    const open = expanded ?? !this.expandedTables.has(key);
    if (open) {
      this.expandedTables.add(key);
    } else {
      this.expandedTables.delete(key);
    }
    this.emit();
    if (open && !this.details.get(key)?.data) {
      await this.loadDetail(database, table);
    }
  }

  private async loadDetail(database: string, table: string): Promise<void> {
    const key = tableKey(database, table);
    const entry = this.details.get(key) ?? loadable<ITableDetail>();
    entry.loading = true;
    this.details.set(key, entry);
    this.emit();
    try {
      entry.data = await this.api.table(database, table);
      entry.error = null;
    } catch (error) {
      entry.error = message(error);
      if (error instanceof ApiError && error.status === 404) {
        entry.data = null;
      }
    }
    entry.loading = false;
    this.emit();
  }

  // -- search

  /** Search as the user types: the request goes out `searchDelay` ms after the last change. */
  setQuery(query: string): void {
    this.search.query = query;
    if (this._searchTimer !== null) {
      clearTimeout(this._searchTimer);
      this._searchTimer = null;
    }
    if (!query.trim()) {
      this._searchGeneration++;
      this.search = { ...paged<ITableSummary>(), query };
      this.emit();
      return;
    }
    this.search.loading = true;
    this.emit();
    this._searchTimer = setTimeout(() => {
      this._searchTimer = null;
      void this.runSearch(query, false);
    }, this.searchDelay);
  }

  private async runSearch(query: string, keepShown: boolean): Promise<void> {
    const generation = ++this._searchGeneration;
    const limit = keepShown ? Math.max(50, this.search.items.length) : 50;
    this.search.loading = true;
    this.emit();
    try {
      const page = await this.api.search(query, {
        limit: Math.min(limit, 5000)
      });
      if (generation !== this._searchGeneration) {
        return;
      }
      this.search = {
        query,
        items: page.items,
        nextToken: page.nextToken,
        loading: false,
        loaded: true,
        error: null
      };
    } catch (error) {
      if (generation !== this._searchGeneration) {
        return;
      }
      this.search = {
        ...this.search,
        loading: false,
        loaded: true,
        error: message(error)
      };
    }
    this.emit();
  }

  async loadMoreSearch(): Promise<void> {
    const search = this.search;
    if (search.loading || !search.nextToken) {
      return;
    }
    const generation = this._searchGeneration;
    search.loading = true;
    this.emit();
    try {
      const page = await this.api.search(search.query, {
        limit: 50,
        nextToken: search.nextToken
      });
      if (generation === this._searchGeneration) {
        this.search.items = [...this.search.items, ...page.items];
        this.search.nextToken = page.nextToken;
      }
    } catch (error) {
      this.search.error = message(error);
    }
    this.search.loading = false;
    this.emit();
  }

  // -- runs

  setView(view: ViewId): void {
    this.view = view;
    this.emit();
    if (view === 'runs' && !this.runs.loaded && !this.runs.loading) {
      void this.loadRuns(false);
    }
  }

  setRunsKind(kind: string): void {
    this.runs = { ...paged<IRun | IDQResult>(), kind };
    this.emit();
    void this.loadRuns(false);
  }

  async loadRuns(keepShown: boolean): Promise<void> {
    const kind = this.runs.kind;
    const limit = keepShown ? Math.max(50, this.runs.items.length) : 50;
    this.runs.loading = true;
    this.emit();
    try {
      const page = await this.api.runs({ kind: kind || undefined, limit });
      if (this.runs.kind === kind) {
        this.runs = {
          ...this.runs,
          items: page.items,
          nextToken: page.nextToken,
          error: null
        };
      }
    } catch (error) {
      this.runs.error = message(error);
    }
    this.runs.loading = false;
    this.runs.loaded = true;
    this.emit();
  }

  async loadMoreRuns(): Promise<void> {
    const runs = this.runs;
    if (runs.loading || !runs.nextToken) {
      return;
    }
    runs.loading = true;
    this.emit();
    try {
      const page = await this.api.runs({
        kind: runs.kind || undefined,
        limit: 50,
        nextToken: runs.nextToken
      });
      if (this.runs === runs) {
        runs.items = [...runs.items, ...page.items];
        runs.nextToken = page.nextToken;
      }
    } catch (error) {
      runs.error = message(error);
    }
    runs.loading = false;
    this.emit();
  }

  // -- the open table

  openTable(database: string, table: string, tab: TabId = 'schema'): void {
    this.table = {
      database,
      table,
      tab,
      detail: loadable(),
      statistics: loadable(),
      partitions: { ...paged<IPartition>(), expression: '' },
      preview: { ...loadable<IPreview>(), limit: 50, expression: '' },
      versions: loadable(),
      diff: { ...loadable<IVersionDiff>(), pair: null },
      lineage: loadable()
    };
    this.emit();
    void this.reloadTable();
  }

  closeTable(): void {
    this.table = null;
    this.emit();
  }

  setTab(tab: TabId): void {
    const view = this.table;
    if (!view) {
      return;
    }
    view.tab = tab;
    this.emit();
    void this.loadTab(view, false);
  }

  private isCurrent(view: ITableView): boolean {
    return this.table === view;
  }

  private async reloadTable(): Promise<void> {
    const view = this.table;
    if (!view) {
      return;
    }
    await Promise.all([
      this.fill(view, view.detail, () =>
        this.api.table(view.database, view.table)
      ),
      this.loadTab(view, true)
    ]);
  }

  /** Load what the current tab shows: once, or again when `reload` (a catalog change). */
  private async loadTab(view: ITableView, reload: boolean): Promise<void> {
    const { database, table } = view;
    switch (view.tab) {
      case 'schema':
        if (reload || !view.statistics.data) {
          await this.fill(view, view.statistics, () =>
            this.api.statistics(database, table)
          );
        }
        break;
      case 'partitions':
        if (reload || !view.partitions.loaded) {
          await this.loadPartitions(view, true);
        }
        break;
      case 'preview':
        if (reload || !view.preview.data) {
          await this.loadPreview(view);
        }
        break;
      case 'versions':
        if (reload || !view.versions.data) {
          await this.fill(view, view.versions, async () => {
            const page = await this.api.versions(database, table);
            return page.items;
          });
          const versions = view.versions.data ?? [];
          if (!view.diff.pair && versions.length > 1) {
            view.diff.pair = [versions[1].version, versions[0].version];
          }
          if (view.diff.pair) {
            await this.loadDiff(view);
          }
        }
        break;
      case 'lineage':
        if (reload || !view.lineage.data) {
          await this.fill(view, view.lineage, () =>
            this.api.lineage(database, table)
          );
        }
        break;
    }
  }

  private async fill<T>(
    view: ITableView,
    slot: ILoadable<T>,
    load: () => Promise<T>
  ): Promise<void> {
    slot.loading = true;
    this.emit();
    try {
      const data = await load();
      if (this.isCurrent(view)) {
        slot.data = data;
        slot.error = null;
      }
    } catch (error) {
      if (this.isCurrent(view)) {
        slot.error = message(error);
      }
    }
    slot.loading = false;
    this.emit();
  }

  /** Filter partitions with a Glue partition expression ('' for all). */
  setPartitionFilter(expression: string): void {
    const view = this.table;
    if (!view) {
      return;
    }
    view.partitions = { ...paged<IPartition>(), expression };
    this.emit();
    void this.loadPartitions(view, true);
  }

  async loadMorePartitions(): Promise<void> {
    const view = this.table;
    if (view && view.partitions.nextToken && !view.partitions.loading) {
      await this.loadPartitions(view, false);
    }
  }

  private async loadPartitions(
    view: ITableView,
    first: boolean
  ): Promise<void> {
    const state = view.partitions;
    state.loading = true;
    this.emit();
    try {
      const page = await this.api.partitions(view.database, view.table, {
        limit: first ? Math.min(5000, Math.max(100, state.items.length)) : 100,
        nextToken: first ? null : state.nextToken,
        expression: state.expression || undefined
      });
      if (this.isCurrent(view) && view.partitions === state) {
        state.items = first ? page.items : [...state.items, ...page.items];
        state.nextToken = page.nextToken;
        state.error = null;
      }
    } catch (error) {
      state.error = message(error);
      if (first) {
        state.items = [];
        state.nextToken = null;
      }
    }
    state.loading = false;
    state.loaded = true;
    this.emit();
  }

  setPreviewOptions(options: { limit?: number; expression?: string }): void {
    const view = this.table;
    if (!view) {
      return;
    }
    view.preview.limit = options.limit ?? view.preview.limit;
    view.preview.expression = options.expression ?? view.preview.expression;
    void this.loadPreview(view);
  }

  private async loadPreview(view: ITableView): Promise<void> {
    const { limit, expression } = view.preview;
    await this.fill(view, view.preview, () =>
      this.api.preview(view.database, view.table, {
        limit,
        expression: expression || undefined
      })
    );
  }

  showDiff(oldVersion: number, newVersion: number): void {
    const view = this.table;
    if (!view) {
      return;
    }
    view.diff.pair = [oldVersion, newVersion];
    void this.loadDiff(view);
  }

  private async loadDiff(view: ITableView): Promise<void> {
    const pair = view.diff.pair;
    if (!pair) {
      return;
    }
    await this.fill(view, view.diff, () =>
      this.api.diff(view.database, view.table, pair[0], pair[1])
    );
  }

  // -- plumbing

  private fail(error: unknown): void {
    if (error instanceof ApiError && error.extensionMissing) {
      this.connection = 'missing';
    } else {
      this.connection = this.connection === 'ready' ? 'ready' : 'error';
    }
    this.connectionError = message(error);
    this.emit();
  }

  private emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _catalogChanged = new Signal<this, number>(this);
  private _disposed = false;
  private _searchTimer: ReturnType<typeof setTimeout> | null = null;
  private _searchGeneration = 0;
}
