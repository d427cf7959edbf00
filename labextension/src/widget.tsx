import {
  collapseAllIcon,
  ReactWidget,
  refreshIcon,
  SidePanel,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { Poll } from '@lumino/polling';
import { Panel, Widget } from '@lumino/widgets';
import * as React from 'react';

import { IActions } from './components/actions';
import { CatalogView } from './components/CatalogView';
import { databaseIcon } from './icons';
import { JobsModel } from './jobs';
import { CatalogModel } from './model';

export const PANEL_ID = 'glue-magics-catalog';
/** How often the panel asks whether the catalog changed while it is visible. */
export const POLL_INTERVAL = 2000;

/**
 * The left-side "Data Catalog" panel: a JupyterLab SidePanel (header, toolbar) whose content is
 * the React view of the model. While it is visible it polls the catalog's change feed, so a
 * kernel that crawls or writes shows up within seconds; hidden, it does not poll at all.
 */
export class CatalogPanel extends SidePanel {
  constructor(
    readonly model: CatalogModel,
    readonly jobs: JobsModel,
    actions: IActions
  ) {
    super({ content: new Panel() });
    this.id = PANEL_ID;
    this.addClass('jp-GlueCatalog-panel');
    this.title.icon = databaseIcon;
    this.title.caption = 'Data Catalog';

    const heading = document.createElement('h2');
    heading.textContent = 'Data Catalog';
    heading.className = 'jp-text-truncated';
    this.header.addWidget(new Widget({ node: heading }));

    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Refresh the catalog',
        onClick: () => void this.refresh()
      })
    );
    this.toolbar.addItem(
      'collapse',
      new ToolbarButton({
        icon: collapseAllIcon,
        tooltip: 'Collapse all databases',
        onClick: () => model.collapseAll()
      })
    );
    const view = ReactWidget.create(
      <CatalogView model={model} jobs={jobs} actions={actions} />
    );
    view.addClass('jp-GlueCatalog-content');
    this.addWidget(view);

    // Job runs move the catalog's change counter too: the Jobs view follows the same feed.
    model.catalogChanged.connect(() => void jobs.refresh());
    this._poll = new Poll({
      factory: () => model.checkChanges(),
      frequency: { interval: POLL_INTERVAL, backoff: true, max: 30 * 1000 },
      name: 'glue-magics:changes',
      standby: () => (this.isVisible ? 'when-hidden' : true)
    });
  }

  async refresh(): Promise<void> {
    if (this.model.connection === 'ready') {
      await Promise.all([this.model.refresh(), this.jobs.refresh()]);
    } else {
      await this.model.start();
    }
  }

  protected onAfterShow(msg: Parameters<Widget['onAfterShow']>[0]): void {
    super.onAfterShow(msg);
    // Catch up at once with what changed while the panel was hidden.
    void this._poll.refresh();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    this.model.dispose();
    this.jobs.dispose();
    super.dispose();
  }

  private _poll: Poll;
}
