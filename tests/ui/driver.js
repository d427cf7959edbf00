/*
 * Drives JupyterLab in Debian's headless Chromium through playwright-core (no browser download).
 *
 *   node driver.js SCENARIO CONFIG_JSON
 *
 * Scenarios: "e2e" (the user's path through the Data Catalog panel), "jobs" (promote a notebook,
 * run it from the panel, its log and output), "missing" (a server without the glue_magics server
 * extension) and "bench" (panel timings on a big catalog).
 * Prints one JSON object per line: {"event": "step"|"wait"|"timing"|"done"|"error", ...}; after a
 * "wait" event it reads one line from stdin before going on (the test changes the catalog then).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

const [scenario, configText] = process.argv.slice(2);
const config = JSON.parse(configText);
const { chromium } = require(config.playwright);

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage'
];
const PANEL = '#glue-magics-catalog';
const TAB = '.jp-SideBar .lm-TabBar-tab[data-id="glue-magics-catalog"]';
const SLOW = 60000;

const stdin = readline.createInterface({ input: process.stdin });
const lines = [];
let waiting = null;
stdin.on('line', line => {
  if (waiting) {
    const resolve = waiting;
    waiting = null;
    resolve(line);
  } else {
    lines.push(line);
  }
});

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

/** Tell the test what we wait for; go on when it answers. */
function waitFor(what) {
  emit({ event: 'wait', what });
  if (lines.length) {
    return Promise.resolve(lines.shift());
  }
  return new Promise(resolve => {
    waiting = resolve;
  });
}

async function shot(page, name, target) {
  const file = path.join(config.artifacts, `${name}.png`);
  if (target === 'page') {
    await page.screenshot({ path: file });
  } else {
    await page.locator(target || PANEL).screenshot({ path: file });
  }
  emit({ event: 'step', step: name, screenshot: file });
}

async function openLab(browser, notebook) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', error => emit({ event: 'console', text: String(error) }));
  const target = notebook ? `lab/tree/${notebook}` : 'lab';
  const started = Date.now();
  await page.goto(`${config.url}${target}?token=${config.token}`, { timeout: SLOW });
  await page.waitForFunction(() => window.jupyterapp && window.jupyterapp.shell, null, {
    timeout: SLOW
  });
  await page.evaluate(() => window.jupyterapp.restored);
  emit({ event: 'timing', name: 'lab_restored_ms', value: Date.now() - started });
  return page;
}

async function showPanel(page) {
  if (!(await page.locator(PANEL).isVisible())) {
    await page.click(TAB);
  }
  await page.locator(PANEL).waitFor({ state: 'visible', timeout: SLOW });
}

async function runCommand(page, id, args) {
  await page.evaluate(([id, args]) => window.jupyterapp.commands.execute(id, args || {}), [
    id,
    args
  ]);
}

async function cellSources(page) {
  return page.evaluate(() =>
    window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells.map(c =>
      c.getSource()
    )
  );
}

/** Append a code cell with `code` to the current notebook and run it. */
async function runNewCell(page, code) {
  await page.evaluate(code => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    const shared = notebook.model.sharedModel;
    shared.insertCell(shared.cells.length, { cell_type: 'code', source: code });
    notebook.activeCellIndex = shared.cells.length - 1;
  }, code);
  await runCommand(page, 'notebook:run-cell');
}

async function outputText(page, index) {
  return page.evaluate(index => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
    return cell && cell.outputArea ? cell.outputArea.node.innerText : '';
  }, index);
}

async function waitForOutput(page, index, pattern, timeout) {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = await outputText(page, index);
    if (pattern.test(text)) {
      return text;
    }
    if (/Error|Traceback/.test(text)) {
      throw new Error(`cell ${index} failed: ${text.slice(0, 2000)}`);
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`cell ${index} did not show ${pattern} in ${timeout} ms: ${text.slice(0, 2000)}`);
}

