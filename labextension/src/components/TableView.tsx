import {
  addIcon,
  caretLeftIcon,
  copyIcon,
  folderIcon,
  historyIcon,
  HTMLSelect,
  LabIcon,
  linkIcon,
  listIcon,
  tableRowsIcon,
  ToolbarButtonComponent
} from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  formatAgo,
  formatBytes,
  formatCell,
  formatCount,
  formatDuration,
  scoreTone,
  stateTone
} from '../format';
import { CatalogModel, ITableView, TABS, TabId } from '../model';
import { ISnippetTable } from '../snippets';
import {
  IColumn,
  ILineageEdge,
  IPartition,
  IStatistic,
  ITableDetail,
  IVersionDiff
} from '../tokens';
import { IActions } from './actions';
import { Badge, Message, Progress, VirtualList } from './common';

const TAB_LABELS: Record<TabId, string> = {
  schema: 'Schema',
  partitions: 'Partitions',
  preview: 'Preview',
  versions: 'Versions',
  lineage: 'Lineage'
};
const TAB_ICONS: Record<TabId, LabIcon> = {
  schema: listIcon,
  partitions: folderIcon,
  preview: tableRowsIcon,
  versions: historyIcon,
  lineage: linkIcon
};

export function snippetTable(view: ITableView): ISnippetTable {
  const detail = view.detail.data;
  return {
    database: view.database,
    name: view.table,
    columns: detail
      ? [...detail.columns, ...detail.partition_keys].map(c => c.name)
      : undefined,
    partitionKeys: detail?.partition_keys.map(c => c.name)
  };
}

export function TableView(props: {
  model: CatalogModel;
  view: ITableView;
  actions: IActions;
}): JSX.Element {
  const { model, view, actions } = props;
  const detail = view.detail.data;
  const name = `${view.database}.${view.table}`;
  const tabsRef = React.useRef<HTMLDivElement>(null);

  const onTabKey = (event: React.KeyboardEvent): void => {
    const index = TABS.indexOf(view.tab);
    const next =
      event.key === 'ArrowRight'
        ? TABS[(index + 1) % TABS.length]
        : event.key === 'ArrowLeft'
          ? TABS[(index + TABS.length - 1) % TABS.length]
          : null;
    if (next) {
      event.preventDefault();
      model.setTab(next);
      tabsRef.current
        ?.querySelector<HTMLElement>(`[data-tab="${next}"]`)
        ?.focus();
    }
  };

  return (
    <div className="jp-GlueCatalog-table" data-table={name}>
      <div className="jp-GlueCatalog-tableHeader">
        <ToolbarButtonComponent
          icon={caretLeftIcon}
          tooltip="Back to the catalog"
          onClick={() => model.closeTable()}
        />
        <span className="jp-GlueCatalog-tableName" title={name}>
          <span className="jp-GlueCatalog-dim">{view.database}.</span>
          {view.table}
        </span>
        <ToolbarButtonComponent
          icon={addIcon}
          label="Insert"
          tooltip="Insert a cell that reads this table into the notebook"
          className="jp-GlueCatalog-insert"
          onClick={event => {
            const target = event?.currentTarget as HTMLElement | undefined;
            const rect = target?.getBoundingClientRect();
            actions.insertMenu(
              snippetTable(view),
              rect?.left ?? 0,
              rect?.bottom ?? 0
            );
          }}
        />
        <ToolbarButtonComponent
          icon={copyIcon}
          tooltip={`Copy "${name}"`}
          onClick={() => actions.copy(name)}
        />
      </div>
      <Overview view={view} />
      <div
        className="jp-GlueCatalog-tabs"
        role="tablist"
        aria-label="Table details"
        ref={tabsRef}
        onKeyDown={onTabKey}
      >
        {TABS.map(tab => (
          <button
            key={tab}
            role="tab"
            data-tab={tab}
            aria-selected={view.tab === tab}
            tabIndex={view.tab === tab ? 0 : -1}
            className={`jp-GlueCatalog-tab${view.tab === tab ? ' jp-mod-active' : ''}`}
            title={TAB_LABELS[tab]}
            onClick={() => model.setTab(tab)}
          >
            {React.createElement(TAB_ICONS[tab].react, {
              tag: 'span',
              className: 'jp-GlueCatalog-tabIcon'
            })}
            <span className="jp-GlueCatalog-tabLabel">{TAB_LABELS[tab]}</span>
          </button>
        ))}
      </div>
      <div className="jp-GlueCatalog-tabPanel" role="tabpanel">
        <Progress active={isLoading(view)} />
        {view.detail.error && !detail ? (
          <Message tone="error" title={`Cannot show ${name}`}>
            {view.detail.error}
          </Message>
        ) : (
          <TabContent model={model} view={view} />
        )}
      </div>
    </div>
  );
}

