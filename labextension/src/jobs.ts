import { ISignal, Signal } from '@lumino/signaling';

import {
  IJobDetail,
  IJobParameter,
  IJobRun,
  IJobsApi,
  IJobSummary,
  IPromoteOptions,
  JobRunState
} from './tokens';

/** Glue's job run states, in the order a run goes through them. */
export const JOB_RUN_STATES: JobRunState[] = [
  'WAITING',
  'STARTING',
  'RUNNING',
  'STOPPING',
  'SUCCEEDED',
  'FAILED',
  'TIMEOUT',
  'STOPPED',
  'ERROR'
];
const ACTIVE = new Set<string>(['WAITING', 'STARTING', 'RUNNING', 'STOPPING']);

/** Whether a run has not ended yet (it can be stopped; its log still grows). */
export function isActive(state: string): boolean {
  return ACTIVE.has(state);
}

/** The form's first values: each parameter's default, as text. */
export function formValues(
  parameters: IJobParameter[]
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of parameters) {
    values[p.name] = p.text;
  }
  return values;
}

/**
 * The run's arguments: only the values the user changed (the server keeps the defaults for
 * the rest), as text the server converts to each parameter's type.
 */
export function changedParams(
  parameters: IJobParameter[],
  values: Record<string, string>
): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const p of parameters) {
    const value = values[p.name];
    if (value !== undefined && value !== p.text) {
      changed[p.name] = value;
    }
  }
  return changed;
}

/** A job name suggested for a notebook: its file name, in the characters a name may use. */
export function suggestJobName(path: string): string {
  const file = path.split('/').pop() ?? '';
  const stem = file.replace(/\.ipynb$/i, '');
  const name = stem.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[.-]+/, '');
  return name.slice(0, 255) || 'job';
}

/** "in 5 min", "in 3 h", "in 2 days", then the date; "" for none. */
export function formatUntil(
  iso: string | null | undefined,
  now: number = Date.now()
): string {
  if (!iso) {
    return '';
  }
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return iso;
  }
  const seconds = (then - now) / 1000;
  if (seconds < 60) {
    return 'in less than a minute';
  }
  if (seconds < 3600) {
    return `in ${Math.round(seconds / 60)} min`;
  }
  if (seconds < 86400) {
    return `in ${Math.round(seconds / 3600)} h`;
  }
  if (seconds < 86400 * 14) {
    return `in ${Math.round(seconds / 86400)} days`;
  }
  return new Date(then).toISOString().slice(0, 10);
}

/** What the promote dialog asks for. */
export interface IPromoteValues {
  name: string;
  schedule: string;
  timezone: string;
  description: string;
}

/** The promote route's body for the dialog's values. */
export function promoteOptions(
  notebook: string,
  values: IPromoteValues
): IPromoteOptions {
  return {
    notebook,
    name: values.name,
    schedule: values.schedule || null,
    timezone: values.timezone,
    description: values.description || null
  };
}

interface ISlot<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
}

export interface IRunForm {
  job: string;
  detail: ISlot<IJobDetail>;
  values: Record<string, string>;
  submitting: boolean;
  error: string | null;
}

export interface IRunView {
  id: number;
  run: ISlot<IJobRun>;
  log: ISlot<string> & { shown: boolean };
}

