import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { IPromoteValues, promoteOptions, suggestJobName } from './jobs';
import { IJobsApi, IJobSummary } from './tokens';

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The promote dialog's body: name, schedule, time zone and description, as `%promote` has. */
class PromoteForm extends Widget implements Dialog.IBodyWidget<IPromoteValues> {
  constructor(values: IPromoteValues, error: string | null) {
    super({ node: document.createElement('form') });
    this.addClass('jp-GlueCatalog-promoteForm');
    const rows: [keyof IPromoteValues, string, string][] = [
      ['name', 'Job name', 'letters, digits, _ - .'],
      [
        'schedule',
        'Schedule',
        'empty: on demand; cron(0 6 ? * MON-FRI *), 0 6 * * 1-5, @daily'
      ],
      ['timezone', 'Time zone', 'IANA name, e.g. Europe/Paris'],
      ['description', 'Description', 'optional']
    ];
    for (const [key, label, hint] of rows) {
      const row = document.createElement('label');
      row.className = 'jp-GlueCatalog-promoteRow';
      const title = document.createElement('span');
      title.textContent = label;
      const input = document.createElement('input');
      input.className = 'jp-mod-styled';
      input.name = key;
      input.value = values[key];
      input.placeholder = hint;
      this.inputs[key] = input;
      row.append(title, input);
      this.node.appendChild(row);
    }
    const note = document.createElement('p');
    note.className = 'jp-GlueCatalog-dim';
    note.textContent =
      'The saved notebook becomes the next version of the job, with these settings; ' +
      'tag a cell "parameters" to give its runs parameters.';
    this.node.appendChild(note);
    if (error) {
      const alert = document.createElement('div');
      alert.className = 'jp-GlueCatalog-errorText';
      alert.setAttribute('role', 'alert');
      alert.textContent = error;
      this.node.appendChild(alert);
    }
  }

  getValue(): IPromoteValues {
    return {
      name: this.inputs.name.value.trim(),
      schedule: this.inputs.schedule.value.trim(),
      timezone: this.inputs.timezone.value.trim() || 'UTC',
      description: this.inputs.description.value.trim()
    };
  }

  protected onAfterAttach(): void {
    this.inputs.name.focus();
    this.inputs.name.select();
  }

  private inputs = {} as Record<keyof IPromoteValues, HTMLInputElement>;
}

/**
 * Save the notebook, ask for the job's name and schedule, and promote it. A refused promotion
 * (a bad name or schedule) shows the dialog again with the server's message.
 */
export async function promoteNotebook(
  panel: NotebookPanel,
  api: IJobsApi
): Promise<IJobSummary | null> {
  const path = panel.context.path;
  let values: IPromoteValues = {
    name: suggestJobName(path),
    schedule: '',
    timezone: localZone(),
    description: ''
  };
  let error: string | null = null;
  for (;;) {
    const result = await showDialog({
      title: `Promote ${path.split('/').pop()} to a job`,
      body: new PromoteForm(values, error),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Promote' })],
      focusNodeSelector: 'input'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    values = result.value;
    try {
      if (panel.context.model.dirty) {
        await panel.context.save();
      }
      const job = await api.promote(promoteOptions(path, values));
      Notification.success(
        `Promoted ${path} as job ${job.name}, version ${job.version}` +
          (job.schedule_words ? `: ${job.schedule_words}` : ''),
        { autoClose: 5000 }
      );
      return job;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
  }
}