function isLoading(view: ITableView): boolean {
  switch (view.tab) {
    case 'schema':
      return view.detail.loading || view.statistics.loading;
    case 'partitions':
      return view.partitions.loading;
    case 'preview':
      return view.preview.loading;
    case 'versions':
      return view.versions.loading || view.diff.loading;
    case 'lineage':
      return view.lineage.loading;
  }
}

/**
 * Location, counts and the latest crawl / ETL / DQ status: three lines of fixed height, there
 * before the details arrive, so the tabs below never move.
 */
function Overview(props: { view: ITableView }): JSX.Element {
  const detail = props.view.detail.data;
  if (!detail) {
    return (
      <div className="jp-GlueCatalog-overview">
        <div className="jp-GlueCatalog-location" />
        <div className="jp-GlueCatalog-badges" />
        <div className="jp-GlueCatalog-status" />
      </div>
    );
  }
  const { counts, status } = detail;
  const runs: JSX.Element[] = [];
  for (const [label, run] of [
    ['crawl', status.crawl],
    ['etl', status.etl]
  ] as const) {
    if (run) {
      runs.push(
        <span
          key={label}
          className="jp-GlueCatalog-runStatus"
          title={`${label} ${run.name}: ${run.state} (${run.started_at})${run.error ? `\n${run.error}` : ''}`}
        >
          <span
            className={`jp-GlueCatalog-dot jp-mod-${stateTone(run.state)}`}
          />
          {label} {run.state.toLowerCase()} {formatAgo(run.started_at)}
        </span>
      );
    }
  }
  if (status.dq) {
    runs.push(
      <span
        key="dq"
        className="jp-GlueCatalog-runStatus"
        title={`data quality${status.dq.ruleset ? ` (${status.dq.ruleset})` : ''}: ${status.dq.rules_total} rules, ${status.dq.evaluated_at}`}
      >
        <span
          className={`jp-GlueCatalog-dot jp-mod-${scoreTone(status.dq.score)}`}
        />
        dq {Math.round(status.dq.score * 100)}%
      </span>
    );
  }
  return (
    <div className="jp-GlueCatalog-overview">
      <div
        className="jp-GlueCatalog-location"
        title={[detail.description, detail.location].filter(Boolean).join('\n')}
      >
        {detail.description ? (
          <span className="jp-GlueCatalog-description">
            {detail.description} ·{' '}
          </span>
        ) : null}
        <span className="jp-GlueCatalog-mono">
          {detail.location ?? 'no location'}
        </span>
      </div>
      <div className="jp-GlueCatalog-badges">
        <Badge
          tone="info"
          title={`classification: ${detail.classification ?? 'none'}`}
        >
          {detail.classification ?? detail.table_type.toLowerCase()}
        </Badge>
        {counts.partitions !== null && (
          <Badge title="partitions">
            {formatCount(counts.partitions)} parts
          </Badge>
        )}
        {counts.records !== null && (
          <Badge title="records, as the last crawl or write counted them">
            {formatCount(counts.records)} rows
          </Badge>
        )}
        {counts.bytes !== null && (
          <Badge title={`${formatCount(counts.files)} files`}>
            {formatBytes(counts.bytes)}
          </Badge>
        )}
      </div>
      <div className="jp-GlueCatalog-status">
        {runs.length ? (
          runs
        ) : (
          <span className="jp-GlueCatalog-dim">no runs recorded</span>
        )}
      </div>
    </div>
  );
}

