import {
  formatAgo,
  formatBytes,
  formatCell,
  formatDuration,
  stateTone
} from '../format';
import { cellsToInsert, LOAD_EXT, snippet } from '../snippets';
import { scrollToShow, visibleWindow } from '../virtual';

describe('visibleWindow', () => {
  it('renders only the rows in view plus a margin', () => {
    expect(visibleWindow(0, 240, 24, 10000, 5)).toEqual({
      start: 0,
      end: 15,
      height: 240000
    });
    const middle = visibleWindow(24000, 240, 24, 10000, 5);
    expect(middle).toEqual({ start: 995, end: 1015, height: 240000 });
    expect(middle.end - middle.start).toBeLessThan(40);
  });

  it('stays within the list at its end and when empty', () => {
    expect(visibleWindow(1e9, 240, 24, 100, 5)).toEqual({
      start: 85,
      end: 100,
      height: 2400
    });
    expect(visibleWindow(0, 240, 24, 0)).toEqual({
      start: 0,
      end: 0,
      height: 0
    });
  });

  it('scrolls a row into view with the least movement', () => {
    expect(scrollToShow(0, 100, 240, 24)).toBe(0);
    expect(scrollToShow(20, 0, 240, 24)).toBe(21 * 24 - 240);
    expect(scrollToShow(5, 0, 240, 24)).toBe(0);
  });
});

describe('snippets', () => {
  const orders = {
    database: 'raw',
    name: 'orders',
    columns: ['order_id', 'amount', 'order date', 'dt'],
    partitionKeys: ['dt']
  };

  it('reads a table as a Spark DataFrame', () => {
    expect(snippet('dataframe', orders)).toContain(
      'df = glue_magics.table("raw.orders")'
    );
  });

  it('queries it with %%sql, quoting odd column names', () => {
    expect(snippet('sql', orders)).toBe(
      '%%sql\nSELECT order_id, amount, `order date`, dt\nFROM raw.orders\nLIMIT 100'
    );
    expect(snippet('sql', { database: 'a', name: 'b' })).toBe(
      '%%sql\nSELECT *\nFROM a.b\nLIMIT 100'
    );
  });

  it('transforms it with %%etl, keeping its partitioning', () => {
    expect(snippet('etl', orders)).toBe(
      '%%etl --source src=raw.orders --target raw.orders_etl --partition-by dt\nSELECT *\nFROM src'
    );
  });

  it('loads the magics first, once per notebook', () => {
    expect(cellsToInsert('sql', orders, [])).toEqual([
      LOAD_EXT,
      snippet('sql', orders)
    ]);
    expect(cellsToInsert('sql', orders, ['x = 1', `${LOAD_EXT}\n`])).toEqual([
      snippet('sql', orders)
    ]);
    expect(cellsToInsert('dataframe', orders, [])).toEqual([
      snippet('dataframe', orders)
    ]);
    expect(cellsToInsert('crawl', undefined, [])).toEqual([
      `${LOAD_EXT}\n%crawl ./data --database raw`
    ]);
  });
});

describe('format', () => {
  it('reads sizes, durations and ages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3174)).toBe('3.1 KB');
    expect(formatDuration(0.0123)).toBe('12 ms');
    expect(formatDuration(75)).toBe('1 min 15 s');
    const now = Date.parse('2024-01-02T00:00:00Z');
    expect(formatAgo('2024-01-01T23:59:30Z', now)).toBe('just now');
    expect(formatAgo('2024-01-01T23:50:00Z', now)).toBe('10 min ago');
    expect(formatAgo('2023-01-01T00:00:00Z', now)).toBe('2023-01-01');
  });

  it('keeps nulls and whole doubles recognisable', () => {
    expect(formatCell(null)).toBe('null');
    expect(formatCell(20, 'double')).toBe('20.0');
    expect(formatCell(20, 'bigint')).toBe('20');
    expect(formatCell(['a'], 'array<string>')).toBe('["a"]');
  });

  it('colours run states', () => {
    expect(stateTone('SUCCEEDED')).toBe('success');
    expect(stateTone('FAILED')).toBe('error');
    expect(stateTone('RUNNING')).toBe('info');
  });
});
