// The viewer in a real browser (playwright-core driving Debian's Chromium): leaderboard → run →
// transcript → compare on a seeded runs store, checking that every number shown is the one
// the runs statistics modules compute from the store's own reader. Screenshots go to
// test-results/web/. Without Chromium the test is skipped loudly, and fails under CI=true.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { compareRecords } from '../../src/runs/compare.js';
import { finalRecords, RunStore } from '../../src/runs/store.js';
import { summarise } from '../../src/runs/summary.js';
import type { EpisodeRecord } from '../../src/runs/types.js';
import { ensureBundle } from '../../src/web/bundle.js';
import { startViewer, type ViewerServer } from '../../src/web/server/standalone.js';
import { PIXEL_PNG, RUN_A, RUN_B, RUN_C, seedRunsStore, type Seeded } from './seed.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'web');
const haveChromium = existsSync(CHROMIUM);

// The page's display rules, restated (src/web/app/src/format.ts).
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const interval = (lo: number, hi: number) => `${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)}%`;
const pp = (x: number) => `${x * 100 > 0 ? '+' : x * 100 < 0 ? '−' : '±'}${Math.abs(x * 100).toFixed(1)} pp`;
const pValue = (p: number) => (p >= 0.001 ? p.toFixed(3) : p.toExponential(2));

let home = '';
let server: ViewerServer | null = null;
let browser: Browser | null = null;
let seeded: Seeded;

function finals(runId: string): EpisodeRecord[] {
  const store = RunStore.open(home, runId);
  return [...finalRecords(store.read().records).values()];
}

function summaryOf(runId: string) {
  const store = RunStore.open(home, runId);
  return summarise(finals(runId), store.config.k);
}

before(async () => {
  if (!haveChromium) return;
  home = await mkdtemp(join(tmpdir(), 'gg-web-browser-'));
  seeded = await seedRunsStore(home);
  const bundleDir = await ensureBundle();
  server = await startViewer({ home, bundleDir });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { jsErrors: string[] }).jsErrors = errors;
  return page;
}

/** Waits until the episodes table reports `n` matching episodes. */
const countIs = (page: Page, n: number) => page.waitForSelector(`[data-testid=episode-count][data-total="${n}"]`);

const jsErrors = (page: Page) => (page as Page & { jsErrors: string[] }).jsErrors;

