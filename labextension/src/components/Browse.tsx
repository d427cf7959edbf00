import {
  caretDownIcon,
  caretRightIcon,
  InputGroup,
  tableRowsIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';

import { formatCount } from '../format';
import { databaseIcon } from '../icons';
import { CatalogModel } from '../model';
import { ITableSummary } from '../tokens';
import { flattenTree, ITreeRow, treeKeyAction } from '../tree';
import { IActions } from './actions';
import { Message, Progress, VirtualList } from './common';

export const ROW_HEIGHT = 24;
export const RESULT_HEIGHT = 40;

export function Browse(props: {
  model: CatalogModel;
  actions: IActions;
}): JSX.Element {
  const { model } = props;
  const searching = model.search.query.trim() !== '';
  const searchRef = React.useRef<HTMLInputElement>(null);
  const listRef = React.useRef<HTMLDivElement>(null);

  const onSearchKey = (event: React.KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      listRef.current
        ?.querySelector<HTMLElement>('[role="tree"],[role="listbox"]')
        ?.focus();
    } else if (event.key === 'Escape' && model.search.query) {
      event.preventDefault();
      model.setQuery('');
    }
  };

  return (
    <div className="jp-GlueCatalog-browse">
      <div className="jp-GlueCatalog-search">
        <InputGroup
          inputRef={searchRef}
          type="search"
          className="jp-GlueCatalog-searchInput"
          placeholder="Search tables, columns, descriptions"
          aria-label="Search the catalog"
          value={model.search.query}
          rightIcon="ui-components:search"
          onChange={event => model.setQuery(event.currentTarget.value)}
          onKeyDown={onSearchKey}
        />
      </div>
      <div className="jp-GlueCatalog-summary">
        {searching ? (
          <SearchSummary model={model} />
        ) : (
          <TreeSummary model={model} />
        )}
      </div>
      <div className="jp-GlueCatalog-listArea" ref={listRef}>
        <Progress
          active={
            searching
              ? model.search.loading
              : !model.databasesLoaded || model.databases.some(d => d.loading)
          }
        />
        {searching ? (
          <SearchResults model={model} actions={props.actions} />
        ) : (
          <Tree model={model} actions={props.actions} />
        )}
      </div>
    </div>
  );
}

function TreeSummary(props: { model: CatalogModel }): JSX.Element {
  const { model } = props;
  if (!model.databasesLoaded) {
    return <span>Loading the catalog…</span>;
  }
  const tables = model.databases.reduce((sum, d) => sum + d.total, 0);
  return (
    <span title={model.catalogUrl}>
      {formatCount(model.databases.length)}{' '}
      {model.databases.length === 1 ? 'database' : 'databases'} ·{' '}
      {formatCount(tables)} {tables === 1 ? 'table' : 'tables'}
    </span>
  );
}

function SearchSummary(props: { model: CatalogModel }): JSX.Element {
  const { search } = props.model;
  if (!search.loaded) {
    return <span>Searching…</span>;
  }
  if (search.error) {
    return <span className="jp-GlueCatalog-errorText">{search.error}</span>;
  }
  const count = search.items.length;
  return (
    <span>
      {count === 0
        ? 'No tables match'
        : `${formatCount(count)}${search.nextToken ? '+' : ''} ${count === 1 ? 'table matches' : 'tables match'}`}
    </span>
  );
}

