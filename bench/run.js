// `npm run bench`: audits generated installs of 1,000, 10,000 and 100,000 resources and
// compares the time with parsing the same bytes with `yaml` and with `js-yaml` alone.
// Each tool runs at each size in a child process (bench/measure.js), so that its peak
// resident memory (maxRSS) is its own. Tables go to stdout as Markdown, progress to stderr.
//
//   node --expose-gc bench/run.js [--sizes 1000,10000,100000] [--runs 3] [--budget 30]
//                                 [--seed 1] [--cpu-prof DIR]

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateInstall } from './generate.js';

const MEASURE_SCRIPT = fileURLToPath(new URL('./measure.js', import.meta.url));
const NETPOL_SCRIPT = fileURLToPath(new URL('./netpol.js', import.meta.url));
const TOOLS = ['audit', 'yaml', 'js-yaml'];
// The goal at 100,000 resources: at most 1.5 times a plain `yaml` parse, under 1 GiB peak RSS.
const GOAL_SIZE = 100_000;
const GOAL_RATIO_TO_YAML = 1.5;
const GOAL_MEMORY_BYTES = 2 ** 30;
// The same heap limit for every child, so that on a machine with less memory, where Node may
// pick a smaller default, `yaml` still parses 100,000 resources (1.8 GiB resident on Node 20).
const HEAP_LIMIT_MEGABYTES = 4096;

