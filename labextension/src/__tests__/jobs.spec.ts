import {
  changedParams,
  promoteOptions,
  formatUntil,
  formValues,
  isActive,
  JOB_RUN_STATES,
  JobsModel,
  suggestJobName
} from '../jobs';
import { stateTone } from '../format';
import {
  ApiError,
  IJobDetail,
  IJobParameter,
  IJobRun,
  IJobRunBrief,
  IJobsApi,
  IJobSummary,
  IPromoteOptions,
  JobRunState
} from '../tokens';

const PARAMS: IJobParameter[] = [
  { name: 'rows', type: 'int', default: 10, text: '10', job_default: false },
  { name: 'region', type: 'str', default: 'eu', text: 'eu', job_default: true },
  {
    name: 'tables',
    type: 'list',
    default: ['a'],
    text: "['a']",
    job_default: false
  }
];

function brief(id: number, state: JobRunState): IJobRunBrief {
  return {
    id,
    state,
    attempt: 1,
    trigger: 'ON_DEMAND',
    created_at: '2025-01-01T00:00:00+00:00',
    started_at: null,
    ended_at: null,
    duration_seconds: null,
    error: null
  };
}

function summary(name: string, runs: IJobRunBrief[] = []): IJobSummary {
  return {
    name,
    version: 1,
    schedule: '@daily',
    schedule_words: 'every day at 00:00 UTC',
    timezone: 'UTC',
    paused: false,
    next_run: '2025-01-02T00:00:00+00:00',
    description: null,
    tags: [],
    last_runs: runs,
    active_runs: runs.filter(r => isActive(r.state)).length,
    updated_at: null
  };
}

function fullRun(id: number, state: JobRunState): IJobRun {
  return {
    ...brief(id, state),
    job: 'daily',
    version: 1,
    scheduled_for: null,
    arguments: {},
    failed_cell: null,
    note: null,
    metrics: {},
    rows_written: null,
    bytes_written: null,
    children: [],
    has_output: state === 'SUCCEEDED',
    has_log: true
  };
}

/** An in-memory server: jobs, runs that can be advanced, and the calls it got. */
class FakeJobsApi implements IJobsApi {
  jobsList: IJobSummary[] = [summary('daily', [brief(1, 'SUCCEEDED')])];
  runs = new Map<number, IJobRun>([[1, fullRun(1, 'SUCCEEDED')]]);
  calls: string[] = [];
  refuseRun: string | null = null;

  async jobs(): Promise<IJobSummary[]> {
    this.calls.push('jobs');
    return this.jobsList.map(j => ({ ...j }));
  }

  async job(name: string): Promise<IJobDetail> {
    this.calls.push(`job ${name}`);
    const found = this.jobsList.find(j => j.name === name);
    if (!found) {
      throw new ApiError(`job '${name}' not found`, 404);
    }
    return {
      ...found,
      parameters: PARAMS,
      fixed_parameters: [],
      gates: [],
      settings: {},
      skipped_runs: 0,
      created_at: null,
      notebook: null,
      versions: []
    };
  }

  async jobRun(id: number): Promise<IJobRun> {
    this.calls.push(`run ${id}`);
    const run = this.runs.get(id);
    if (!run) {
      throw new ApiError(`job run ${id} not found`, 404);
    }
    return { ...run };
  }

  async jobRunLog(id: number): Promise<string> {
    this.calls.push(`log ${id}`);
    return `log of ${id} (${this.runs.get(id)?.state})`;
  }

  async promote(options: IPromoteOptions): Promise<IJobSummary> {
    this.calls.push(`promote ${JSON.stringify(options)}`);
    return summary(options.name);
  }

