import * as React from 'react';

import { JobsModel } from '../jobs';
import { CatalogModel, ViewId } from '../model';
import { IActions } from './actions';
import { Browse } from './Browse';
import { Message, useModel } from './common';
import { Jobs } from './Jobs';
import { Runs } from './Runs';

const VIEW_LABELS: Record<ViewId, string> = {
  browse: 'Tables',
  runs: 'Runs',
  jobs: 'Jobs'
};
import { TableView } from './TableView';

/** The panel's content: the connection state first, then tables or runs, or one table. */
export function CatalogView(props: {
  model: CatalogModel;
  jobs: JobsModel;
  actions: IActions;
}): JSX.Element {
  const { model, jobs, actions } = props;
  useModel(model);
  useModel(jobs);

  if (model.connection === 'missing') {
    return (
      <div className="jp-GlueCatalog">
        <Message
          tone="error"
          title="The glue_magics server extension is not running"
        >
          <p>
            The Data Catalog panel reads the catalog through the Jupyter server
            extension
            <code> glue_magics</code>, which this server has not loaded. It is
            enabled when the package is installed with pip; to turn it on by
            hand:
          </p>
          <pre className="jp-GlueCatalog-code">
            jupyter server extension enable glue_magics
          </pre>
          <p>then restart JupyterLab. The panel reconnects by itself.</p>
        </Message>
      </div>
    );
  }
  if (model.connection === 'error' || model.connection === 'connecting') {
    return (
      <div className="jp-GlueCatalog">
        {model.connection === 'error' ? (
          <Message tone="error" title="Cannot read the catalog">
            <p>{model.connectionError}</p>
            <button
              className="jp-Button jp-mod-styled jp-mod-reject"
              onClick={() => void model.start()}
            >
              Retry
            </button>
          </Message>
        ) : (
          <div className="jp-GlueCatalog-placeholder" />
        )}
      </div>
    );
  }
  return (
    <div className="jp-GlueCatalog">
      {model.connectionError && (
        <div
          className="jp-GlueCatalog-offline"
          role="status"
          title={model.connectionError}
        >
          Not updating: {model.connectionError}
        </div>
      )}
      {model.table ? (
        <TableView model={model} view={model.table} actions={actions} />
      ) : (
        <>
          <div
            className="jp-GlueCatalog-segmented jp-GlueCatalog-views"
            role="tablist"
          >
            {(['browse', 'runs', 'jobs'] as const).map(view => (
              <button
                key={view}
                role="tab"
                data-view={view}
                aria-selected={model.view === view}
                className={`jp-GlueCatalog-segment${model.view === view ? ' jp-mod-active' : ''}`}
                onClick={() => {
                  model.setView(view);
                  if (view === 'jobs' && !jobs.jobs.loaded) {
                    void jobs.load();
                  }
                }}
              >
                {VIEW_LABELS[view]}
              </button>
            ))}
          </div>
          {model.view === 'browse' ? (
            <Browse model={model} actions={actions} />
          ) : model.view === 'runs' ? (
            <Runs model={model} />
          ) : (
            <Jobs model={jobs} actions={actions} />
          )}
        </>
      )}
    </div>
  );
}