function Tree(props: { model: CatalogModel; actions: IActions }): JSX.Element {
  const { model, actions } = props;
  const rows = flattenTree(model);
  const [focus, setFocus] = React.useState(0);
  const focusIndex = Math.min(focus, rows.length - 1);

  const act = (row: ITreeRow, expand?: boolean): void => {
    if (row.kind === 'database') {
      void model.toggleDatabase(row.database, expand);
    } else if (row.kind === 'table' && row.table) {
      void model.toggleTable(row.database, row.table, expand);
    }
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>): void => {
    const action = treeKeyAction(rows, focusIndex, event.key);
    if (action.type === 'none') {
      return;
    }
    event.preventDefault();
    switch (action.type) {
      case 'focus':
        setFocus(action.index);
        break;
      case 'expand':
        act(action.row, true);
        break;
      case 'collapse':
        act(action.row, false);
        break;
      case 'open':
        if (action.row.table) {
          model.openTable(action.row.database, action.row.table);
        }
        break;
    }
  };

  if (!model.databasesLoaded) {
    return <div className="jp-GlueCatalog-placeholder" />;
  }
  if (model.databases.length === 0) {
    return <EmptyCatalog actions={actions} />;
  }
  return (
    <VirtualList
      items={rows}
      rowHeight={ROW_HEIGHT}
      rowKey={row => row.key}
      role="tree"
      ariaLabel="Databases and tables"
      tabIndex={0}
      scrollKey="tree"
      focusIndex={focusIndex}
      activeDescendant={rows[focusIndex] ? rowId(rows[focusIndex]) : undefined}
      onKeyDown={onKeyDown}
      onWindow={window => {
        for (let i = window.start; i < window.end; i++) {
          if (rows[i]?.kind === 'more') {
            void model.loadMoreTables(rows[i].database);
          }
        }
      }}
      renderRow={(row, index) => (
        <TreeRow
          row={row}
          focused={index === focusIndex}
          onToggle={() => {
            setFocus(index);
            act(row);
          }}
          onOpen={() => {
            setFocus(index);
            if (row.kind === 'table' && row.table) {
              model.openTable(row.database, row.table);
            } else {
              act(row);
            }
          }}
        />
      )}
    />
  );
}