// -- scenarios

async function e2e(browser) {
  const page = await openLab(browser, config.notebook);
  await page.locator('.jp-Notebook').waitFor({ timeout: SLOW });
  await showPanel(page);
  const panel = page.locator(PANEL);

  // 1. A fresh, empty catalog: the panel explains how to fill it.
  await panel.locator('.jp-GlueCatalog-empty').waitFor({ timeout: SLOW });
  await shot(page, '01-empty-catalog');

  // 2. Something crawls (the test, in another process): the panel shows it by itself.
  const crawled = Date.now();
  await waitFor('crawl');
  await panel.locator('.jp-GlueCatalog-row.jp-mod-database[data-database="raw"]').waitFor({
    timeout: SLOW
  });
  emit({ event: 'timing', name: 'live_refresh_ms', value: Date.now() - crawled });
  await panel.locator('.jp-GlueCatalog-row.jp-mod-database[data-database="raw"]').click();
  await panel.locator('.jp-GlueCatalog-row.jp-mod-table[data-table="orders"]').waitFor();
  await panel
    .locator('.jp-GlueCatalog-row.jp-mod-table[data-table="orders"] .jp-GlueCatalog-caret')
    .click();
  await panel.locator('.jp-GlueCatalog-row.jp-mod-column').first().waitFor();
  await shot(page, '02-tree');

  // 3. Search.
  const searchBox = panel.locator('.jp-GlueCatalog-search input');
  await searchBox.fill('customer');
  await panel.locator('.jp-GlueCatalog-result[data-table="orders"]').waitFor({ timeout: SLOW });
  await shot(page, '03-search');

  // 4. Open the table: schema, partitions, preview, versions, lineage.
  await panel.locator('.jp-GlueCatalog-result[data-table="orders"]').click();
  await panel.locator('.jp-GlueCatalog-table[data-table="raw.orders"]').waitFor();
  await panel.locator('.jp-GlueCatalog-schema tbody tr').first().waitFor({ timeout: SLOW });
  await panel.locator('.jp-GlueCatalog-badges .jp-GlueCatalog-badge').first().waitFor();
  await shot(page, '04-schema');

  await panel.locator('.jp-GlueCatalog-tab[data-tab="partitions"]').click();
  await panel.locator('.jp-GlueCatalog-partition').first().waitFor({ timeout: SLOW });
  await panel.locator('.jp-GlueCatalog-filter input').fill("dt >= '2024-01-02'");
  await panel.locator('.jp-GlueCatalog-filter input').press('Enter');
  await page.waitForFunction(
    () => document.querySelectorAll('#glue-magics-catalog .jp-GlueCatalog-partition').length === 2,
    null,
    { timeout: SLOW }
  );
  await shot(page, '05-partitions');

  await panel.locator('.jp-GlueCatalog-tab[data-tab="preview"]').click();
  await panel.locator('.jp-GlueCatalog-preview tbody tr').first().waitFor({ timeout: SLOW });
  const previewRows = await panel.locator('.jp-GlueCatalog-preview tbody tr').count();
  const firstRow = await panel.locator('.jp-GlueCatalog-preview tbody tr').first().innerText();
  emit({ event: 'preview', rows: previewRows, first: firstRow });
  await shot(page, '06-preview');

  await panel.locator('.jp-GlueCatalog-tab[data-tab="lineage"]').click();
  await panel.locator('.jp-GlueCatalog-edges li').first().waitFor({ timeout: SLOW });
  await shot(page, '07-lineage');

  // The downstream table, through its lineage link, has versions to compare.
  await panel.locator('.jp-GlueCatalog-edges a', { hasText: 'sales.report' }).click();
  await panel.locator('.jp-GlueCatalog-table[data-table="sales.report"]').waitFor();
  await panel.locator('.jp-GlueCatalog-tab[data-tab="versions"]').click();
  await panel.locator('.jp-GlueCatalog-diffLines li').first().waitFor({ timeout: SLOW });
  await shot(page, '08-versions');
  await panel.locator('.jp-GlueCatalog-tableHeader .jp-ToolbarButtonComponent').first().click();

  // 5. Insert a %%sql cell through the Insert menu and run the notebook.
  await searchBox.fill('orders');
  await panel.locator('.jp-GlueCatalog-result[data-table="orders"]').click();
  await panel.locator('.jp-GlueCatalog-schema tbody tr').first().waitFor({ timeout: SLOW });
  await panel.locator('.jp-GlueCatalog-insert').click();
  const menu = page.locator('.lm-Menu.jp-GlueCatalog-menu');
  await menu.waitFor();
  await shot(page, '09-insert-menu', 'page');
  await menu.locator('.lm-Menu-item', { hasText: '%%sql' }).click();
  await page.waitForFunction(
    () => {
      const widget = window.jupyterapp.shell.currentWidget;
      return widget && widget.content && widget.content.model.sharedModel.cells.length >= 2;
    },
    null,
    { timeout: SLOW }
  );
  const sources = await cellSources(page);
  emit({ event: 'cells', sources });
  await runCommand(page, 'notebook:run-all-cells');
  const sqlIndex = sources.findIndex(s => s.startsWith('%%sql'));
  const sqlOutput = await waitForOutput(page, sqlIndex, /2024-01-0\d/, 300000);
  emit({ event: 'sql_output', text: sqlOutput.slice(0, 1000) });
  await shot(page, '10-notebook-sql', 'page');

  // 6. A kernel crawls more data: the tree shows the new table without a click.
  await panel.locator('.jp-GlueCatalog-tableHeader .jp-ToolbarButtonComponent').first().click();
  await searchBox.fill('');
  const before = Date.now();
  const crawlIndex = (await cellSources(page)).length;
  await runNewCell(page, `%crawl ${config.moreData} --database raw --name more`);
  await waitForOutput(page, crawlIndex, /customers/, 120000);
  await panel.locator('.jp-GlueCatalog-row.jp-mod-table[data-table="customers"]').waitFor({
    timeout: SLOW
  });
  emit({ event: 'timing', name: 'kernel_crawl_to_panel_ms', value: Date.now() - before });
  await shot(page, '11-live-refresh', 'page');

  // The runs: two crawls (the test's and the kernel's) and the ETL run that wrote sales.report.
  await panel.locator('.jp-GlueCatalog-views .jp-GlueCatalog-segment', { hasText: 'Runs' }).click();
  await page.waitForFunction(
    () => document.querySelectorAll('#glue-magics-catalog .jp-GlueCatalog-run').length >= 3,
    null,
    { timeout: SLOW }
  );
  await shot(page, '11-runs');
  await panel.locator('.jp-GlueCatalog-views .jp-GlueCatalog-segment', { hasText: 'Tables' }).click();

  // 7. The dark theme.
  await runCommand(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
  await page.waitForFunction(() => document.body.dataset.jpThemeLight === 'false', null, {
    timeout: SLOW
  });
  await page.waitForTimeout(500);
  await shot(page, '12-dark-tree');
  await panel.locator('.jp-GlueCatalog-row.jp-mod-table[data-table="orders"]').click();
  await panel.locator('.jp-GlueCatalog-tab[data-tab="preview"]').click();
  await panel.locator('.jp-GlueCatalog-preview tbody tr').first().waitFor({ timeout: SLOW });
  await shot(page, '13-dark-preview');
  await runCommand(page, 'apputils:change-theme', { theme: 'JupyterLab Light' });
  await runCommand(page, 'docmanager:save');
}

/** Jobs: promote the open notebook, run it from the panel with a parameter, see it succeed,
 * read its log and open its executed notebook. */
async function jobs(browser) {
  const page = await openLab(browser, config.notebook);
  await page.locator('.jp-Notebook').waitFor({ timeout: SLOW });
  await showPanel(page);
  const panel = page.locator(PANEL);
  await panel.locator('.jp-GlueCatalog-views [data-view="jobs"]').click();
  await panel.locator('.jp-GlueCatalog-jobs .jp-GlueCatalog-message').waitFor({ timeout: SLOW });
  await shot(page, '30-jobs-empty');

  // Promote the notebook from the command (as the notebook's context menu does).
  await page.evaluate(() => {
    void window.jupyterapp.commands.execute('glue-magics:promote-notebook');
  });
  const dialog = page.locator('.jp-Dialog .jp-GlueCatalog-promoteForm');
  await dialog.waitFor({ timeout: SLOW });
  await dialog.locator('input[name="name"]').fill(config.job);
  await dialog.locator('input[name="schedule"]').fill('cron(0 6 ? * MON-FRI *)');
  await dialog.locator('input[name="timezone"]').fill('Europe/Paris');
  await shot(page, '31-promote-dialog', 'page');
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
  const row = panel.locator(`.jp-GlueCatalog-job[data-job="${config.job}"]`);
  await row.waitFor({ timeout: SLOW });
  const schedule = await row.locator('.jp-GlueCatalog-schedule').innerText();
  emit({ event: 'schedule', text: schedule });
  await shot(page, '32-jobs');

  // Run now, with one parameter changed.
  await row.locator('.jp-GlueCatalog-action.jp-mod-run').click();
  const form = row.locator('.jp-GlueCatalog-runForm');
  await form.locator('input[name="rows"]').waitFor({ timeout: SLOW });
  const defaults = await form.locator('input').evaluateAll(nodes =>
    Object.fromEntries(nodes.map(n => [n.name, n.value]))
  );
  emit({ event: 'defaults', values: defaults });
  await form.locator('input[name="rows"]').fill('21');
  await shot(page, '33-run-form');
  const started = Date.now();
  await form.locator('.jp-GlueCatalog-start').click();
  const runView = panel.locator('.jp-GlueCatalog-jobRun');
  await runView.waitFor({ timeout: SLOW });
  await runView
    .locator('.jp-GlueCatalog-runState[data-state="SUCCEEDED"]')
    .waitFor({ timeout: 180000 });
  emit({ event: 'timing', name: 'run_to_succeeded_badge_ms', value: Date.now() - started });
  await shot(page, '34-run-succeeded');

  await runView.locator('.jp-GlueCatalog-showLog').click();
  await page.waitForFunction(
    () => {
      const pre = document.querySelector('#glue-magics-catalog .jp-GlueCatalog-log pre');
      return pre && /rows x2/.test(pre.textContent);
    },
    null,
    { timeout: SLOW }
  );
  emit({ event: 'log', text: await runView.locator('.jp-GlueCatalog-log pre').innerText() });
  await shot(page, '35-run-log');

  // The executed notebook, in a browser tab of its own.
  const [output] = await Promise.all([
    page.context().waitForEvent('page', { timeout: SLOW }),
    runView.locator('.jp-GlueCatalog-openOutput').click()
  ]);
  await output.waitForLoadState('load', { timeout: SLOW });
  await output.locator('body').waitFor({ timeout: SLOW });
  emit({ event: 'output', url: output.url(), text: (await output.locator('body').innerText()).slice(0, 4000) });
  await shot(output, '36-output', 'page');
  await output.close();

  // Back in the list: the run's SUCCEEDED badge.
  await runView.locator('.jp-GlueCatalog-tableHeader .jp-ToolbarButtonComponent').first().click();
  await row.locator('.jp-GlueCatalog-runBadge[data-state="SUCCEEDED"]').waitFor({ timeout: SLOW });
  const badges = await row
    .locator('.jp-GlueCatalog-runBadge')
    .evaluateAll(nodes => nodes.map(n => n.dataset.state));
  emit({ event: 'badges', states: badges });
  await shot(page, '37-jobs-succeeded');
  await runCommand(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
  await page.waitForFunction(() => document.body.dataset.jpThemeLight === 'false', null, {
    timeout: SLOW
  });
  await page.waitForTimeout(500);
  await shot(page, '38-jobs-dark');
  await runCommand(page, 'apputils:change-theme', { theme: 'JupyterLab Light' });
}

async function missing(browser) {
  const page = await openLab(browser, null);
  await showPanel(page);
  await page.locator(`${PANEL} .jp-GlueCatalog-message.jp-mod-error`).waitFor({ timeout: SLOW });
  const text = await page.locator(PANEL).innerText();
  emit({ event: 'message', text });
  await shot(page, '20-server-extension-missing');
}

/** Panel timings on a big catalog (benchmarks/sidebar_bench.py). */
async function bench(browser) {
  const runs = config.runs || 3;
  for (let run = 0; run < runs; run++) {
    const page = await openLab(browser, null);
    if (await page.locator(PANEL).isVisible()) {
      // Hide it so the click below measures the panel's own first paint.
      await page.click(TAB);
      await page.locator(PANEL).waitFor({ state: 'hidden' });
    }
    let started = Date.now();
    await page.click(TAB);
    await page
      .locator(`${PANEL} .jp-GlueCatalog-row.jp-mod-database`)
      .first()
      .waitFor({ timeout: SLOW });
    emit({ event: 'timing', name: 'first_paint_ms', value: Date.now() - started });

    started = Date.now();
    await page.locator(`${PANEL} .jp-GlueCatalog-row.jp-mod-database`).first().click();
    await page
      .locator(`${PANEL} .jp-GlueCatalog-row.jp-mod-table`)
      .first()
      .waitFor({ timeout: SLOW });
    emit({ event: 'timing', name: 'expand_10k_ms', value: Date.now() - started });

    // Scroll to the end of 10,000 tables: pages load as the list reaches them.
    started = Date.now();
    const list = page.locator(`${PANEL} .jp-GlueCatalog-vlist`);
    for (let i = 0; i < 200; i++) {
      await list.evaluate(node => {
        node.scrollTop = node.scrollHeight;
      });
      const last = await page
        .locator(`${PANEL} .jp-GlueCatalog-row.jp-mod-table`)
        .last()
        .getAttribute('data-table');
      if (last === config.lastTable) {
        break;
      }
      await page.waitForTimeout(50);
    }
    emit({ event: 'timing', name: 'scroll_to_end_ms', value: Date.now() - started });
    const domRows = await page.locator(`${PANEL} .jp-GlueCatalog-vrow`).count();
    emit({ event: 'timing', name: 'dom_rows', value: domRows });
    await list.evaluate(node => {
      node.scrollTop = 0;
    });

    const box = page.locator(`${PANEL} .jp-GlueCatalog-search input`);
    await box.click();
    started = Date.now();
    await box.pressSequentially(config.query, { delay: 20 });
    const typed = Date.now();
    await page
      .locator(`${PANEL} .jp-GlueCatalog-result[data-table="${config.expect}"]`)
      .waitFor({ timeout: SLOW });
    const done = Date.now();
    emit({ event: 'timing', name: 'search_results_ms', value: done - started });
    emit({ event: 'timing', name: 'search_after_last_key_ms', value: done - typed });
    await page.context().close();
  }
}

async function main() {
  const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: FLAGS
  });
  try {
    await { e2e, jobs, missing, bench }[scenario](browser);
    emit({ event: 'done' });
  } catch (error) {
    emit({ event: 'error', message: String(error && error.stack ? error.stack : error) });
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        const file = path.join(config.artifacts, `failure-${scenario}.png`);
        await page.screenshot({ path: file }).catch(() => undefined);
      }
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
    stdin.close();
  }
}

fs.mkdirSync(config.artifacts, { recursive: true });
main();