function slot<T>(): ISlot<T> {
  return { data: null, loading: false, error: null };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The Jobs view's state: the jobs with their last runs, the open "Run now" form, the open run
 * (with its log) and the actions in flight. Every change emits `changed`.
 */
export class JobsModel {
  constructor(private readonly api: IJobsApi) {}

  jobs: ISlot<IJobSummary[]> & { loaded: boolean } = {
    ...slot<IJobSummary[]>(),
    loaded: false
  };
  form: IRunForm | null = null;
  run: IRunView | null = null;
  /** Actions waiting for the server, e.g. `pause:daily` or `stop:42`. */
  readonly busy = new Set<string>();
  actionError: string | null = null;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  dispose(): void {
    this._disposed = true;
    Signal.clearData(this);
  }

  job(name: string): IJobSummary | undefined {
    return this.jobs.data?.find(j => j.name === name);
  }

  async load(): Promise<void> {
    this.jobs.loading = true;
    this.emit();
    try {
      this.jobs.data = await this.api.jobs();
      this.jobs.error = null;
    } catch (error) {
      this.jobs.error = message(error);
    }
    this.jobs.loading = false;
    this.jobs.loaded = true;
    this.emit();
  }

  /** The catalog changed: reload what is shown (the list, the open run and its log). */
  async refresh(): Promise<void> {
    const work: Promise<unknown>[] = [];
    if (this.jobs.loaded) {
      work.push(this.load());
    }
    if (this.run) {
      work.push(this.loadRun(this.run));
    }
    await Promise.all(work);
  }

  // -- run now

  async openRunForm(name: string): Promise<void> {
    const form: IRunForm = {
      job: name,
      detail: { ...slot<IJobDetail>(), loading: true },
      values: {},
      submitting: false,
      error: null
    };
    this.form = form;
    this.emit();
    try {
      const detail = await this.api.job(name);
      form.detail.data = detail;
      form.values = formValues(detail.parameters);
    } catch (error) {
      form.detail.error = message(error);
    }
    form.detail.loading = false;
    this.emit();
  }

  setFormValue(name: string, value: string): void {
    if (this.form) {
      this.form.values = { ...this.form.values, [name]: value };
      this.emit();
    }
  }

  closeForm(): void {
    this.form = null;
    this.emit();
  }

  /** Start a run with the form's values; the form closes and the new run opens. */
  async submitRun(): Promise<IJobRun | null> {
    const form = this.form;
    if (!form || form.submitting) {
      return null;
    }
    const parameters = form.detail.data?.parameters ?? [];
    form.submitting = true;
    form.error = null;
    this.emit();
    try {
      const run = await this.api.runJob(
        form.job,
        changedParams(parameters, form.values)
      );
      if (this.form === form) {
        this.form = null;
      }
      this.openRun(run.id, run);
      void this.load();
      return run;
    } catch (error) {
      form.error = message(error);
      form.submitting = false;
      this.emit();
      return null;
    }
  }

  // -- actions

  async stop(runId: number): Promise<void> {
    await this.act(`stop:${runId}`, () => this.api.stopRun(runId));
  }

  async setPaused(name: string, paused: boolean): Promise<void> {
    await this.act(`pause:${name}`, () => this.api.setPaused(name, paused));
  }

  private async act(
    key: string,
    action: () => Promise<unknown>
  ): Promise<void> {
    if (this.busy.has(key)) {
      return;
    }
    this.busy.add(key);
    this.actionError = null;
    this.emit();
    try {
      await action();
    } catch (error) {
      this.actionError = message(error);
    }
    this.busy.delete(key);
    this.emit();
    await this.refresh();
  }

  // -- one run

  openRun(id: number, known?: IJobRun): void {
    const view: IRunView = {
      id,
      run: { ...slot<IJobRun>(), data: known ?? null },
      log: { ...slot<string>(), shown: false }
    };
    this.run = view;
    this.emit();
    void this.loadRun(view);
  }

  closeRun(): void {
    this.run = null;
    this.emit();
  }

  toggleLog(): void {
    const view = this.run;
    if (!view) {
      return;
    }
    view.log.shown = !view.log.shown;
    this.emit();
    if (view.log.shown) {
      void this.loadLog(view);
    }
  }

  private async loadRun(view: IRunView): Promise<void> {
    view.run.loading = true;
    this.emit();
    try {
      const data = await this.api.jobRun(view.id);
      if (this.run === view) {
        view.run.data = data;
        view.run.error = null;
      }
    } catch (error) {
      view.run.error = message(error);
    }
    view.run.loading = false;
    this.emit();
    if (this.run === view && view.log.shown) {
      await this.loadLog(view);
    }
  }

  private async loadLog(view: IRunView): Promise<void> {
    view.log.loading = true;
    this.emit();
    try {
      const text = await this.api.jobRunLog(view.id);
      if (this.run === view) {
        view.log.data = text;
        view.log.error = null;
      }
    } catch (error) {
      view.log.error = message(error);
    }
    view.log.loading = false;
    this.emit();
  }

  outputUrl(runId: number): string {
    return this.api.outputUrl(runId);
  }

  private emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _disposed = false;
}
