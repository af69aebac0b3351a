// Times one way of reading a manifest file, in a process of its own so that its peak
// memory is its own. bench/run.js starts it, and it prints one JSON line on stdout.
//
//   node --expose-gc bench/measure.js audit|yaml|js-yaml FILE RUNS BUDGET_SECONDS
//
// Every timing starts before the file is read, so the three tools pay for the same read.
// A run after the first starts only while the runs so far took less than BUDGET_SECONDS.

import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { audit } from '../dist/audit.js';
import { CATALOG } from '../dist/checks/index.js';
import { loadInputs } from '../dist/load/index.js';
import { reportChunks } from '../dist/report/index.js';
import { VERSION } from '../dist/version.js';

// A fixed time keeps findings that depend on dates (expired suppressions, certificates) stable.
const NOW = new Date('2026-06-01T00:00:00Z');

/** Runs the audit as `rampart audit FILE --format json` does, except for writing the report out. */
async function runAudit(file) {
  const started = performance.now();
  const load = await loadInputs([file], { valuesFiles: [], set: [] });
  const loaded = performance.now();
  const result = audit(load, { now: NOW, checkOptions: { allowedRegistries: [] }, suppressions: [], checks: CATALOG });
  const audited = performance.now();
  // The CLI writes the JSON report piece by piece; the pieces are rendered and counted here.
  let reportBytes = 0;
  for (const piece of reportChunks('json', { result, checks: CATALOG, toolVersion: VERSION, baseDirectory: process.cwd(), color: false })) {
    reportBytes += Buffer.byteLength(piece);
  }
  const reported = performance.now();

  const failedChecks = result.outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => `${outcome.id}: ${outcome.error}`);
  return {
    milliseconds: reported - started,
    phases: { load: loaded - started, audit: audited - loaded, report: reported - audited },
    checks: CATALOG.length,
    resources: load.resources.length,
    problems: load.problems.length,
    findings: result.findings.length,
    reportBytes,
    failedChecks,
  };
}

/** Converts every document to plain JavaScript, as a tool built on `yaml` would, and counts the errors. */
function runYaml(file) {
  const started = performance.now();
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  let errors = 0;
  let values = 0;
  for (const document of documents) {
    errors += document.errors.length;
    if (document.toJS() !== null) values++;
  }
  return { milliseconds: performance.now() - started, documents: values, errors };
}

function runJsYaml(file) {
  const started = performance.now();
  const documents = jsYaml.loadAll(readFileSync(file, 'utf8'));
  return { milliseconds: performance.now() - started, documents: documents.length };
}

const TOOLS = { audit: runAudit, yaml: runYaml, 'js-yaml': runJsYaml };

function collectGarbage() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

async function main() {
  const [tool, file, runsText, budgetText] = process.argv.slice(2);
  const runTool = TOOLS[tool];
  const maxRuns = Number(runsText);
  const budgetMilliseconds = Number(budgetText) * 1000;
  if (!runTool || !file || !Number.isInteger(maxRuns) || maxRuns < 1 || !(budgetMilliseconds > 0)) {
    process.stderr.write(`usage: node --expose-gc bench/measure.js ${Object.keys(TOOLS).join('|')} FILE RUNS BUDGET_SECONDS\n`);
    process.exit(2);
  }

  const runs = [];
  let spent = 0;
  while (runs.length < maxRuns && (runs.length === 0 || spent < budgetMilliseconds)) {
    collectGarbage();
    // CPU time of all the process's threads (V8 collects garbage on helper threads too). It
    // grows less than wall-clock time when other processes compete for the cores.
    const cpuBefore = process.cpuUsage();
    const run = await runTool(file);
    const cpu = process.cpuUsage(cpuBefore);
    run.cpuMilliseconds = (cpu.user + cpu.system) / 1000;
    runs.push(run);
    spent += run.milliseconds;
  }

  // Node reports maxRSS in kilobytes (KiB).
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ tool, runs, maxRssBytes }) + '\n');
}

await main();