const USAGE = 'usage: node --expose-gc bench/run.js [--sizes 1000,10000,100000] [--runs 3] [--budget 30] [--seed 1] [--cpu-prof DIR]';

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        sizes: { type: 'string', default: '1000,10000,100000' },
        runs: { type: 'string', default: '3' },
        budget: { type: 'string', default: '30' },
        seed: { type: 'string', default: '1' },
        'cpu-prof': { type: 'string' },
      },
    }));
  } catch (error) {
    fail(`${error.message}\n${USAGE}`);
  }
  const sizes = values.sizes.split(',').map(Number);
  const runs = Number(values.runs);
  const budget = Number(values.budget);
  const seed = Number(values.seed);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) fail(`--sizes must be resource counts separated by commas, not "${values.sizes}"`);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a whole number of at least 1, not "${values.runs}"`);
  if (!(budget > 0)) fail(`--budget must be a number of seconds above 0, not "${values.budget}"`);
  if (!Number.isInteger(seed)) fail(`--seed must be an integer, not "${values.seed}"`);
  const cpuProfileFolder = values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']);
  return { sizes, runs, budget, seed, cpuProfileFolder };
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function progress(message) {
  process.stderr.write(`bench: ${message}\n`);
}

/** Runs bench/measure.js for one tool and returns its parsed result, or `{ error }`. */
function measure(tool, file, size, options) {
  const nodeArguments = ['--expose-gc', `--max-old-space-size=${HEAP_LIMIT_MEGABYTES}`];
  if (options.cpuProfileFolder && tool === 'audit') {
    nodeArguments.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileFolder, '--cpu-prof-name', `audit-${size}.cpuprofile`);
  }
  const child = spawnSync(process.execPath, [...nodeArguments, MEASURE_SCRIPT, tool, file, String(options.runs), String(options.budget)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 2 ** 20,
  });
  if (child.status !== 0) {
    const lastLine = child.stderr.trim().split('\n').pop() ?? '';
    return { error: `${tool} failed (${child.signal ?? `exit code ${child.status}`}): ${lastLine}` };
  }
  return JSON.parse(child.stdout.trim().split('\n').pop());
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(result) {
  if (result.error) return result;
  const milliseconds = median(result.runs.map((run) => run.milliseconds));
  const cpuMilliseconds = median(result.runs.map((run) => run.cpuMilliseconds));
  const summary = { milliseconds, cpuMilliseconds, runCount: result.runs.length, maxRssBytes: result.maxRssBytes, last: result.runs[result.runs.length - 1] };
  if (result.tool === 'audit') {
    summary.phases = {};
    for (const phase of Object.keys(result.runs[0].phases)) summary.phases[phase] = median(result.runs.map((run) => run.phases[phase]));
  }
  return summary;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function formatMilliseconds(summary) {
  return summary.error ? 'failed' : `${integer.format(summary.milliseconds)} (${summary.runCount})`;
}

function formatRate(size, summary) {
  return summary.error ? '–' : integer.format((size / summary.milliseconds) * 1000);
}

const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function formatMegabytes(bytes) {
  const megabytes = bytes / 2 ** 20;
  return `${megabytes < 10 ? oneDecimal.format(megabytes) : integer.format(megabytes)} MiB`;
}

function formatRatio(numerator, denominator, field = 'milliseconds') {
  if (numerator.error || denominator.error) return '–';
  return (numerator[field] / denominator[field]).toFixed(2);
}

function formatCpu(summary) {
  return summary.error ? 'failed' : integer.format(summary.cpuMilliseconds);
}

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function printResults(rows, options, loadBefore) {
  const cpus = os.cpus();
  const out = [];
  const checkCount = rows.find((row) => !row.audit.error)?.audit.last.checks ?? '?';
  out.push(`Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown model'}), ${checkCount} checks, seed ${options.seed}.`);
  // Other processes on the machine slow every tool down, so the one-minute load average is shown.
  out.push(`Load average (1 min): ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after.`);
  out.push(`Times in milliseconds: the median of the runs in brackets (up to ${options.runs}; no run starts after ${options.budget} s of runs).`);
  out.push('');
  out.push(
    table(
      ['resources', 'input', 'findings', 'audit ms', 'yaml ms', 'js-yaml ms', 'audit/yaml', 'audit/js-yaml'],
      rows.map(({ size, bytes, audit, yaml, jsYaml }) => [
        integer.format(size),
        formatMegabytes(bytes),
        audit.error ? '–' : integer.format(audit.last.findings),
        formatMilliseconds(audit),
        formatMilliseconds(yaml),
        formatMilliseconds(jsYaml),
        formatRatio(audit, yaml),
        formatRatio(audit, jsYaml),
      ]),
    ),
  );
  out.push('');
  out.push('CPU time, median milliseconds of all threads of each process: less disturbed than the times above when other processes share the cores.');
  out.push('');
  out.push(
    table(
      ['resources', 'audit CPU ms', 'yaml CPU ms', 'js-yaml CPU ms', 'audit/yaml', 'audit/js-yaml'],
      rows.map(({ size, audit, yaml, jsYaml }) => [
        integer.format(size),
        formatCpu(audit),
        formatCpu(yaml),
        formatCpu(jsYaml),
        formatRatio(audit, yaml, 'cpuMilliseconds'),
        formatRatio(audit, jsYaml, 'cpuMilliseconds'),
      ]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['resources', 'audit res/s', 'yaml res/s', 'js-yaml res/s', 'audit peak RSS', 'yaml peak RSS', 'js-yaml peak RSS'],
      rows.map(({ size, audit, yaml, jsYaml }) => [
        integer.format(size),
        formatRate(size, audit),
        formatRate(size, yaml),
        formatRate(size, jsYaml),
        ...[audit, yaml, jsYaml].map((summary) => (summary.error ? '–' : formatMegabytes(summary.maxRssBytes))),
      ]),
    ),
  );
  out.push('');
  out.push('Audit phases, median milliseconds: load (read, split, js-yaml parse, objects), audit (inventory, checks, finding lines, suppressions), JSON report.');
  out.push('');
  out.push(
    table(
      ['resources', 'load', 'audit', 'report', 'report size'],
      rows
        .filter(({ audit }) => !audit.error)
        .map(({ size, audit }) => [integer.format(size), integer.format(audit.phases.load), integer.format(audit.phases.audit), integer.format(audit.phases.report), formatMegabytes(audit.last.reportBytes)]),
    ),
  );

  const goalRow = rows.find((row) => row.size === GOAL_SIZE);
  if (goalRow && !goalRow.audit.error && !goalRow.yaml.error) {
    const ratio = goalRow.audit.milliseconds / goalRow.yaml.milliseconds;
    const cpuRatio = goalRow.audit.cpuMilliseconds / goalRow.yaml.cpuMilliseconds;
    // Both ratios must pass, because contention from other processes can favour either tool.
    const ratioMet = ratio <= GOAL_RATIO_TO_YAML && cpuRatio <= GOAL_RATIO_TO_YAML;
    const memory = goalRow.audit.maxRssBytes;
    out.push('');
    out.push(`Goal at ${integer.format(GOAL_SIZE)} resources: audit/yaml at most ${GOAL_RATIO_TO_YAML}: ${ratio.toFixed(2)} wall-clock, ${cpuRatio.toFixed(2)} CPU, ${ratioMet ? 'met' : 'NOT met'}.`);
    out.push(`Goal at ${integer.format(GOAL_SIZE)} resources: audit peak RSS under 1 GiB: ${formatMegabytes(memory)}, ${memory < GOAL_MEMORY_BYTES ? 'met' : 'NOT met'}.`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

function main() {
  const options = readOptions();
  const loadBefore = os.loadavg()[0];
  if (options.cpuProfileFolder) mkdirSync(options.cpuProfileFolder, { recursive: true });
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-'));
  const rows = [];
  let failed = false;
  try {
    for (const size of options.sizes) {
      const started = performance.now();
      const text = generateInstall(size, options.seed);
      const file = path.join(folder, `install-${size}.yaml`);
      writeFileSync(file, text);
      const bytes = Buffer.byteLength(text);
      progress(`generated ${integer.format(size)} resources (${formatMegabytes(bytes)}) in ${integer.format(performance.now() - started)} ms`);

      const row = { size, bytes };
      for (const tool of TOOLS) {
        const summary = summarize(measure(tool, file, size, options));
        if (summary.error) {
          failed = true;
          progress(summary.error);
        } else {
          progress(`${tool} at ${integer.format(size)}: ${formatMilliseconds(summary)} ms, peak RSS ${formatMegabytes(summary.maxRssBytes)}`);
        }
        if (tool === 'audit' && summary.last && (summary.last.resources !== size || summary.last.problems > 0)) {
          progress(`the generated input is off: ${summary.last.resources} resources loaded, ${summary.last.problems} input problems`);
        }
        if (tool === 'audit' && summary.last?.failedChecks.length) {
          // A check that throws skips its work, so the time would look better than it is.
          progress(`checks that failed at ${integer.format(size)}: ${summary.last.failedChecks.join('; ')}`);
        }
        row[tool === 'js-yaml' ? 'jsYaml' : tool] = summary;
      }
      rows.push(row);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }

  printResults(rows, options, loadBefore);
  // The NetworkPolicy engine has its own script and table (bench/netpol.js).
  process.stdout.write('\n## NetworkPolicy connlist\n\n');
  const netpol = spawnSync(process.execPath, ['--expose-gc', NETPOL_SCRIPT], { stdio: 'inherit' });
  if (netpol.status !== 0) failed = true;
  if (options.cpuProfileFolder) progress(`CPU profiles of the audit are in ${options.cpuProfileFolder}; summarize one with node bench/profile.js FILE`);
  if (failed) process.exitCode = 1;
}

main();