function TabContent(props: {
  model: CatalogModel;
  view: ITableView;
}): JSX.Element | null {
  const { model, view } = props;
  switch (view.tab) {
    case 'schema':
      return <Schema view={view} />;
    case 'partitions':
      return <Partitions model={model} view={view} />;
    case 'preview':
      return <Preview model={model} view={view} />;
    case 'versions':
      return <Versions model={model} view={view} />;
    case 'lineage':
      return <Lineage model={model} view={view} />;
  }
}

// -- schema

function statisticText(stat: IStatistic | undefined): string {
  if (!stat) {
    return '';
  }
  const body = Object.values(stat.data).find(
    v => typeof v === 'object' && v !== null
  ) as Record<string, unknown> | undefined;
  if (!body) {
    return '';
  }
  const parts: string[] = [];
  if (typeof body.NumberOfNulls === 'number') {
    parts.push(`${formatCount(body.NumberOfNulls)} nulls`);
  }
  if (typeof body.NumberOfDistinctValues === 'number') {
    parts.push(`${formatCount(body.NumberOfDistinctValues)} distinct`);
  }
  if (body.MinimumValue !== undefined && body.MaximumValue !== undefined) {
    parts.push(
      `${formatCell(body.MinimumValue)} … ${formatCell(body.MaximumValue)}`
    );
  }
  return parts.join(' · ');
}

