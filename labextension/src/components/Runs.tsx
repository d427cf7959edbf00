import * as React from 'react';

import { formatAgo, formatDuration, scoreTone, stateTone } from '../format';
import { CatalogModel } from '../model';
import { IDQResult, IRun } from '../tokens';
import { Badge, Message, Progress, VirtualList } from './common';

const KINDS: [string, string][] = [
  ['', 'All'],
  ['crawl', 'Crawls'],
  ['etl', 'ETL'],
  ['dq', 'Quality']
];
const RUN_HEIGHT = 44;
const TABLE_NAME = /^[a-z0-9_-]+\.[a-z0-9_-]+$/;

function isRun(item: IRun | IDQResult): item is IRun {
  return (item as IRun).state !== undefined;
}

export function Runs(props: { model: CatalogModel }): JSX.Element {
  const { model } = props;
  const runs = model.runs;
  return (
    <div className="jp-GlueCatalog-runs">
      <div
        className="jp-GlueCatalog-segmented"
        role="radiogroup"
        aria-label="Kind of run"
      >
        {KINDS.map(([kind, label]) => (
          <button
            key={kind}
            role="radio"
            aria-checked={runs.kind === kind}
            className={`jp-GlueCatalog-segment${runs.kind === kind ? ' jp-mod-active' : ''}`}
            onClick={() => model.setRunsKind(kind)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="jp-GlueCatalog-listArea">
        <Progress active={runs.loading} />
        {runs.error ? (
          <Message tone="error">{runs.error}</Message>
        ) : runs.loaded && runs.items.length === 0 ? (
          <Message title="No runs yet">
            Crawls (%crawl), ETL cells (%%etl) and data-quality checks record a
            run each time they run; they show up here with their state.
          </Message>
        ) : (
          <VirtualList<IRun | IDQResult>
            items={runs.items}
            rowHeight={RUN_HEIGHT}
            rowKey={(item, i) => (isRun(item) ? `r${item.id}` : `q${i}`)}
            role="list"
            ariaLabel="Recent runs"
            onWindow={window => {
              if (window.end >= runs.items.length - 5 && runs.nextToken) {
                void model.loadMoreRuns();
              }
            }}
            renderRow={item => <RunRow model={model} item={item} />}
          />
        )}
      </div>
    </div>
  );
}

function RunRow(props: {
  model: CatalogModel;
  item: IRun | IDQResult;
}): JSX.Element {
  const { model, item } = props;
  if (!isRun(item)) {
    return (
      <div className="jp-GlueCatalog-run" role="listitem">
        <div className="jp-GlueCatalog-runTitle">
          <Badge tone={scoreTone(item.score)}>
            {Math.round(item.score * 100)}%
          </Badge>
          <span className="jp-GlueCatalog-name">dq {item.ruleset ?? ''}</span>
          <span className="jp-GlueCatalog-meta">
            {formatAgo(item.evaluated_at)}
          </span>
        </div>
        <div className="jp-GlueCatalog-sub">
          {item.target} · {item.rules_total} rules
        </div>
      </div>
    );
  }
  const target = item.target ?? '';
  const openable = item.kind === 'etl' && TABLE_NAME.test(target);
  return (
    <div
      className={`jp-GlueCatalog-run${openable ? ' jp-mod-clickable' : ''}`}
      role="listitem"
      title={item.error ?? `${item.kind} ${item.name}: ${item.state}`}
      onClick={() => {
        if (openable) {
          const [db, table] = target.split('.');
          model.setView('browse');
          model.openTable(db, table);
        }
      }}
    >
      <div className="jp-GlueCatalog-runTitle">
        <Badge tone={stateTone(item.state)}>{item.state.toLowerCase()}</Badge>
        <span className="jp-GlueCatalog-kind">{item.kind}</span>
        <span className="jp-GlueCatalog-name">{item.name}</span>
        <span className="jp-GlueCatalog-meta" title={item.started_at}>
          {formatAgo(item.started_at)}
        </span>
      </div>
      <div className="jp-GlueCatalog-sub">
        {item.error ? (
          <span className="jp-GlueCatalog-errorText">{item.error}</span>
        ) : (
          <>
            {target ? `→ ${target}` : ''}
            {item.seconds !== null
              ? ` · ${formatDuration(item.seconds)}`
              : ' · running'}
          </>
        )}
      </div>
    </div>
  );
}
