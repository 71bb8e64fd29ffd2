// End-to-end test of the operators' dashboard in Debian's headless Chromium, driven by
// playwright-core (no browser download). Starts the real `siaga serve` on a fresh store, feeds it
// a Nuclei webhook, and works a case through the browser: sign in, my queue, a case page, complete
// and decide (the current step moves), hand the case over to the province, a breached step in
// red, English, a phone-sized screen.
// Screenshots: --artifacts DIR (ctest: build/browser-artifacts/*.png).
//
//   node tests/browser/dashboard.test.mjs --binary build/siaga --source . --artifacts build/browser-artifacts
//
// Exit 0: passed; 1: failed; 77: skipped (no chromium or playwright-core), unless
// SIAGA_BROWSER_REQUIRED=1, which turns a skip into a failure.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const source = path.resolve(args.source || path.join(path.dirname(new URL(import.meta.url).pathname), '../..'));
const binary = path.resolve(args.binary || path.join(source, 'build/siaga'));
const artifacts = path.resolve(args.artifacts || path.join(source, 'build/browser-artifacts'));
const chromiumPath = process.env.SIAGA_CHROMIUM || '/usr/bin/chromium';
const required = process.env.SIAGA_BROWSER_REQUIRED === '1';
const SURAKARTA = 'surakarta/layanan-keamanan-informasi';
const KALTIM = 'kaltim/gangguan-keamanan-jaringan';
const started = Date.now();

function skip(reason) {
  console.log(`browser test: ${required ? 'FAILED' : 'skipped'}: ${reason}`);
  process.exit(required ? 1 : 77);
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  skip(`playwright-core is not installed (cd tests/browser && npm ci): ${error.message}`);
}
if (!existsSync(chromiumPath)) skip(`no browser at ${chromiumPath} (apt-get install chromium)`);
if (!existsSync(binary)) skip(`no siaga binary at ${binary}`);

const dir = mkdtempSync(path.join(tmpdir(), 'siaga-browser-'));
mkdirSync(artifacts, { recursive: true });
const db = path.join(dir, 'siaga.db');
// The seeds' procedures, with the province of Kalimantan Timur overseeing Surakarta, so that
// Surakarta's cases can be handed over to it.
const sop = path.join(dir, 'sop');
cpSync(path.join(source, 'sop'), sop, { recursive: true });
const provinceFile = path.join(sop, 'instansi/prov-kaltim.lua');
const province = readFileSync(provinceFile, 'utf8');
assert.match(province, /mengawasi\s*=\s*\{\}/);
writeFileSync(provinceFile, province.replace(/mengawasi\s*=\s*\{\}/, 'mengawasi = { "kota-surakarta" }'));
const common = ['--db', db, '--sop', sop, '--webhooks', path.join(source, 'webhooks')];

