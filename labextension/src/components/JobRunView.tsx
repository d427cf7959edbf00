import {
  caretLeftIcon,
  launchIcon,
  ToolbarButtonComponent
} from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  formatAgo,
  formatBytes,
  formatCount,
  formatDuration,
  stateTone
} from '../format';
import { isActive, IRunView, JobsModel } from '../jobs';
import { IActions } from './actions';
import { Badge, Message, Progress } from './common';

/** One job run: state, times, trigger, the failing cell, what it wrote, its log and output. */
export function JobRunView(props: {
  model: JobsModel;
  view: IRunView;
  actions: IActions;
}): JSX.Element {
  const { model, view, actions } = props;
  const run = view.run.data;
  const fields: [string, React.ReactNode][] = run
    ? [
        ['job', `${run.job} (version ${run.version})`],
        ['trigger', run.trigger],
        ['attempt', String(run.attempt)],
        ['scheduled for', run.scheduled_for ?? ''],
        ['started', run.started_at ? formatAgo(run.started_at) : ''],
        ['ended', run.ended_at ? formatAgo(run.ended_at) : ''],
        ['duration', formatDuration(run.duration_seconds)],
        [
          'parameters',
          Object.keys(run.arguments).length
            ? Object.entries(run.arguments)
                .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                .join(', ')
            : ''
        ],
        [
          'written',
          run.rows_written !== null && run.rows_written !== undefined
            ? `${formatCount(run.rows_written)} rows, ${formatBytes(run.bytes_written)}`
            : ''
        ],
        ['note', run.note ?? '']
      ]
    : [];
  return (
    <div className="jp-GlueCatalog-jobRun" data-run={view.id}>
      <div className="jp-GlueCatalog-tableHeader">
        <ToolbarButtonComponent
          icon={caretLeftIcon}
          tooltip="Back to the jobs"
          onClick={() => model.closeRun()}
        />
        <span className="jp-GlueCatalog-tableName">
          {run ? `${run.job} · run ${view.id}` : `run ${view.id}`}
        </span>
        {run && (
          <span data-state={run.state} className="jp-GlueCatalog-runState">
            <Badge tone={stateTone(run.state)}>{run.state}</Badge>
          </span>
        )}
      </div>
      <div className="jp-GlueCatalog-listArea jp-GlueCatalog-scroll">
        <Progress active={view.run.loading} />
        {view.run.error && !run && (
          <Message tone="error">{view.run.error}</Message>
        )}
        {run && (
          <>
            {run.error && (
              <div className="jp-GlueCatalog-runError" role="alert">
                {run.failed_cell !== null && (
                  <strong>cell {run.failed_cell}: </strong>
                )}
                {run.error}
              </div>
            )}
            <dl className="jp-GlueCatalog-fields">
              {fields
                .filter(([, value]) => value !== '')
                .map(([key, value]) => (
                  <React.Fragment key={key}>
                    <dt>{key}</dt>
                    <dd>{value}</dd>
                  </React.Fragment>
                ))}
            </dl>
            {run.children.length > 0 && (
              <ul className="jp-GlueCatalog-children" aria-label="Runs it made">
                {run.children.map(child => (
                  <li key={child.id} title={child.error ?? ''}>
                    <Badge tone={stateTone(child.state)}>
                      {child.state.toLowerCase()}
                    </Badge>{' '}
                    {child.kind} {child.name}
                    {child.target ? ` → ${child.target}` : ''}
                  </li>
                ))}
              </ul>
            )}
            <div className="jp-GlueCatalog-formButtons">
              {isActive(run.state) && (
                <button
                  className="jp-Button jp-mod-styled jp-mod-warn jp-GlueCatalog-stopRun"
                  disabled={model.busy.has(`stop:${run.id}`)}
                  onClick={() => void model.stop(run.id)}
                >
                  Stop
                </button>
              )}
              <button
                className="jp-Button jp-mod-styled jp-GlueCatalog-showLog"
                disabled={!run.has_log}
                onClick={() => model.toggleLog()}
              >
                {view.log.shown ? 'Hide log' : 'Log'}
              </button>
              <button
                className="jp-Button jp-mod-styled jp-mod-accept jp-GlueCatalog-openOutput"
                disabled={!run.has_output}
                title="The executed notebook, in a new browser tab"
                onClick={() => actions.openOutput(model.outputUrl(run.id))}
              >
                {React.createElement(launchIcon.react, {
                  tag: 'span',
                  className: 'jp-GlueCatalog-buttonIcon'
                })}
                Open output
              </button>
            </div>
            {view.log.shown && (
              <div className="jp-GlueCatalog-log">
                {view.log.error ? (
                  <Message tone="error">{view.log.error}</Message>
                ) : (
                  <pre>{view.log.data ?? ''}</pre>
                )}
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