  async runJob(name: string, params: Record<string, string>): Promise<IJobRun> {
    this.calls.push(`runJob ${name} ${JSON.stringify(params)}`);
    if (this.refuseRun) {
      throw new ApiError(this.refuseRun, 400);
    }
    const id = this.runs.size + 1;
    const run = fullRun(id, 'STARTING');
    this.runs.set(id, run);
    this.jobsList[0].last_runs.unshift(brief(id, 'STARTING'));
    return run;
  }

  async stopRun(id: number): Promise<IJobRunBrief> {
    this.calls.push(`stop ${id}`);
    this.advance(id, 'STOPPED');
    return brief(id, 'STOPPED');
  }

  async setPaused(name: string, paused: boolean): Promise<IJobSummary> {
    this.calls.push(`${paused ? 'pause' : 'resume'} ${name}`);
    const job = this.jobsList.find(j => j.name === name)!;
    job.paused = paused;
    return job;
  }

  outputUrl(id: number): string {
    return `/base/glue-magics/api/job-runs/${id}/notebook`;
  }

  advance(id: number, state: JobRunState): void {
    this.runs.set(id, { ...this.runs.get(id)!, state });
    for (const job of this.jobsList) {
      job.last_runs = job.last_runs.map(r =>
        r.id === id ? { ...r, state } : r
      );
    }
  }
}

describe('job helpers', () => {
  it('prefills the run form with the defaults and sends only what changed', () => {
    const values = formValues(PARAMS);
    expect(values).toEqual({ rows: '10', region: 'eu', tables: "['a']" });
    expect(changedParams(PARAMS, values)).toEqual({});
    expect(
      changedParams(PARAMS, { ...values, rows: '21', tables: "['x', 'y']" })
    ).toEqual({ rows: '21', tables: "['x', 'y']" });
    // An emptied field is a change (to the empty text), not "use the default".
    expect(changedParams(PARAMS, { ...values, region: '' })).toEqual({
      region: ''
    });
  });

  it('tells active runs from ended ones, with a colour per state', () => {
    expect(JOB_RUN_STATES.filter(isActive)).toEqual([
      'WAITING',
      'STARTING',
      'RUNNING',
      'STOPPING'
    ]);
    expect(JOB_RUN_STATES.map(s => [s, stateTone(s)])).toEqual([
      ['WAITING', 'neutral'],
      ['STARTING', 'info'],
      ['RUNNING', 'info'],
      ['STOPPING', 'warn'],
      ['SUCCEEDED', 'success'],
      ['FAILED', 'error'],
      ['TIMEOUT', 'error'],
      ['STOPPED', 'warn'],
      ['ERROR', 'error']
    ]);
  });

  it('suggests a job name from the notebook path', () => {
    expect(suggestJobName('work/Daily Sales (v2).ipynb')).toBe(
      'Daily_Sales_v2_'
    );
    expect(suggestJobName('report.ipynb')).toBe('report');
    expect(suggestJobName('.hidden.ipynb')).toBe('hidden');
    expect(suggestJobName('???.ipynb')).toBe('_');
  });

  it('says when the next run is', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(formatUntil(null, now)).toBe('');
    expect(formatUntil('2025-01-01T00:00:30Z', now)).toBe(
      'in less than a minute'
    );
    expect(formatUntil('2025-01-01T00:10:00Z', now)).toBe('in 10 min');
    expect(formatUntil('2025-01-01T06:00:00Z', now)).toBe('in 6 h');
    expect(formatUntil('2025-01-04T00:00:00Z', now)).toBe('in 3 days');
    expect(formatUntil('2025-03-01T00:00:00Z', now)).toBe('2025-03-01');
  });

  it('builds the promote body with %promote option names', () => {
    expect(
      promoteOptions('work/report.ipynb', {
        name: 'report',
        schedule: '',
        timezone: 'Europe/Paris',
        description: ''
      })
    ).toEqual({
      notebook: 'work/report.ipynb',
      name: 'report',
      schedule: null,
      timezone: 'Europe/Paris',
      description: null
    });
  });
});

