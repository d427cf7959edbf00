import { CatalogModel } from '../model';
import { Deferred, FakeApi, settle, summary } from './fakes';

async function started(api: FakeApi, pageSize = 100): Promise<CatalogModel> {
  const model = new CatalogModel(api, { pageSize, searchDelay: 200 });
  await model.start();
  return model;
}

describe('CatalogModel', () => {
  it('connects, then lists databases with their table counts', async () => {
    const model = await started(new FakeApi({ raw: 3, sales: 1 }));
    expect(model.connection).toBe('ready');
    expect(model.seq).toBe(1);
    expect(model.databases.map(d => [d.info.name, d.total])).toEqual([
      ['raw', 3],
      ['sales', 1]
    ]);
    expect(model.databases.every(d => !d.expanded)).toBe(true);
  });

  it('says the server extension is missing when the API is not there', async () => {
    const api = new FakeApi({});
    api.missing = true;
    const model = await started(api);
    expect(model.connection).toBe('missing');
    expect(model.databases).toEqual([]);
  });

  it('loads a database page by page as the tree asks for more', async () => {
    const api = new FakeApi({ big: 250 });
    const model = await started(api);
    await model.toggleDatabase('big');
    const node = model.database('big')!;
    expect(node.items).toHaveLength(100);
    expect(node.total).toBe(250);
    expect(node.nextToken).toBe('t00099');
    await model.loadMoreTables('big');
    await model.loadMoreTables('big');
    expect(node.items).toHaveLength(250);
    expect(node.nextToken).toBeNull();
    expect(node.items[249].name).toBe('t00249');
    // Nothing more to load: no further request.
    const before = api.calls.length;
    await model.loadMoreTables('big');
    expect(api.calls.length).toBe(before);
  });

  it('does not load the same page twice while it is on its way', async () => {
    const api = new FakeApi({ big: 250 });
    const model = await started(api);
    await model.toggleDatabase('big');
    await Promise.all([
      model.loadMoreTables('big'),
      model.loadMoreTables('big')
    ]);
    expect(
      api.calls.filter(c => c.startsWith('tables:big:t00099'))
    ).toHaveLength(1);
  });

  it('expands a table into its columns and partition keys', async () => {
    const model = await started(new FakeApi({ raw: 2 }));
    await model.toggleDatabase('raw');
    await model.toggleTable('raw', 't00000');
    const entry = model.details.get('raw.t00000')!;
    expect(entry.data?.columns.map(c => c.name)).toEqual(['id', 'amount']);
    expect(model.expandedTables.has('raw.t00000')).toBe(true);
    model.collapseAll();
    expect(model.expandedTables.size).toBe(0);
    expect(model.database('raw')!.expanded).toBe(false);
  });

  describe('search', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('waits for the typing to stop before asking the server', async () => {
      const api = new FakeApi({ raw: 1 });
      api.searchResults.set('orders', [summary('raw', 'orders')]);
      const model = await started(api);
      model.setQuery('o');
      model.setQuery('ord');
      model.setQuery('orders');
      expect(model.search.loading).toBe(true);
      jest.advanceTimersByTime(199);
      expect(api.calls.filter(c => c.startsWith('search'))).toEqual([]);
      jest.advanceTimersByTime(1);
      await settle();
      expect(api.calls.filter(c => c.startsWith('search'))).toEqual([
        'search:orders'
      ]);
      expect(model.search.items.map(t => t.name)).toEqual(['orders']);
      expect(model.search.loading).toBe(false);
    });

    it('drops an answer that arrives after a newer query', async () => {
      const api = new FakeApi({ raw: 1 });
      api.searchResults.set('old', [summary('raw', 'old')]);
      api.searchResults.set('new', [summary('raw', 'new')]);
      const model = await started(api);
      const gate = new Deferred<void>();
      api.searchGate = gate;
      model.setQuery('old');
      jest.advanceTimersByTime(200);
      api.searchGate = null;
      model.setQuery('new');
      jest.advanceTimersByTime(200);
      await settle();
      expect(model.search.items.map(t => t.name)).toEqual(['new']);
      gate.resolve();
      await settle();
      expect(model.search.query).toBe('new');
      expect(model.search.items.map(t => t.name)).toEqual(['new']);
    });

    it('clears at once when the box is emptied', async () => {
      const model = await started(new FakeApi({ raw: 1 }));
      model.setQuery('x');
      model.setQuery('');
      expect(model.search.loading).toBe(false);
      expect(model.search.items).toEqual([]);
    });
  });

  it('refreshes what is shown when the change feed moves, and only then', async () => {
    const api = new FakeApi({ raw: 2 });
    const model = await started(api);
    await model.toggleDatabase('raw');
    expect(await model.checkChanges()).toBe(false);
    api.dbs.get('raw')!.push('t00002');
    api.dbs.set('more', ['x']);
    api.seq = 2;
    let emitted = 0;
    model.changed.connect(() => emitted++);
    expect(await model.checkChanges()).toBe(true);
    expect(model.seq).toBe(2);
    expect(model.databases.map(d => d.info.name)).toEqual(['raw', 'more']);
    // The expanded database keeps its state and shows the new table.
    expect(model.database('raw')!.expanded).toBe(true);
    expect(model.database('raw')!.items.map(t => t.name)).toContain('t00002');
    expect(emitted).toBeGreaterThan(0);
  });

  it('retries the connection from the poll until the server extension answers', async () => {
    const api = new FakeApi({ raw: 1 });
    api.missing = true;
    const model = await started(api);
    expect(model.connection).toBe('missing');
    api.missing = false;
    expect(await model.checkChanges()).toBe(true);
    expect(model.connection).toBe('ready');
    expect(model.databases).toHaveLength(1);
  });

  it('opens a table on its schema and loads each tab once', async () => {
    const api = new FakeApi({ raw: 1 });
    const model = await started(api);
    model.openTable('raw', 't00000');
    await settle();
    const view = model.table!;
    expect(view.detail.data?.name).toBe('t00000');
    expect(api.calls).toContain('statistics');
    model.setTab('preview');
    await settle();
    expect(view.preview.data?.rows).toEqual([[1], [2]]);
    model.setTab('schema');
    model.setTab('preview');
    await settle();
    expect(api.calls.filter(c => c.startsWith('preview'))).toHaveLength(1);
    model.setPreviewOptions({ limit: 10, expression: "dt = '2024-01-01'" });
    await settle();
    expect(api.calls).toContain("preview:10:dt = '2024-01-01'");
    model.closeTable();
    expect(model.table).toBeNull();
  });

  it('filters partitions and pages through them', async () => {
    const api = new FakeApi({ raw: 1 });
    const model = new CatalogModel(api);
    await model.start();
    model.openTable('raw', 't00000', 'partitions');
    await settle();
    const view = model.table!;
    expect(view.partitions.items).toHaveLength(3);
    model.setPartitionFilter('bad');
    await settle();
    expect(view.partitions.error).toBe('invalid expression');
    expect(model.table!.partitions.items).toEqual([]);
    model.setPartitionFilter("dt > '2024-01-01'");
    await settle();
    expect(model.table!.partitions.error).toBeNull();
    expect(api.calls).toContain("partitions:dt > '2024-01-01':");
  });

  it('compares the two newest versions by default', async () => {
    const api = new FakeApi({ raw: 1 });
    const model = await started(api);
    model.openTable('raw', 't00000', 'versions');
    await settle();
    const view = model.table!;
    expect(view.versions.data?.map(v => v.version)).toEqual([2, 1]);
    expect(view.diff.pair).toEqual([1, 2]);
    expect(view.diff.data?.added_columns[0].name).toBe('amount');
  });

  it('shows a table that went away as an error, not stale data', async () => {
    const api = new FakeApi({ raw: 1 });
    const model = await started(api);
    model.openTable('raw', 'gone');
    await settle();
    expect(model.table!.detail.error).toBe('table raw.gone not found');
    expect(model.table!.detail.data).toBeNull();
  });

  it('switches to runs and filters them by kind', async () => {
    const api = new FakeApi({ raw: 1 });
    const model = await started(api);
    model.setView('runs');
    await settle();
    expect(model.runs.items).toHaveLength(1);
    model.setRunsKind('etl');
    await settle();
    expect(api.calls).toContain('runs:etl');
    expect((model.runs.items[0] as { kind: string }).kind).toBe('etl');
  });

  it('stops emitting once disposed', async () => {
    const model = await started(new FakeApi({ raw: 1 }));
    let emitted = 0;
    model.changed.connect(() => emitted++);
    model.dispose();
    await model.toggleDatabase('raw');
    expect(emitted).toBe(0);
    expect(model.isDisposed).toBe(true);
  });
});
