import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  INotebookTracker,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';

import { cellsToInsert, ISnippetTable, SnippetKind } from './snippets';

/**
 * Insert a snippet into the current notebook (a new one when none is open), below the active
 * cell, or into it when it is an empty code cell. The cells are not run: the user decides.
 */
export async function insertSnippet(
  app: JupyterFrontEnd,
  tracker: INotebookTracker | null,
  kind: SnippetKind,
  table?: ISnippetTable
): Promise<NotebookPanel | null> {
  let panel = tracker?.currentWidget ?? null;
  if (!panel) {
    panel = (await app.commands.execute('notebook:create-new', {
      kernelName: 'python3'
    })) as NotebookPanel | null;
    if (!panel) {
      return null;
    }
    await panel.context.ready;
  }
  const notebook = panel.content;
  const model = notebook.model;
  if (!model) {
    return null;
  }
  const sources = model.sharedModel.cells.map(cell => cell.getSource());
  for (const code of cellsToInsert(kind, table, sources)) {
    const active = notebook.activeCell;
    const reuse =
      active !== null &&
      active.model.type === 'code' &&
      active.model.sharedModel.getSource().trim() === '';
    if (!reuse) {
      NotebookActions.insertBelow(notebook);
      if (notebook.activeCell?.model.type !== 'code') {
        NotebookActions.changeCellType(notebook, 'code');
      }
    }
    notebook.activeCell?.model.sharedModel.setSource(code);
  }
  app.shell.activateById(panel.id);
  notebook.mode = 'command';
  notebook.activate();
  return panel;
}
