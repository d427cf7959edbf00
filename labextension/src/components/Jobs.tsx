import * as React from 'react';

import { formatAgo, formatDuration, stateTone } from '../format';
import { formatUntil, isActive, JobsModel } from '../jobs';
import { IJobRunBrief, IJobSummary } from '../tokens';
import { IActions } from './actions';
import { Badge, Message, Progress } from './common';
import { JobRunView } from './JobRunView';

/** The runs of a job as state badges, newest first; a badge opens its run. */
export function RunBadges(props: {
  model: JobsModel;
  runs: IJobRunBrief[];
}): JSX.Element {
  const { model, runs } = props;
  if (runs.length === 0) {
    return <span className="jp-GlueCatalog-dim">no runs yet</span>;
  }
  return (
    <span className="jp-GlueCatalog-jobRuns">
      {runs.map(run => (
        <button
          key={run.id}
          className="jp-GlueCatalog-runBadge"
          data-run={run.id}
          data-state={run.state}
          title={
            `run ${run.id} (${run.trigger.toLowerCase()}, attempt ${run.attempt}): ${run.state}` +
            (run.duration_seconds !== null
              ? `, ${formatDuration(run.duration_seconds)}`
              : '') +
            (run.error ? `\n${run.error}` : '')
          }
          onClick={() => model.openRun(run.id)}
        >
          <Badge tone={stateTone(run.state)}>{run.state}</Badge>
        </button>
      ))}
    </span>
  );
}

export function Jobs(props: {
  model: JobsModel;
  actions: IActions;
}): JSX.Element {
  const { model, actions } = props;
  if (model.run) {
    return <JobRunView model={model} view={model.run} actions={actions} />;
  }
  const jobs = model.jobs;
  return (
    <div className="jp-GlueCatalog-jobs">
      <div className="jp-GlueCatalog-listArea jp-GlueCatalog-scroll">
        <Progress active={jobs.loading} />
        {model.actionError && (
          <Message tone="error">{model.actionError}</Message>
        )}
        {jobs.error ? (
          <Message tone="error">{jobs.error}</Message>
        ) : jobs.loaded && (jobs.data ?? []).length === 0 ? (
          <Message title="No jobs yet">
            Promote a notebook to a job with the command “Promote Notebook to
            Job” (notebook context menu or command palette), or with
            <code> %promote NAME --schedule "cron(0 6 * * ? *)"</code> in the
            notebook. Its runs and schedule show up here.
          </Message>
        ) : (
          <ul className="jp-GlueCatalog-jobList" aria-label="Jobs">
            {(jobs.data ?? []).map(job => (
              <JobRow key={job.name} model={model} job={job} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function JobRow(props: { model: JobsModel; job: IJobSummary }): JSX.Element {
  const { model, job } = props;
  const active = job.last_runs.find(r => isActive(r.state));
  const form = model.form?.job === job.name ? model.form : null;
  const pausing = model.busy.has(`pause:${job.name}`);
  return (
    <li className="jp-GlueCatalog-job" data-job={job.name}>
      <div className="jp-GlueCatalog-runTitle">
        <span className="jp-GlueCatalog-name" title={job.description ?? ''}>
          {job.name}
        </span>
        {job.paused && <Badge tone="warn">paused</Badge>}
        <span className="jp-GlueCatalog-jobActions">
          <button
            className="jp-GlueCatalog-action jp-mod-run"
            title="Run now, with parameters"
            disabled={!!form}
            onClick={() => void model.openRunForm(job.name)}
          >
            Run
          </button>
          {active && (
            <button
              className="jp-GlueCatalog-action jp-mod-stop"
              title={`Stop run ${active.id}`}
              disabled={model.busy.has(`stop:${active.id}`)}
              onClick={() => void model.stop(active.id)}
            >
              Stop
            </button>
          )}
          {job.schedule && (
            <button
              className="jp-GlueCatalog-action jp-mod-pause"
              title={job.paused ? 'Resume the schedule' : 'Pause the schedule'}
              disabled={pausing}
              onClick={() => void model.setPaused(job.name, !job.paused)}
            >
              {job.paused ? 'Resume' : 'Pause'}
            </button>
          )}
        </span>
      </div>
      <div
        className="jp-GlueCatalog-sub jp-GlueCatalog-schedule"
        title={job.schedule ?? ''}
      >
        {job.schedule
          ? `${job.schedule_words ?? job.schedule}`
          : 'on demand (no schedule)'}
        {job.next_run && !job.paused && (
          <span title={job.next_run}> · next {formatUntil(job.next_run)}</span>
        )}
      </div>
      <div className="jp-GlueCatalog-sub">
        <RunBadges model={model} runs={job.last_runs} />
        {job.last_runs[0] && (
          <span className="jp-GlueCatalog-meta">
            {formatAgo(job.last_runs[0].created_at)}
          </span>
        )}
      </div>
      {form && <RunForm model={model} />}
    </li>
  );
}

function RunForm(props: { model: JobsModel }): JSX.Element | null {
  const { model } = props;
  const form = model.form;
  if (!form) {
    return null;
  }
  const detail = form.detail.data;
  return (
    <form
      className="jp-GlueCatalog-runForm"
      aria-label={`Run ${form.job}`}
      onSubmit={event => {
        event.preventDefault();
        void model.submitRun();
      }}
    >
      {form.detail.loading && <div className="jp-GlueCatalog-dim">…</div>}
      {form.detail.error && <Message tone="error">{form.detail.error}</Message>}
      {detail && detail.parameters.length === 0 && (
        <div className="jp-GlueCatalog-dim">
          The notebook has no parameters cell.
        </div>
      )}
      {detail?.parameters.map(p => (
        <label key={p.name} className="jp-GlueCatalog-param">
          <span className="jp-GlueCatalog-paramName">
            {p.name}
            <span className="jp-GlueCatalog-dim"> {p.type}</span>
          </span>
          <input
            className="jp-mod-styled"
            name={p.name}
            value={form.values[p.name] ?? ''}
            placeholder={p.text}
            onChange={event => model.setFormValue(p.name, event.target.value)}
          />
        </label>
      ))}
      {detail?.fixed_parameters.map(p => (
        <div key={p.name} className="jp-GlueCatalog-param jp-GlueCatalog-dim">
          {p.name} = {JSON.stringify(p.value)} (fixed)
        </div>
      ))}
      {form.error && (
        <div className="jp-GlueCatalog-errorText" role="alert">
          {form.error}
        </div>
      )}
      <div className="jp-GlueCatalog-formButtons">
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          onClick={() => model.closeForm()}
        >
          Cancel
        </button>
        <button
          type="submit"
          className="jp-Button jp-mod-styled jp-mod-accept jp-GlueCatalog-start"
          disabled={form.submitting || !detail}
        >
          Start run
        </button>
      </div>
    </form>
  );
}