function Schema(props: { view: ITableView }): JSX.Element | null {
  const detail = props.view.detail.data;
  if (!detail) {
    return null;
  }
  const stats = new Map(
    (props.view.statistics.data ?? []).map(s => [s.column_name, s])
  );
  const columns: IColumn[] = [...detail.columns, ...detail.partition_keys];
  return (
    <div className="jp-GlueCatalog-scroll">
      <table className="jp-GlueCatalog-grid jp-GlueCatalog-schema">
        <thead>
          <tr>
            <th>Column</th>
            <th>Type</th>
          </tr>
        </thead>
        <tbody>
          {columns.map(col => {
            const stat = statisticText(stats.get(col.name));
            return (
              <tr key={col.name}>
                <td title={col.comment ?? undefined}>
                  <div className="jp-GlueCatalog-cellLine">
                    <span className="jp-GlueCatalog-columnName">
                      {col.name}
                    </span>
                    {col.partition_key && (
                      <span
                        className="jp-GlueCatalog-pill"
                        title="partition key"
                      >
                        partition
                      </span>
                    )}
                  </div>
                  {(col.comment || stat) && (
                    <div className="jp-GlueCatalog-sub">
                      {[col.comment, stat].filter(Boolean).join(' · ')}
                    </div>
                  )}
                </td>
                <td
                  className="jp-GlueCatalog-mono jp-GlueCatalog-type"
                  title={col.type}
                >
                  {col.type}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Properties detail={detail} />
    </div>
  );
}

function Properties(props: { detail: ITableDetail }): JSX.Element {
  const { detail } = props;
  const rows: [string, string | null][] = [
    ['Table type', detail.table_type],
    ['Input format', detail.input_format],
    ['SerDe', detail.serde_library],
    ['Owner', detail.owner],
    ['Updated', detail.updated_at],
    ...Object.entries(detail.parameters).map(([k, v]): [string, string] => [
      k,
      v
    ])
  ];
  return (
    <details className="jp-GlueCatalog-properties">
      <summary>Properties and parameters</summary>
      <table className="jp-GlueCatalog-grid">
        <tbody>
          {rows
            .filter(([, v]) => v !== null && v !== '')
            .map(([k, v]) => (
              <tr key={k}>
                <td className="jp-GlueCatalog-dim">{k}</td>
                <td className="jp-GlueCatalog-mono" title={v ?? undefined}>
                  {v}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </details>
  );
}

// -- partitions

function FilterBox(props: {
  initial: string;
  placeholder: string;
  label: string;
  onApply: (value: string) => void;
}): JSX.Element {
  const [value, setValue] = React.useState(props.initial);
  return (
    <form
      className="jp-GlueCatalog-filter"
      onSubmit={event => {
        event.preventDefault();
        props.onApply(value.trim());
      }}
    >
      <input
        className="jp-mod-styled jp-GlueCatalog-mono"
        value={value}
        placeholder={props.placeholder}
        aria-label={props.label}
        onChange={event => setValue(event.currentTarget.value)}
      />
      <button type="submit" className="jp-Button jp-mod-styled jp-mod-reject">
        Apply
      </button>
    </form>
  );
}

const PARTITION_HEIGHT = 40;

function Partitions(props: {
  model: CatalogModel;
  view: ITableView;
}): JSX.Element {
  const { model, view } = props;
  const detail = view.detail.data;
  const state = view.partitions;
  if (detail && detail.partition_keys.length === 0) {
    return <Message>This table is not partitioned.</Message>;
  }
  const keys = detail?.partition_keys.map(k => k.name) ?? [];
  return (
    <div className="jp-GlueCatalog-column">
      <FilterBox
        initial={state.expression}
        placeholder={
          keys.length ? `${keys[0]} = '…' (Glue partition expression)` : ''
        }
        label="Partition expression"
        onApply={value => model.setPartitionFilter(value)}
      />
      <div className="jp-GlueCatalog-line">
        {state.error ? (
          <span className="jp-GlueCatalog-errorText" title={state.error}>
            {state.error}
          </span>
        ) : (
          <span className="jp-GlueCatalog-dim">
            {state.loaded
              ? `${formatCount(state.items.length)}${state.nextToken ? '+' : ''} ${state.expression ? 'matching' : 'of ' + formatCount(detail?.counts.partitions)} partitions`
              : ' '}
          </span>
        )}
      </div>
      <VirtualList<IPartition>
        items={state.items}
        rowHeight={PARTITION_HEIGHT}
        rowKey={p => p.values.join('\u0000')}
        className="jp-GlueCatalog-fill"
        role="list"
        ariaLabel="Partitions"
        onWindow={window => {
          if (window.end >= state.items.length - 10 && state.nextToken) {
            void model.loadMorePartitions();
          }
        }}
        renderRow={partition => (
          <div className="jp-GlueCatalog-partition" role="listitem">
            <div className="jp-GlueCatalog-mono">
              {partition.values
                .map((v, i) => `${keys[i] ?? i}=${v}`)
                .join(' / ')}
            </div>
            <div
              className="jp-GlueCatalog-sub jp-GlueCatalog-mono"
              title={partition.location ?? ''}
            >
              {partition.location}
            </div>
          </div>
        )}
      />
    </div>
  );
}

// -- preview

const LIMITS = [10, 50, 100, 500, 1000];

function Preview(props: {
  model: CatalogModel;
  view: ITableView;
}): JSX.Element {
  const { model, view } = props;
  const state = view.preview;
  const data = state.data;
  const partitioned = (view.detail.data?.partition_keys.length ?? 0) > 0;
  return (
    <div className="jp-GlueCatalog-column">
      {partitioned && (
        <FilterBox
          initial={state.expression}
          placeholder={`${view.detail.data?.partition_keys[0]?.name ?? 'key'} = '…' (partition filter)`}
          label="Preview partition filter"
          onApply={value => model.setPreviewOptions({ expression: value })}
        />
      )}
      <div className="jp-GlueCatalog-previewControls">
        <HTMLSelect
          aria-label="Rows to preview"
          value={state.limit}
          options={LIMITS.map(n => ({ value: n, label: `${n} rows` }))}
          onChange={event =>
            model.setPreviewOptions({
              limit: Number(event.currentTarget.value)
            })
          }
        />
        {state.error ? (
          <span className="jp-GlueCatalog-errorText" title={state.error}>
            {state.error}
          </span>
        ) : data ? (
          <span
            className="jp-GlueCatalog-dim"
            title={[
              `${data.rows.length}${data.more ? '+' : ''} rows from ${data.source}`,
              `${data.files_read} files, ${data.partitions_read} partitions read`,
              `${formatDuration(data.seconds)} on the server`,
              ...data.notes
            ].join('\n')}
          >
            {formatCount(data.rows.length)}
            {data.more ? '+' : ''} rows · {data.source}
            {data.files_read
              ? ` · ${data.files_read} file${data.files_read === 1 ? '' : 's'}`
              : ''}{' '}
            · {formatDuration(data.seconds)}
            {data.notes.length ? ' · ⚠' : ''}
          </span>
        ) : (
          <span className="jp-GlueCatalog-dim">Reading…</span>
        )}
      </div>
      <div className="jp-GlueCatalog-scroll jp-GlueCatalog-fill">
        {data && (
          <table className="jp-GlueCatalog-grid jp-GlueCatalog-preview">
            <thead>
              <tr>
                <th className="jp-GlueCatalog-rowNumber">#</th>
                {data.columns.map(c => (
                  <th
                    key={c.name}
                    title={`${c.name}: ${c.type}${c.partition_key ? ' (partition key)' : ''}`}
                  >
                    {c.name}
                    <div className="jp-GlueCatalog-sub">{c.type}</div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row, r) => (
                <tr key={r}>
                  <td className="jp-GlueCatalog-rowNumber">{r + 1}</td>
                  {row.map((value, c) => {
                    const text = formatCell(value, data.columns[c]?.type);
                    return (
                      <td
                        key={c}
                        className={
                          value === null
                            ? 'jp-GlueCatalog-null'
                            : typeof value === 'number'
                              ? 'jp-GlueCatalog-number'
                              : undefined
                        }
                        title={text}
                      >
                        {text}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

// -- versions

function Versions(props: {
  model: CatalogModel;
  view: ITableView;
}): JSX.Element {
  const { model, view } = props;
  const versions = view.versions.data ?? [];
  const pair = view.diff.pair;
  if (view.versions.error) {
    return <Message tone="error">{view.versions.error}</Message>;
  }
  const options = versions.map(v => ({
    value: v.version,
    label: `v${v.version}`
  }));
  return (
    <div className="jp-GlueCatalog-scroll">
      <table className="jp-GlueCatalog-grid">
        <thead>
          <tr>
            <th>Version</th>
            <th>Created</th>
            <th>Columns</th>
          </tr>
        </thead>
        <tbody>
          {versions.map(v => (
            <tr key={v.version}>
              <td>v{v.version}</td>
              <td title={v.created_at ?? undefined}>
                {formatAgo(v.created_at)}
              </td>
              <td>{formatCount(v.column_count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {versions.length < 2 ? (
        <Message>
          Only one version so far: every schema change adds one.
        </Message>
      ) : (
        <div className="jp-GlueCatalog-diff">
          <div className="jp-GlueCatalog-diffControls">
            Changes
            <HTMLSelect
              aria-label="Old version"
              value={pair?.[0]}
              options={options}
              onChange={e =>
                model.showDiff(
                  Number(e.currentTarget.value),
                  pair?.[1] ?? versions[0].version
                )
              }
            />
            →
            <HTMLSelect
              aria-label="New version"
              value={pair?.[1]}
              options={options}
              onChange={e =>
                model.showDiff(
                  pair?.[0] ?? versions[1].version,
                  Number(e.currentTarget.value)
                )
              }
            />
          </div>
          {view.diff.error ? (
            <Message tone="error">{view.diff.error}</Message>
          ) : view.diff.data ? (
            <Diff diff={view.diff.data} />
          ) : null}
        </div>
      )}
    </div>
  );
}

function Diff(props: { diff: IVersionDiff }): JSX.Element {
  const { diff } = props;
  const lines: { sign: string; tone: string; text: string }[] = [
    ...diff.added_columns.map(c => ({
      sign: '+',
      tone: 'added',
      text: `${c.name} ${c.type}`
    })),
    ...diff.removed_columns.map(c => ({
      sign: '−',
      tone: 'removed',
      text: `${c.name} ${c.type}`
    })),
    ...diff.changed_columns.map(c => ({
      sign: '~',
      tone: 'changed',
      text: `${c.new.name} ${c.old.type} → ${c.new.type}${c.old.comment !== c.new.comment ? ' (comment)' : ''}`
    })),
    ...diff.changed_fields.map(f => ({
      sign: '~',
      tone: 'changed',
      text: `${f.field}: ${short(f.old)} → ${short(f.new)}`
    }))
  ];
  if (lines.length === 0) {
    return <Message>No differences.</Message>;
  }
  return (
    <ul className="jp-GlueCatalog-diffLines">
      {lines.map((line, i) => (
        <li key={i} className={`jp-mod-${line.tone}`} title={line.text}>
          <span className="jp-GlueCatalog-diffSign">{line.sign}</span>
          {line.text}
        </li>
      ))}
    </ul>
  );
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

// -- lineage

const TABLE_NAME = /^[a-z0-9_-]+\.[a-z0-9_-]+$/;

function Lineage(props: {
  model: CatalogModel;
  view: ITableView;
}): JSX.Element {
  const { model, view } = props;
  const data = view.lineage.data;
  if (view.lineage.error) {
    return <Message tone="error">{view.lineage.error}</Message>;
  }
  if (!data) {
    return <div />;
  }
  if (data.upstream.length === 0 && data.downstream.length === 0) {
    return (
      <Message title="No lineage yet">
        %%etl cells record which tables they read and wrote; runs that touch
        this table show here.
      </Message>
    );
  }
  const edgeList = (
    edges: ILineageEdge[],
    end: 'source' | 'target'
  ): JSX.Element => (
    <ul className="jp-GlueCatalog-edges">
      {edges.map((edge, i) => {
        const other = edge[end];
        const run = edge.run;
        return (
          <li key={i}>
            {TABLE_NAME.test(other) ? (
              <a
                href="#"
                onClick={event => {
                  event.preventDefault();
                  const [db, t] = other.split('.');
                  model.openTable(db, t, 'lineage');
                }}
              >
                {other}
              </a>
            ) : (
              <span className="jp-GlueCatalog-mono" title={other}>
                {other}
              </span>
            )}
            <div className="jp-GlueCatalog-sub" title={run?.error ?? undefined}>
              {run ? (
                <>
                  <span
                    className={`jp-GlueCatalog-dot jp-mod-${stateTone(run.state)}`}
                  />
                  {run.kind} {run.name} · {run.state.toLowerCase()} ·{' '}
                  {formatAgo(run.started_at)}
                </>
              ) : (
                formatAgo(edge.created_at)
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
  return (
    <div className="jp-GlueCatalog-scroll jp-GlueCatalog-lineage">
      <div className="jp-GlueCatalog-sectionTitle">
        Upstream ({data.upstream.length})
      </div>
      <div className="jp-GlueCatalog-sectionHint">
        tables and paths written into this one
      </div>
      {edgeList(data.upstream, 'source')}
      <div className="jp-GlueCatalog-sectionTitle">
        Downstream ({data.downstream.length})
      </div>
      <div className="jp-GlueCatalog-sectionHint">written from this table</div>
      {edgeList(data.downstream, 'target')}
    </div>
  );
}