describe('JobsModel', () => {
  it('lists jobs with their last runs', async () => {
    const api = new FakeJobsApi();
    const model = new JobsModel(api);
    let changes = 0;
    model.changed.connect(() => changes++);
    await model.load();
    expect(model.jobs.loaded).toBe(true);
    expect(model.job('daily')?.last_runs.map(r => r.state)).toEqual([
      'SUCCEEDED'
    ]);
    expect(changes).toBeGreaterThan(0);
  });

  it('runs a job now with the changed parameters and opens the new run', async () => {
    const api = new FakeJobsApi();
    const model = new JobsModel(api);
    await model.load();
    await model.openRunForm('daily');
    expect(model.form?.values).toEqual({
      rows: '10',
      region: 'eu',
      tables: "['a']"
    });
    model.setFormValue('rows', '21');
    const run = await model.submitRun();
    expect(run?.id).toBe(2);
    expect(api.calls).toContain('runJob daily {"rows":"21"}');
    expect(model.form).toBeNull();
    expect(model.run?.id).toBe(2);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.job('daily')?.last_runs.map(r => r.state)).toEqual([
      'STARTING',
      'SUCCEEDED'
    ]);
  });

  it('keeps the form open with the server message when a run is refused', async () => {
    const api = new FakeJobsApi();
    api.refuseRun = "invalid value for parameter 'rows': 'many' is not an int";
    const model = new JobsModel(api);
    await model.openRunForm('daily');
    model.setFormValue('rows', 'many');
    expect(await model.submitRun()).toBeNull();
    expect(model.form?.error).toBe(api.refuseRun);
    expect(model.form?.submitting).toBe(false);
    expect(model.form?.values.rows).toBe('many');
    expect(model.run).toBeNull();
  });

  it('follows a run live: the catalog change refreshes its state and log', async () => {
    const api = new FakeJobsApi();
    const model = new JobsModel(api);
    await model.load();
    await model.openRunForm('daily');
    const run = await model.submitRun();
    model.toggleLog();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.run?.log.data).toBe('log of 2 (STARTING)');
    api.advance(run!.id, 'SUCCEEDED');
    await model.refresh();
    expect(model.run?.run.data?.state).toBe('SUCCEEDED');
    expect(model.run?.log.data).toBe('log of 2 (SUCCEEDED)');
    expect(model.job('daily')?.last_runs[0].state).toBe('SUCCEEDED');
    expect(model.outputUrl(2)).toBe(
      '/base/glue-magics/api/job-runs/2/notebook'
    );
    model.closeRun();
    expect(model.run).toBeNull();
  });

  it('stops a run, pauses and resumes, one request per action at a time', async () => {
    const api = new FakeJobsApi();
    const model = new JobsModel(api);
    await model.load();
    await model.openRunForm('daily');
    const run = await model.submitRun();
    await Promise.all([model.stop(run!.id), model.stop(run!.id)]);
    expect(api.calls.filter(c => c.startsWith('stop'))).toEqual(['stop 2']);
    expect(model.run?.run.data?.state).toBe('STOPPED');
    await model.setPaused('daily', true);
    expect(model.job('daily')?.paused).toBe(true);
    await model.setPaused('daily', false);
    expect(model.job('daily')?.paused).toBe(false);
    expect(model.busy.size).toBe(0);
    expect(model.actionError).toBeNull();
  });

  it('shows what went wrong: an unknown job, a failed action', async () => {
    const api = new FakeJobsApi();
    const model = new JobsModel(api);
    await model.openRunForm('gone');
    expect(model.form?.detail.error).toBe("job 'gone' not found");
    api.stopRun = async () => {
      throw new ApiError('job run 1 has ended already (SUCCEEDED)', 400);
    };
    await model.stop(1);
    expect(model.actionError).toBe('job run 1 has ended already (SUCCEEDED)');
    model.openRun(99);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.run?.run.error).toBe('job run 99 not found');
  });
});
