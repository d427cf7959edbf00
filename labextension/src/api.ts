import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  ApiError,
  ICatalogApi,
  IChanges,
  IJobDetail,
  IJobRun,
  IJobRunBrief,
  IJobsApi,
  IJobSummary,
  IPromoteOptions,
  IDatabase,
  IDQResult,
  ILineage,
  IPage,
  IPartition,
  IPreview,
  IRun,
  IStatistic,
  IStatus,
  ITableDetail,
  ITableSummary,
  IVersion,
  IVersionDiff
} from './tokens';

type Params = Record<string, string | number | null | undefined>;

/** The URL of a route under /glue-magics/api/. */
export function apiUrl(
  path: string[],
  params: Params,
  settings: ServerConnection.ISettings
): string {
  const query = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(
      ([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`
    )
    .join('&');
  return (
    URLExt.join(
      settings.baseUrl,
      'glue-magics',
      'api',
      ...path.map(p => encodeURIComponent(p))
    ) + (query ? `?${query}` : '')
  );
}

/**
 * GET a route under /glue-magics/api/ and decode its JSON.
 *
 * Errors become ApiError with the server's one-line message. A 404 that is not JSON means the
 * route space itself is unknown: the server extension is not loaded.
 */
export async function requestAPI<T>(
  path: string[],
  params: Params,
  settings: ServerConnection.ISettings,
  init: RequestInit = {},
  asText = false
): Promise<T> {
  const url = apiUrl(path, params, settings);
  let response: Response;
  try {
    // makeRequest adds the token, or the XSRF header a cookie-authenticated POST needs.
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ApiError(
      `cannot reach the Jupyter server: ${(error as Error).message}`,
      0
    );
  }
  const text = await response.text();
  if (asText && response.ok) {
    return text as T;
  }
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // Jupyter's own HTML error pages
  }
  if (!response.ok) {
    const message =
      data && typeof (data as { message?: unknown }).message === 'string'
        ? (data as { message: string }).message
        : `${response.status} ${response.statusText}`;
    throw new ApiError(
      message,
      response.status,
      response.status === 404 && data === undefined
    );
  }
  return data as T;
}

/**
 * The REST client the panel uses.
 */
export class CatalogApi implements ICatalogApi {
  constructor(private readonly settings: ServerConnection.ISettings) {}

  private get<T>(path: string[], params: Params = {}): Promise<T> {
    return requestAPI<T>(path, params, this.settings);
  }

  status(): Promise<IStatus> {
    return this.get(['status']);
  }

  changes(since: number | null): Promise<IChanges> {
    return this.get(['changes'], { since });
  }

  async databases(): Promise<IDatabase[]> {
    return (await this.get<{ databases: IDatabase[] }>(['databases']))
      .databases;
  }

  async tables(
    database: string,
    options: { limit: number; nextToken?: string | null; pattern?: string }
  ): Promise<IPage<ITableSummary> & { total: number }> {
    const data = await this.get<{
      tables: ITableSummary[];
      next_token: string | null;
      total: number;
    }>(['databases', database, 'tables'], {
      limit: options.limit,
      next_token: options.nextToken,
      pattern: options.pattern
    });
    return {
      items: data.tables,
      nextToken: data.next_token,
      total: data.total
    };
  }

  table(database: string, table: string): Promise<ITableDetail> {
    return this.get(['databases', database, 'tables', table]);
  }

  async partitions(
    database: string,
    table: string,
    options: { limit: number; nextToken?: string | null; expression?: string }
  ): Promise<IPage<IPartition>> {
    const data = await this.get<{
      partitions: IPartition[];
      next_token: string | null;
    }>(['databases', database, 'tables', table, 'partitions'], {
      limit: options.limit,
      next_token: options.nextToken,
      expression: options.expression
    });
    return { items: data.partitions, nextToken: data.next_token };
  }

  async versions(database: string, table: string): Promise<IPage<IVersion>> {
    const data = await this.get<{
      versions: IVersion[];
      next_token: string | null;
    }>(['databases', database, 'tables', table, 'versions'], { limit: 500 });
    return { items: data.versions, nextToken: data.next_token };
  }

  diff(
    database: string,
    table: string,
    oldVersion: number,
    newVersion: number
  ): Promise<IVersionDiff> {
    return this.get([
      'databases',
      database,
      'tables',
      table,
      'versions',
      String(oldVersion),
      'diff',
      String(newVersion)
    ]);
  }

  async statistics(database: string, table: string): Promise<IStatistic[]> {
    const data = await this.get<{ statistics: IStatistic[] }>([
      'databases',
      database,
      'tables',
      table,
      'statistics'
    ]);
    return data.statistics;
  }

  lineage(database: string, table: string): Promise<ILineage> {
    return this.get(['databases', database, 'tables', table, 'lineage']);
  }

  preview(
    database: string,
    table: string,
    options: { limit: number; expression?: string }
  ): Promise<IPreview> {
    return this.get(['databases', database, 'tables', table, 'preview'], {
      limit: options.limit,
      expression: options.expression
    });
  }

  async search(
    query: string,
    options: { limit: number; nextToken?: string | null }
  ): Promise<IPage<ITableSummary>> {
    const data = await this.get<{
      tables: ITableSummary[];
      next_token: string | null;
    }>(['search'], {
      q: query,
      limit: options.limit,
      next_token: options.nextToken
    });
    return { items: data.tables, nextToken: data.next_token };
  }

  async runs(options: {
    kind?: string;
    table?: string;
    limit: number;
    nextToken?: string | null;
  }): Promise<IPage<IRun | IDQResult>> {
    const data = await this.get<{
      runs: (IRun | IDQResult)[];
      next_token: string | null;
    }>(['runs'], {
      kind: options.kind,
      table: options.table,
      limit: options.limit,
      next_token: options.nextToken
    });
    return { items: data.runs, nextToken: data.next_token };
  }
}

/**
 * The REST client of the Jobs view.
 */
export class JobsApi implements IJobsApi {
  constructor(private readonly settings: ServerConnection.ISettings) {}

  private get<T>(path: string[], asText = false): Promise<T> {
    return requestAPI<T>(path, {}, this.settings, {}, asText);
  }

  private post<T>(path: string[], body: unknown = {}): Promise<T> {
    return requestAPI<T>(path, {}, this.settings, {
      method: 'POST',
      body: JSON.stringify(body)
    });
  }

  async jobs(): Promise<IJobSummary[]> {
    return (await this.get<{ jobs: IJobSummary[] }>(['jobs'])).jobs;
  }

  job(name: string): Promise<IJobDetail> {
    return this.get(['jobs', name]);
  }

  jobRun(id: number): Promise<IJobRun> {
    return this.get(['job-runs', String(id)]);
  }

  jobRunLog(id: number): Promise<string> {
    return this.get(['job-runs', String(id), 'log'], true);
  }

  promote(options: IPromoteOptions): Promise<IJobSummary> {
    return this.post(['jobs'], options);
  }

  runJob(name: string, params: Record<string, string>): Promise<IJobRun> {
    return this.post(['jobs', name, 'runs'], { params });
  }

  stopRun(id: number): Promise<IJobRunBrief> {
    return this.post(['job-runs', String(id), 'stop']);
  }

  setPaused(name: string, paused: boolean): Promise<IJobSummary> {
    return this.post(['jobs', name, paused ? 'pause' : 'resume']);
  }

  outputUrl(id: number): string {
    return apiUrl(['job-runs', String(id), 'notebook'], {}, this.settings);
  }
}
