import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Clipboard, ICommandPalette } from '@jupyterlab/apputils';
import { IStateDB } from '@jupyterlab/statedb';
import { INotebookTracker } from '@jupyterlab/notebook';
import { Menu } from '@lumino/widgets';
import {
  ReadonlyJSONObject,
  ReadonlyPartialJSONObject
} from '@lumino/coreutils';

import { CatalogApi, JobsApi } from './api';
import { IActions } from './components/actions';
import { JobsModel } from './jobs';
import { CatalogModel } from './model';
import { insertSnippet } from './notebook';
import { promoteNotebook } from './promote';
import { ISnippetTable, SNIPPET_LABELS, SnippetKind } from './snippets';
import { CatalogPanel, PANEL_ID } from './widget';

namespace CommandIDs {
  export const open = 'glue-magics:open';
  export const refresh = 'glue-magics:refresh';
  export const openTable = 'glue-magics:open-table';
  export const insert = 'glue-magics:insert-snippet';
  export const copyName = 'glue-magics:copy-name';
  export const promote = 'glue-magics:promote-notebook';
  export const showJobs = 'glue-magics:show-jobs';
}

const FIRST_RUN_KEY = 'glue-magics:shown';
const ROW_SELECTOR = '.jp-GlueCatalog-row.jp-mod-table, .jp-GlueCatalog-result';

function tableArgs(table: ISnippetTable): ReadonlyJSONObject {
  return {
    database: table.database,
    table: table.name,
    columns: table.columns ?? null,
    partitionKeys: table.partitionKeys ?? null
  };
}

/** The table a command is about: from its arguments, else the row under the context menu. */
function tableFrom(
  app: JupyterFrontEnd,
  args: ReadonlyPartialJSONObject
): ISnippetTable | null {
  if (typeof args.database === 'string' && typeof args.table === 'string') {
    return {
      database: args.database,
      name: args.table,
      columns: (args.columns as string[] | null) ?? undefined,
      partitionKeys: (args.partitionKeys as string[] | null) ?? undefined
    };
  }
  const node = app.contextMenuHitTest(
    n => !!n.dataset.table && !!n.dataset.database
  );
  if (node?.dataset.database && node.dataset.table) {
    return { database: node.dataset.database, name: node.dataset.table };
  }
  return null;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'glue-magics:plugin',
  description:
    'A Data Catalog side panel: browse, search and preview the glue_magics catalog.',
  autoStart: true,
  optional: [INotebookTracker, ILayoutRestorer, ICommandPalette, IStateDB],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    state: IStateDB | null
  ) => {
    const model = new CatalogModel(
      new CatalogApi(app.serviceManager.serverSettings)
    );
    const jobsApi = new JobsApi(app.serviceManager.serverSettings);
    const jobs = new JobsModel(jobsApi);
    const { commands } = app;

    const actions: IActions = {
      insert: (kind: SnippetKind, table?: ISnippetTable) =>
        void insertSnippet(app, tracker, kind, table),
      copy: (text: string) => Clipboard.copyToSystem(text),
      insertMenu: (table: ISnippetTable, x: number, y: number) => {
        const menu = new Menu({ commands });
        menu.addClass('jp-GlueCatalog-menu');
        for (const kind of ['dataframe', 'sql', 'etl'] as SnippetKind[]) {
          menu.addItem({
            command: CommandIDs.insert,
            args: { ...tableArgs(table), kind }
          });
        }
        menu.open(x, y);
      },
      // A browser tab of its own: the HTML is served sandboxed, away from JupyterLab's page.
      openOutput: (url: string) => void window.open(url, '_blank', 'noopener')
    };

    const panel = new CatalogPanel(model, jobs, actions);
    app.shell.add(panel, 'left', { rank: 300 });
    restorer?.add(panel, PANEL_ID);
    // Connect now, so the catalog is ready by the time the panel is first opened.
    void model.start();

    commands.addCommand(CommandIDs.open, {
      label: 'Show the Data Catalog',
      icon: panel.title.icon,
      execute: () => app.shell.activateById(PANEL_ID)
    });
    commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh the Data Catalog',
      execute: () => panel.refresh()
    });
    commands.addCommand(CommandIDs.openTable, {
      label: 'Show Table Details',
      execute: args => {
        const table = tableFrom(app, args);
        if (table) {
          app.shell.activateById(PANEL_ID);
          model.openTable(table.database, table.name);
        }
      }
    });
    commands.addCommand(CommandIDs.insert, {
      label: args =>
        `Insert ${SNIPPET_LABELS[(args.kind as SnippetKind) ?? 'dataframe']}`,
      caption: 'Insert a cell that reads this table into the current notebook',
      execute: args => {
        const table = tableFrom(app, args);
        const kind = (args.kind as SnippetKind) ?? 'dataframe';
        return insertSnippet(app, tracker, kind, table ?? undefined);
      }
    });
    commands.addCommand(CommandIDs.copyName, {
      label: 'Copy Table Name',
      execute: args => {
        const table = tableFrom(app, args);
        if (table) {
          Clipboard.copyToSystem(`${table.database}.${table.name}`);
        }
      }
    });

    commands.addCommand(CommandIDs.showJobs, {
      label: 'Show Jobs',
      caption: 'The scheduled jobs and their runs, in the Data Catalog panel',
      execute: () => {
        app.shell.activateById(PANEL_ID);
        model.setView('jobs');
        return jobs.load();
      }
    });
    commands.addCommand(CommandIDs.promote, {
      label: 'Promote Notebook to Job…',
      caption:
        'Store the saved notebook as a job that runs on a schedule or on demand (%promote)',
      isEnabled: () => !!tracker?.currentWidget,
      execute: async () => {
        const current = tracker?.currentWidget;
        if (!current) {
          return;
        }
        const job = await promoteNotebook(current, jobsApi);
        if (job) {
          await commands.execute(CommandIDs.showJobs);
        }
      }
    });
    app.contextMenu.addItem({
      command: CommandIDs.promote,
      selector: '.jp-Notebook',
      rank: 100
    });

    app.contextMenu.addItem({
      command: CommandIDs.openTable,
      selector: ROW_SELECTOR,
      rank: 1
    });
    for (const [rank, kind] of (
      ['dataframe', 'sql', 'etl'] as SnippetKind[]
    ).entries()) {
      app.contextMenu.addItem({
        command: CommandIDs.insert,
        args: { kind },
        selector: ROW_SELECTOR,
        rank: 2 + rank
      });
    }
    app.contextMenu.addItem({
      command: CommandIDs.copyName,
      selector: ROW_SELECTOR,
      rank: 9
    });
    palette?.addItem({ command: CommandIDs.open, category: 'Data Catalog' });
    palette?.addItem({ command: CommandIDs.refresh, category: 'Data Catalog' });
    palette?.addItem({
      command: CommandIDs.showJobs,
      category: 'Data Catalog'
    });
    palette?.addItem({
      command: CommandIDs.promote,
      category: 'Notebook Operations'
    });

    // Show the panel once, on the first start, so new users find it; afterwards JupyterLab's
    // layout restorer reopens whatever the user left open. Activating before the layout is
    // restored would be undone by the restorer, hence app.restored.
    void app.restored.then(async () => {
      if (!state) {
        return;
      }
      const shown = await state.fetch(FIRST_RUN_KEY);
      if (!shown) {
        app.shell.activateById(PANEL_ID);
        await state.save(FIRST_RUN_KEY, true);
      }
    });
  }
};

export default plugin;
