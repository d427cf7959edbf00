import { CatalogModel } from '../model';
import { flattenTree, treeKeyAction } from '../tree';
import { FakeApi } from './fakes';

async function model(): Promise<CatalogModel> {
  const m = new CatalogModel(new FakeApi({ raw: 2, sales: 300 }), {
    pageSize: 100
  });
  await m.start();
  return m;
}

describe('flattenTree', () => {
  it('shows databases only until one is expanded', async () => {
    const m = await model();
    expect(flattenTree(m).map(r => r.key)).toEqual(['d:raw', 'd:sales']);
  });

  it('nests tables and columns under what is expanded', async () => {
    const m = await model();
    await m.toggleDatabase('raw');
    await m.toggleTable('raw', 't00001');
    const rows = flattenTree(m);
    expect(rows.map(r => [r.kind, r.depth])).toEqual([
      ['database', 0],
      ['table', 1],
      ['table', 1],
      ['column', 2],
      ['column', 2],
      ['column', 2],
      ['database', 0]
    ]);
    expect(rows[5].column).toEqual({
      name: 'dt',
      type: 'string',
      comment: null,
      partition_key: true
    });
  });

  it('ends a partly loaded database with a row that asks for more', async () => {
    const m = await model();
    await m.toggleDatabase('sales');
    const rows = flattenTree(m);
    expect(rows).toHaveLength(2 + 100 + 1);
    expect(rows[rows.length - 1]).toMatchObject({
      kind: 'more',
      database: 'sales'
    });
  });

  it('keeps keys unique', async () => {
    const m = await model();
    await m.toggleDatabase('raw');
    await m.toggleDatabase('sales');
    const keys = flattenTree(m).map(r => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('treeKeyAction', () => {
  it('moves, expands, collapses and opens like a WAI-ARIA tree', async () => {
    const m = await model();
    await m.toggleDatabase('raw');
    const rows = flattenTree(m); // raw, t00000, t00001, sales
    expect(treeKeyAction(rows, 0, 'ArrowDown')).toEqual({
      type: 'focus',
      index: 1
    });
    expect(treeKeyAction(rows, 3, 'ArrowDown')).toEqual({
      type: 'focus',
      index: 3
    });
    expect(treeKeyAction(rows, 0, 'ArrowUp')).toEqual({
      type: 'focus',
      index: 0
    });
    expect(treeKeyAction(rows, 0, 'End')).toEqual({ type: 'focus', index: 3 });
    expect(treeKeyAction(rows, 0, 'ArrowRight')).toEqual({
      type: 'focus',
      index: 1
    });
    expect(treeKeyAction(rows, 3, 'ArrowRight')).toMatchObject({
      type: 'expand'
    });
    expect(treeKeyAction(rows, 0, 'ArrowLeft')).toMatchObject({
      type: 'collapse'
    });
    expect(treeKeyAction(rows, 2, 'ArrowLeft')).toEqual({
      type: 'focus',
      index: 0
    });
    expect(treeKeyAction(rows, 1, 'Enter')).toMatchObject({ type: 'open' });
    expect(treeKeyAction(rows, 1, 'x')).toEqual({ type: 'none' });
    expect(treeKeyAction([], 0, 'ArrowDown')).toEqual({ type: 'none' });
  });
});