test('viewer in Chromium: leaderboard → run → transcript → compare shows the statistics modules’ numbers', { timeout: 120_000 }, async (t) => {
  if (!haveChromium) {
    const msg = `Chromium not found at ${CHROMIUM}: browser tests of the web viewer NOT RUN (apt-get install -y chromium)`;
    console.warn(`WARNING: ${msg}`);
    if (process.env.CI === 'true') assert.fail(msg);
    t.skip(msg);
    return;
  }
  const page = await newPage();

  await t.test('leaderboard: one row per (agent, env, split) with accuracy, interval and heat cells', async () => {
    await page.goto(server!.url);
    await page.waitForSelector('[data-testid=lb-row]');
    const rows = page.locator('[data-testid=lb-row]');
    assert.equal(await rows.count(), 3);
    for (const id of [RUN_A, RUN_B, RUN_C]) {
      const s = summaryOf(id);
      const row = page.locator(`[data-testid=lb-row][data-run="${id}"]`);
      assert.equal(await row.locator('[data-testid=lb-accuracy]').innerText(), pct(s.accuracy), `${id} accuracy`);
      assert.equal(await row.locator('[data-testid=lb-interval]').innerText(), interval(s.ci_low, s.ci_high), `${id} interval`);
      assert.equal(Number(await row.getAttribute('data-ci-low')), s.ci_low);
      assert.equal(Number(await row.getAttribute('data-ci-high')), s.ci_high);
      assert.equal(await row.locator('.interval-cell svg').count(), 1, 'a dot-and-interval plot per row');
      for (const [domain, d] of Object.entries(s.by_domain)) {
        assert.equal(await row.locator(`[data-testid=lb-heat][data-domain="${domain}"]`).innerText(), pct(d.accuracy), `${id} ${domain}`);
      }
    }
    // the interval plots carry a labelled axis, and nothing pushes the page wider than a 1,400 px window
    const ticks = await rows.first().locator('.interval-cell svg text').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    assert.deepEqual(ticks.filter((x) => /%$/.test(x)), ['0%', '50%', '100%']);
    // runs in the page (no DOM types in the tests' compile)
    const widths: { page: number; window: number; tables: number[] } = await page.evaluate(() => {
      const g = globalThis as any;
      return {
        page: g.document.documentElement.scrollWidth,
        window: g.innerWidth,
        tables: [...g.document.querySelectorAll('.table-wrap')].map((w: any) => w.scrollWidth - w.clientWidth),
      };
    });
    assert.ok(widths.page <= widths.window, `page ${widths.page} px wide in a ${widths.window} px window`);
    assert.deepEqual(widths.tables, widths.tables.map(() => 0), 'no leaderboard table is cut off (scrolls sideways)');
    await page.screenshot({ path: join(SHOTS, '1-leaderboard.png'), fullPage: true });

    // Sorting by accuracy (descending first, then ascending) within the genome-qa table.
    const order = async () => page.locator('[data-testid="lb-table-genome-qa"] [data-testid=lb-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')));
    const accA = summaryOf(RUN_A).accuracy!;
    const accB = summaryOf(RUN_B).accuracy!;
    assert.notEqual(accA, accB, 'the seed makes the two agents differ');
    const desc = accA > accB ? [RUN_A, RUN_B] : [RUN_B, RUN_A];
    assert.deepEqual(await order(), desc);
    await page.locator('[data-testid="lb-table-genome-qa"] th[data-sort=accuracy]').click();
    assert.deepEqual(await order(), [...desc].reverse());

    // Filtering.
    await page.fill('[data-testid=lb-filter]', 'naive');
    assert.equal(await rows.count(), 1);
    await page.fill('[data-testid=lb-filter]', '');
    await page.selectOption('[data-testid=lb-env]', 'case-studies');
    assert.equal(await rows.count(), 1);
    await page.selectOption('[data-testid=lb-env]', '');
    assert.equal(await rows.count(), 3);
  });

  await t.test('run page: summary, per-domain chart and table, filtered virtualised episodes', async () => {
    await page.locator(`[data-testid=lb-row][data-run="${RUN_A}"] [data-testid=lb-run-link]`).click();
    await page.waitForSelector('[data-testid=run-accuracy]');
    const s = summaryOf(RUN_A);
    const recs = finals(RUN_A);
    assert.equal(await page.locator('[data-testid=run-accuracy] .big').innerText(), pct(s.accuracy));
    assert.equal(await page.locator('[data-testid=run-interval] .big').innerText(), interval(s.ci_low, s.ci_high));
    const counts = await page.locator('[data-testid=run-counts]').innerText();
    for (const [n, label] of [[s.correct, 'correct'], [s.wrong, 'wrong'], [s.ungraded, 'ungraded'], [s.errors, 'error']] as const) {
      assert.ok(counts.includes(`${n} ${label}`), `${n} ${label} in ${JSON.stringify(counts)}`);
    }
    for (const p of s.pass_k) assert.ok((await page.locator(`[data-testid=run-pass-${p.k}]`).innerText()).includes(`pass@${p.k} ${pct(p.pass_at_k)}`));
    assert.equal(await page.locator('.interval-chart svg').count(), 1, 'per-domain chart drawn');
    for (const [domain, d] of Object.entries(s.by_domain)) {
      const cells = await page.locator(`[data-testid=run-domains] tr[data-domain="${domain}"] td`).allInnerTexts();
      assert.equal(cells[1], pct(d.accuracy));
      assert.equal(cells[2], interval(d.ci_low, d.ci_high));
    }
    const total = async () => {
      await page.waitForSelector('[data-testid=episode-count]:not([data-total=""])');
      return Number(await page.locator('[data-testid=episode-count]').getAttribute('data-total'));
    };
    assert.equal(await total(), recs.length);
    await page.waitForSelector('[data-testid=episode-row]');
    await page.screenshot({ path: join(SHOTS, '2-run.png'), fullPage: true });

    for (const o of ['correct', 'wrong', 'ungraded', 'error'] as const) {
      await page.click(`[data-testid=filter-outcome-${o}]`);
      await countIs(page, recs.filter((r) => r.outcome === o).length);
      // Two outcomes may have equal counts, so the count alone does not show the table was redrawn:
      // wait until every visible badge is the chosen outcome (a timeout here is the failure).
      await page
        .waitForFunction((want) => {
          const badges = [...(globalThis as any).document.querySelectorAll('[data-testid=episode-row] .badge')];
          return badges.length > 0 && badges.every((b: any) => b.textContent === want);
        }, o)
        .catch(() => undefined);
      const shown = await page.locator('[data-testid=episode-row] .badge').allInnerTexts();
      assert.ok(shown.length > 0 && shown.every((x) => x === o), `${o}: ${shown}`);
    }
    await page.click('[data-testid=filter-outcome-all]');
    const domain = recs[3].domain!;
    await page.selectOption('[data-testid=filter-domain]', domain);
    await countIs(page, recs.filter((r) => r.domain === domain).length);
    await page.selectOption('[data-testid=filter-domain]', '');
    await page.fill('[data-testid=filter-search]', 'test/11');
    await countIs(page, 2);
    await page.fill('[data-testid=filter-search]', '');
    await countIs(page, recs.length);
  });

  await t.test('transcript: prompt, calls, lazy long output, submitted beside expected', async () => {
    await page.locator(`[data-testid=episode-row][data-key="${seeded.longOutput.key}"] a`).click();
    await page.waitForSelector('[data-testid=event-prompt]');
    const rec = finals(RUN_A).find((r) => r.key === seeded.longOutput.key)!;
    assert.equal(await page.locator('[data-testid=tx-task]').innerText(), rec.task_id);
    assert.equal(await page.locator('[data-testid=tx-outcome]').innerText(), rec.outcome);
    assert.ok((await page.locator('[data-testid=event-prompt]').innerText()).includes(String(rec.task.question).slice(0, 60)));
    assert.equal(await page.locator('[data-testid=event-agent]').count(), 2);
    // Arguments are pretty-printed JSON.
    const args = await page.locator('[data-testid=tool-call] pre').first().innerText();
    assert.equal(args, JSON.stringify((rec.transcript[1] as { calls: Array<{ input: unknown }> }).calls[0].input, null, 2));
    // The long output arrives cut; the full text is fetched only when asked for.
    const body = () => page.locator('[data-testid=event-tool]').first().innerText();
    assert.ok(!(await body()).includes('END-OF-LONG-OUTPUT'));
    await page.waitForSelector('[data-testid=expected-answer]', { timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, '3-transcript.png'), fullPage: true });
    await page.click('[data-testid=expand-output]');
    await page.waitForSelector('[data-testid=collapse-output]');
    assert.ok((await body()).includes('END-OF-LONG-OUTPUT'));
    // Submitted and expected, side by side.
    const answer = seeded.answers.get(rec.task_id)!;
    assert.deepEqual(JSON.parse(await page.locator('[data-testid=submitted-answer]').innerText()), answer);
    await page.waitForSelector('[data-testid=expected-answer]', { timeout: 30_000 });
    assert.deepEqual(JSON.parse(await page.locator('[data-testid=expected-answer]').innerText()), answer);
  });

  await t.test('the answer key appears in the viewer only: never in what the agent was given or did', async () => {
    const wrong = finals(RUN_B).find((r) => r.outcome === 'wrong')!;
    const answer = seeded.answers.get(wrong.task_id)!;
    const value = Object.values(answer)[0];
    assert.ok(!JSON.stringify(wrong.task).includes(value) && !JSON.stringify(wrong.transcript).includes(value), 'the record itself carries no answer key');
    await page.goto(`${server!.url}#/run/${RUN_B}/ep/${encodeURIComponent(wrong.key)}`);
    await page.waitForSelector('[data-testid=expected-answer]', { timeout: 30_000 });
    assert.deepEqual(JSON.parse(await page.locator('[data-testid=expected-answer]').innerText()), answer);
    assert.ok(!(await page.locator('[data-testid=task-spec]').textContent())!.includes(value), 'the task spec shown has no answer');
    assert.ok(!(await page.locator('.events').innerText()).includes(value), 'the transcript shown has no answer');
  });

  await t.test('compare: paired difference, McNemar and flips both ways with transcript links', async () => {
    await page.goto(server!.url);
    await page.waitForSelector('[data-testid=lb-row]');
    await page.locator(`[data-testid=lb-row][data-run="${RUN_A}"] [data-testid=lb-pick]`).check();
    await page.locator(`[data-testid=lb-row][data-run="${RUN_B}"] [data-testid=lb-pick]`).check();
    await page.click('[data-testid=lb-compare]');
    await page.waitForSelector('[data-testid=cmp-diff]');
    const c = compareRecords(finals(RUN_A), finals(RUN_B));
    assert.ok(c.a_only_correct > 0 && c.b_only_correct > 0, 'the seed has flips both ways');
    assert.equal(await page.locator('[data-testid=cmp-diff] .big').innerText(), pp(c.diff!));
    assert.equal(await page.locator('[data-testid=cmp-diff-interval]').innerText(), `${pp(c.diff_ci_low!)} to ${pp(c.diff_ci_high!)}`);
    assert.equal(Number(await page.locator('[data-testid=cmp-diff]').getAttribute('data-diff')), c.diff);
    assert.equal(await page.locator('[data-testid=cmp-mcnemar] .big').innerText(), `p = ${pValue(c.mcnemar_p)}`);
    assert.equal(Number(await page.locator('[data-testid=cmp-mcnemar]').getAttribute('data-p')), c.mcnemar_p);
    assert.equal(await page.locator('[data-testid=cmp-pairs] .big').innerText(), String(c.pairs));
    // beside accuracy, the paired mean-reward difference with its tests
    const reward = page.locator('[data-testid=cmp-reward]');
    assert.ok(c.reward.diff !== null);
    assert.equal(Number(await reward.getAttribute('data-diff')), c.reward.diff);
    assert.equal(Number(await reward.getAttribute('data-wilcoxon')), c.reward.wilcoxon_p);
    assert.equal(await reward.locator('.big').innerText(), `${c.reward.diff >= 0 ? '+' : ''}${c.reward.diff.toFixed(3)}`);
    const rewardText = await reward.innerText();
    assert.ok(rewardText.includes(`95% interval ${c.reward.diff_ci_low!.toFixed(3)} to ${c.reward.diff_ci_high!.toFixed(3)}`), rewardText);
    assert.ok(rewardText.includes(`Wilcoxon p = ${pValue(c.reward.wilcoxon_p)} · sign test p = ${pValue(c.reward.sign_test_p)}`), rewardText);
    // and per domain: accuracy and mean reward of each run on the domain's pairs
    const domains = Object.entries(c.by_domain);
    assert.ok(domains.length > 1, 'the seed spans several domains');
    assert.equal(await page.locator('[data-testid=cmp-domains] tbody tr').count(), domains.length);
    const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
    for (const [d, v] of domains) {
      const cells = await page.locator(`[data-testid=cmp-domains] tr[data-domain="${d}"] td`).allInnerTexts();
      assert.deepEqual(cells, [
        d,
        String(v.pairs),
        pct(v.a_correct / v.pairs),
        pct(v.b_correct / v.pairs),
        v.a_mean_reward!.toFixed(3),
        v.b_mean_reward!.toFixed(3),
        signed(v.reward_diff!),
        `${v.reward_diff_ci_low!.toFixed(3)} to ${v.reward_diff_ci_high!.toFixed(3)}`,
        pValue(v.reward_wilcoxon_p),
      ]);
    }
    const rowA = await page.locator('[data-testid=cmp-row-a] td').allInnerTexts();
    assert.equal(rowA[2], pct(c.a_accuracy));
    assert.equal(rowA[3], interval(c.a_ci[0], c.a_ci[1]));
    const rowB = await page.locator('[data-testid=cmp-row-b] td').allInnerTexts();
    assert.equal(rowB[2], pct(c.b_accuracy));
    assert.equal(await page.locator('[data-testid=flips-a-only] [data-testid=flip]').count(), c.a_only_correct);
    assert.equal(await page.locator('[data-testid=flips-b-only] [data-testid=flip]').count(), c.b_only_correct);
    await page.screenshot({ path: join(SHOTS, '4-compare.png'), fullPage: true });

    // A flipped task's two links open the same task in each run.
    const flip = page.locator('[data-testid=flips-b-only] [data-testid=flip]').first();
    const task = await flip.getAttribute('data-task');
    await flip.locator('[data-testid=flip-b]').click();
    await page.waitForSelector('[data-testid=tx-outcome]');
    assert.equal(await page.locator('[data-testid=tx-task]').innerText(), task);
    assert.equal(await page.locator('[data-testid=tx-outcome]').innerText(), 'correct');
    await page.goBack();
    await page.waitForSelector('[data-testid=cmp-diff]');
    await page.locator('[data-testid=flips-b-only] [data-testid=flip]').first().locator('[data-testid=flip-a]').click();
    await page.waitForSelector('[data-testid=tx-outcome]');
    assert.equal(await page.locator('[data-testid=tx-task]').innerText(), task);
    assert.equal(await page.locator('[data-testid=tx-outcome]').innerText(), 'wrong');
  });

  await t.test('case studies: per-case breakdown and the truth with its accepted intervals', async () => {
    await page.goto(`${server!.url}#/run/${RUN_C}`);
    await page.waitForSelector('[data-testid=run-domains]');
    const s = summaryOf(RUN_C);
    const cells = await page.locator('[data-testid=run-domains] tr[data-domain="crispr-linc473"] td').allInnerTexts();
    assert.equal(cells[1], pct(s.by_domain['crispr-linc473'].accuracy));
    await page.goto(`${server!.url}#/run/${RUN_C}/ep/${encodeURIComponent('1#1')}`);
    await page.waitForSelector('[data-testid=expected-answer]', { timeout: 60_000 });
    const truth = JSON.parse(await page.locator('[data-testid=expected-answer]').innerText());
    assert.deepEqual(Object.keys(truth).sort(), ['advance_target', 'lncrna_specific_lfc', 'neighbor_mediated_lfc']);
    // an image block of the prompt is shown as the image itself
    const img = page.locator('[data-testid=event-prompt] img.block-img');
    assert.equal(await img.count(), 1);
    assert.equal(await img.getAttribute('src'), `data:image/png;base64,${PIXEL_PNG}`);
    assert.equal(await img.evaluate((el: any) => el.naturalWidth), 1, 'the browser decoded the image');
  });

  await t.test('a run that does not exist gets a clear message', async () => {
    await page.goto(`${server!.url}#/run/no-such-run`);
    await page.waitForSelector('[data-testid=error]');
    assert.match(await page.locator('[data-testid=error]').innerText(), /No such run/);
  });

  assert.deepEqual(jsErrors(page).filter((e) => !/404/.test(e)), [], 'no script errors in the page');
  await page.close();
});