function siaga(...rest) {
  return execFileSync(binary, [...common, ...rest], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function token(user, roles) {
  const out = siaga('--json', 'token', 'create', '--user', user, ...roles.flatMap((r) => ['--role', r]));
  return JSON.parse(out.slice(out.indexOf('{'))).token;
}

let server = null;
let browser = null;
const problems = [];  // CSP violations and uncaught errors seen in any page

async function main() {
  // The store: an operator (kabid + analis of Surakarta's procedure), a Nuclei feed, and one case
  // opened on 5 January 2026, whose 10-minute first step is long breached.
  const operator = token('operator', ['kabid', 'analis']);
  const feed = token('scanner', ['webhook:nuclei']);
  const old = siaga('--json', '--now', '2026-01-05T09:00+07:00', 'case', 'open', SURAKARTA, '--title', 'Laporan lama: defacement portal');
  const oldCase = JSON.parse(old.slice(old.indexOf('{')));
  const oldId = oldCase.id ?? oldCase.case?.id;
  assert.ok(oldId, `case open printed no id: ${old}`);

  const portFile = path.join(dir, 'port');
  server = spawn(binary, [...common, 'serve', '--listen', '127.0.0.1:0', '--port-file', portFile, '--threads', '8',
    '--web', path.join(source, 'web'), '--scripts', path.join(source, 'scripts')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  let port = 0;
  for (let i = 0; i < 300 && !port; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (existsSync(portFile)) port = Number(readFileSync(portFile, 'utf8').trim());
  }
  assert.ok(port, `siaga serve did not start:\n${serverLog}`);
  const base = `http://127.0.0.1:${port}`;

  // A scanner posts its findings: the webhook opens cases on Surakarta's procedure.
  const hook = await fetch(`${base}/hooks/nuclei`, { method: 'POST', headers: { Authorization: `Bearer ${feed}`, 'Content-Type': 'application/x-ndjson' },
    body: readFileSync(path.join(source, 'tests/data/webhooks/nuclei.jsonl')) });
  const hooked = await hook.json();
  assert.equal(hook.status, 202, JSON.stringify(hooked));
  assert.ok(hooked.cases.length >= 1, JSON.stringify(hooked));
  const hookCaseId = hooked.cases[0];

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
  };
  const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: name.includes('full') });

  // --- desktop ---
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await desktop.newPage();
  watch(page);
  page.setDefaultTimeout(10000);

  step('a wrong token is refused');
  await page.goto(`${base}/`);
  await page.locator('#token').fill('not-a-token');
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('form.signin .error').waitFor();

  step('sign in; the header shows who');
  await page.locator('#token').fill(operator);
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('#queue').waitFor();
  assert.match(await page.locator('#who').textContent(), /operator · .*kabid/);
  assert.equal(await page.locator('nav a.active').textContent(), 'Antrean saya');  // Indonesian by default

  step('my queue: the breached step first and red, then the webhook cases');
  const items = page.locator('#queue li.queue-item');
  assert.ok((await items.count()) >= 2, 'at least the old case and one webhook case in the queue');
  assert.equal(await items.first().getAttribute('data-sla'), 'breached');
  assert.equal(await items.first().getAttribute('data-case'), String(oldId));
  assert.match(await items.first().locator('.badge').textContent(), /Lewat tenggat/);
  assert.equal(await items.first().evaluate((el) => getComputedStyle(el).borderLeftColor), 'rgb(179, 20, 27)');
  await page.locator(`#queue li[data-case="${hookCaseId}"]`).waitFor();
  await shot(page, '01-queue');

  step('case list filtered by SLA');
  await page.goto(`${base}/#/cases?sla=breached`);
  await page.locator('#case-list table').waitFor();
  assert.equal(await page.locator('#case-list tbody tr').count(), 1);
  assert.match(await page.locator('#case-list tbody tr').first().textContent(), /Laporan lama/);
  assert.equal(await page.locator('#case-list + button').isVisible(), false, 'no "load more" on the last page');
  await page.locator('form.filters select[name=sla]').selectOption('on_time');
  await page.locator('form.filters button[type=submit]').click();
  await page.locator(`#case-list tbody tr[data-case="${hookCaseId}"]`).waitFor();
  await shot(page, '02-cases');

  step('open the webhook case from the queue: the rendered flowchart with the current step');
  await page.goto(`${base}/#/queue`);
  await page.locator(`#queue li[data-case="${hookCaseId}"] a`).click();
  await page.locator('#case-number').waitFor();
  const current = async () => page.locator('#flowchart svg g.step.current').first().getAttribute('data-step');
  await page.locator('#flowchart svg g.step.current[data-step="terima"]').waitFor();
  // The swimlane SVG of siaga render, not the step-list fallback; the current step's symbol is
  // drawn in the render's highlight colour.
  assert.equal(await page.locator('#flowchart').getAttribute('data-source'), 'svg');
  const symbolStroke = (id, cls) =>
    page.locator(`#flowchart svg g.step.${cls}[data-step="${id}"] .symbol`).first().evaluate((el) => getComputedStyle(el).stroke);
  assert.equal(await symbolStroke('terima', 'current'), 'rgb(176, 125, 0)');
  assert.match(await page.locator('.zone-note').textContent(), /WIB/);
  assert.match(await page.locator('#current-step').textContent(), /Menerima/);
  await shot(page, '03-case');

  step('complete two steps and watch the current step move');
  await page.locator('.action-step[data-step="terima"] button[data-action="complete"]').click();
  await page.locator('#flowchart svg g.step.current[data-step="tindak_lanjut"]').waitFor();
  assert.equal(await page.locator('#flowchart svg g.step.current').count(), 1);  // the highlight moved, not copied
  await page.locator('.action-step[data-step="tindak_lanjut"] input.note').fill('Dicek bersama sandiman');
  await page.locator('.action-step[data-step="tindak_lanjut"] button[data-action="complete"]').click();

  step('decide with a labelled branch');
  const branch = page.locator('.action-step[data-step="jenis"] button[data-action="decide"]');
  await branch.first().waitFor();
  assert.deepEqual(await branch.allTextContents(), ['insiden security', 'insiden umum']);
  await shot(page, '04-decision');
  await page.locator('.action-step[data-step="jenis"] button[data-branch="insiden security"]').click();
  await page.locator('#flowchart svg g.step.current[data-step="beritahu_opd"]').waitFor();
  assert.equal(await current(), 'beritahu_opd');
  assert.match(await page.locator('section:has(h2:text("Riwayat"))').textContent(), /insiden security/);

  step('comment and attach evidence');
  await page.locator('form.comment textarea').fill('Portal sudah dipulihkan dari cadangan.');
  await page.locator('form.comment button[type=submit]').click();
  await page.locator('text=Portal sudah dipulihkan dari cadangan.').first().waitFor();
  await page.locator('form.attach input[type=file]').setInputFiles({ name: 'log-akses.txt', mimeType: 'text/plain', buffer: Buffer.from('GET /wp-login.php 200\n') });
  await page.locator('form.attach button[type=submit]').click();
  await page.locator('section:has(h2:text("Bukti")) td:text("log-akses.txt")').waitFor();
  await shot(page, '05-case-after');

  step('hand the case over to the province that oversees Surakarta');
  const target = page.locator('form.handover select[name="handover-target"]');
  assert.deepEqual(JSON.parse(await target.locator('option').first().getAttribute('value')), ['prov-kaltim', KALTIM]);
  await target.selectOption(JSON.stringify(['prov-kaltim', KALTIM]));
  await page.locator('form.handover input.note').fill('Butuh CSIRT provinsi');
  await page.locator('form.handover button[type=submit]').click();
  await page.locator('.case-head:has-text("Selesai")').waitFor();
  assert.equal(await page.locator('form.handover').count(), 0, 'a closed case offers no hand-over');
  assert.match(await page.locator('section:has(h2:text("Riwayat"))').textContent(), /handed_over|diserahkan/);
  const handed = await (await fetch(`${base}/api/cases/${hookCaseId}`, { headers: { Authorization: `Bearer ${operator}` } })).json();
  assert.equal(handed.case.outcome, 'diserahkan');
  assert.match(await page.locator('#handed-over-to').textContent(), /^PROV-KALTIM-/);
  await shot(page, '05b-handed-over');
  // The province's case links back to the one it came from.
  await page.locator('#handed-over-to').click();
  await page.locator(`#handed-over-from:text("${handed.case.number}")`).waitFor();
  assert.match(await page.locator('#case-number').textContent(), /^PROV-KALTIM-/);

  step('the old case: its breached step in red');
  await page.goto(`${base}/#/case/${oldId}`);
  const breached = page.locator('#flowchart svg g.step.breached[data-step="terima"]');
  await breached.waitFor();
  assert.equal(await symbolStroke('terima', 'breached'), 'rgb(192, 0, 0)');  // red
  const breachedRow = page.locator('tr.sla-row-late[data-step="terima"], tr.sla-row-breached[data-step="terima"]').first();
  assert.match(await breachedRow.textContent(), /Lewat tenggat|Terlambat/);
  assert.match(await page.locator('.case-head').textContent(), /Lewat tenggat/);
  await shot(page, '06-breached');

  step('switch to English');
  await page.locator('#lang').click();
  await page.locator('nav a:text("My queue")').waitFor();
  assert.match(await page.locator('.case-head').textContent(), /Breached/);
  assert.match(await page.locator('.zone-note').textContent(), /agency's time zone: WIB/);
  await shot(page, '07-english');

  step('procedures: list with load errors, one procedure with versions and steps');
  await page.goto(`${base}/#/sops`);
  await page.locator(`tr[data-sop="${SURAKARTA}"] a`).click();
  await page.locator('tr[data-step="jenis"]').waitFor();
  assert.ok((await page.locator('section:has(h2:text("Versions")) tbody tr').count()) >= 1);
  await page.locator('#no-document, iframe.sop-document').first().waitFor();
  await shot(page, '08-procedure');

  step('a report with its chart');
  await page.goto(`${base}/#/reports`);
  await page.locator('tr[data-report="open-cases"] a').click();
  await page.locator('iframe.report-frame').waitFor();
  const report = page.frameLocator('iframe.report-frame');
  await report.locator('table').first().waitFor();
  assert.ok((await report.locator('svg').count()) >= 1, 'the report shows an SVG chart');
  await shot(page, '09-report');
  await desktop.close();

  // --- phone (390 px): a new tab, so a new sign-in (sessionStorage) ---
  step('phone width: queue and case page fit the screen');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const mobile = await phone.newPage();
  watch(mobile);
  mobile.setDefaultTimeout(10000);
  await mobile.goto(`${base}/`);
  await mobile.locator('#token').fill(operator);
  await mobile.locator('form.signin button[type=submit]').click();
  await mobile.locator('#queue').waitFor();
  const overflow = () => mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok((await overflow()) <= 1, `queue wider than the phone by ${await overflow()} px`);
  await shot(mobile, '10-phone-queue');
  await mobile.locator(`#queue li[data-case="${oldId}"] a`).click();
  await mobile.locator('#flowchart svg g.step.breached[data-step="terima"]').waitFor();
  assert.ok((await overflow()) <= 1, `case page wider than the phone by ${await overflow()} px`);
  await shot(mobile, '11-phone-case');
  await phone.close();

  assert.deepEqual(problems, [], 'no CSP violations or script errors');
}

let currentStep = '';
function step(name) {
  currentStep = name;
  console.log(`browser test: ${((Date.now() - started) / 1000).toFixed(1)}s ${name}`);
}

let failed = false;
try {
  await main();
  console.log(`browser test: passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}`);
} catch (error) {
  failed = true;
  console.error(`browser test: FAILED at "${currentStep}": ${error.stack || error}`);
  if (problems.length) console.error(problems.join('\n'));
  try {
    const pages = browser ? browser.contexts().flatMap((c) => c.pages()) : [];
    if (pages.length) await pages[pages.length - 1].screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true });
  } catch { /* the failure itself is what matters */ }
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