function rowId(row: ITreeRow): string {
  return `jp-GlueCatalog-${row.key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
}

function TreeRow(props: {
  row: ITreeRow;
  focused: boolean;
  onToggle: () => void;
  onOpen: () => void;
}): JSX.Element {
  const { row } = props;
  const expandable = row.kind === 'database' || row.kind === 'table';
  const caret = row.expanded ? caretDownIcon : caretRightIcon;
  const className = `jp-GlueCatalog-row jp-mod-${row.kind}${props.focused ? ' jp-mod-focused' : ''}`;
  const common = {
    id: rowId(row),
    className,
    style: { paddingLeft: 4 + row.depth * 16 },
    'data-database': row.database,
    'data-table': row.table
  };
  if (!expandable) {
    return (
      <div {...common} role="treeitem" aria-level={row.depth + 1}>
        <span className="jp-GlueCatalog-caretSpace" />
        <LeafContent row={row} />
      </div>
    );
  }
  return (
    <div
      {...common}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={row.expanded}
      onClick={props.onOpen}
      title={
        row.kind === 'table'
          ? `${row.database}.${row.table}${row.summary?.description ? `: ${row.summary.description}` : ''}`
          : row.database
      }
    >
      <span
        className="jp-GlueCatalog-caret"
        onClick={event => {
          event.stopPropagation();
          props.onToggle();
        }}
        role="button"
        aria-label={row.expanded ? 'Collapse' : 'Expand'}
      >
        <caret.react tag="span" className="jp-GlueCatalog-icon" />
      </span>
      {row.kind === 'database' ? (
        <>
          <databaseIcon.react tag="span" className="jp-GlueCatalog-icon" />
          <span className="jp-GlueCatalog-name">{row.database}</span>
          <span className="jp-GlueCatalog-meta">{formatCount(row.count)}</span>
        </>
      ) : (
        <>
          <tableRowsIcon.react tag="span" className="jp-GlueCatalog-icon" />
          <span className="jp-GlueCatalog-name">{row.table}</span>
          <span className="jp-GlueCatalog-meta">
            {row.summary?.partition_keys.length ? (
              <span className="jp-GlueCatalog-partMark" title="partitioned">
                ◫
              </span>
            ) : null}
            {row.summary?.classification ??
              row.summary?.table_type.toLowerCase()}
          </span>
        </>
      )}
    </div>
  );
}

function LeafContent(props: { row: ITreeRow }): JSX.Element {
  const { row } = props;
  switch (row.kind) {
    case 'column':
      return (
        <>
          <span
            className="jp-GlueCatalog-name jp-GlueCatalog-columnName"
            title={row.column?.comment ?? undefined}
          >
            {row.column?.name}
          </span>
          {row.column?.partition_key && (
            <span className="jp-GlueCatalog-pill" title="partition key">
              partition
            </span>
          )}
          <span
            className="jp-GlueCatalog-meta jp-GlueCatalog-type"
            title={row.column?.type}
          >
            {row.column?.type}
          </span>
        </>
      );
    case 'more':
    case 'loading':
      return <span className="jp-GlueCatalog-dim">Loading…</span>;
    case 'error':
      return (
        <span className="jp-GlueCatalog-errorText" title={row.text}>
          {row.text}
        </span>
      );
    default:
      return <span className="jp-GlueCatalog-dim">{row.text}</span>;
  }
}

function SearchResults(props: {
  model: CatalogModel;
  actions: IActions;
}): JSX.Element {
  const { model } = props;
  const items = model.search.items;
  const [focus, setFocus] = React.useState(0);
  const focusIndex = Math.min(focus, items.length - 1);
  const open = (table: ITableSummary): void =>
    model.openTable(table.database, table.name);

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>): void => {
    const moves: Record<string, number> = {
      ArrowDown: Math.min(focusIndex + 1, items.length - 1),
      ArrowUp: Math.max(focusIndex - 1, 0),
      Home: 0,
      End: items.length - 1
    };
    if (event.key in moves) {
      event.preventDefault();
      setFocus(moves[event.key]);
    } else if (event.key === 'Enter' && items[focusIndex]) {
      event.preventDefault();
      open(items[focusIndex]);
    }
  };

  if (model.search.loaded && items.length === 0 && !model.search.error) {
    return (
      <Message title="No tables match">
        Search looks at database, table and column names, column comments,
        descriptions and parameters. Every word must match.
      </Message>
    );
  }
  return (
    <VirtualList
      items={items}
      rowHeight={RESULT_HEIGHT}
      rowKey={t => `${t.database}.${t.name}`}
      role="listbox"
      ariaLabel="Search results"
      tabIndex={0}
      focusIndex={focusIndex}
      onKeyDown={onKeyDown}
      onWindow={window => {
        if (window.end >= items.length - 5 && model.search.nextToken) {
          void model.loadMoreSearch();
        }
      }}
      renderRow={(table, index) => (
        <div
          className={`jp-GlueCatalog-result${index === focusIndex ? ' jp-mod-focused' : ''}`}
          role="option"
          aria-selected={index === focusIndex}
          data-database={table.database}
          data-table={table.name}
          onClick={() => {
            setFocus(index);
            open(table);
          }}
          title={table.description ?? `${table.database}.${table.name}`}
        >
          <div className="jp-GlueCatalog-resultTitle">
            <tableRowsIcon.react tag="span" className="jp-GlueCatalog-icon" />
            <span className="jp-GlueCatalog-name">{table.name}</span>
            <span className="jp-GlueCatalog-meta">
              {table.classification ?? ''}
            </span>
          </div>
          <div className="jp-GlueCatalog-resultDetail">
            {table.database} · {formatCount(table.column_count)} columns
            {table.partition_keys.length
              ? ` · partitioned by ${table.partition_keys.join(', ')}`
              : ''}
          </div>
        </div>
      )}
    />
  );
}

function EmptyCatalog(props: { actions: IActions }): JSX.Element {
  return (
    <div className="jp-GlueCatalog-empty">
      <databaseIcon.react tag="div" className="jp-GlueCatalog-emptyIcon" />
      <div className="jp-GlueCatalog-messageTitle">The catalog is empty</div>
      <p>
        Crawl a folder of Parquet, CSV or JSON files, or a database, in a
        notebook:
      </p>
      <pre className="jp-GlueCatalog-code">
        {'%load_ext glue_magics\n%crawl ./data --database raw'}
      </pre>
      <p>or in a terminal:</p>
      <pre className="jp-GlueCatalog-code">
        glue-magics crawl ./data --database raw
      </pre>
      <p>New tables show up here as soon as the crawl commits.</p>
      <button
        className="jp-Button jp-mod-styled jp-mod-accept"
        onClick={() => props.actions.insert('crawl')}
      >
        Insert a %crawl cell
      </button>
    </div>
  );
}
