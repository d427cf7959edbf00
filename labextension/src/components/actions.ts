import { SnippetKind, ISnippetTable } from '../snippets';

/** What the panel asks of JupyterLab: notebooks and the clipboard live outside the model. */
export interface IActions {
  insert(kind: SnippetKind, table?: ISnippetTable): void;
  copy(text: string): void;
  /** Open the menu of snippets for `table` at the mouse position. */
  insertMenu(table: ISnippetTable, x: number, y: number): void;
  /** Show a job run's executed notebook (served as HTML at `url`). */
  openOutput(url: string): void;
}
