// Summarizes a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof DIR`):
// the time spent in each source file, and the functions with the most self and total time.
//
//   node bench/profile.js FILE.cpuprofile [--top 25]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Names the file a function is in: `dist/…` for rampart, the package for a dependency. */
function fileLabel(url) {
  if (!url) return '(native or V8)';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(file);
  if (packageMatch) return `${packageMatch[1]}: ${packageMatch[2]}`;
  if (file.startsWith('node:')) return file;
  return path.relative(ROOT, file);
}

function functionLabel(callFrame) {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return name;
  return `${name} ${fileLabel(callFrame.url)}:${callFrame.lineNumber + 1}`;
}

function addTo(totals, key, microseconds) {
  totals.set(key, (totals.get(key) ?? 0) + microseconds);
}

function summarize(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const selfByFunction = new Map();
  const totalByFunction = new Map();
  const selfByFile = new Map();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    const microseconds = profile.timeDeltas[index] ?? 0;
    total += microseconds;
    const node = nodes.get(nodeId);
    addTo(selfByFunction, functionLabel(node.callFrame), microseconds);
    addTo(selfByFile, node.callFrame.url ? fileLabel(node.callFrame.url).split(':')[0] : node.callFrame.functionName || '(native or V8)', microseconds);

    // Count each function once per sample, so that recursion does not count a sample twice.
    const onStack = new Set();
    for (let id = nodeId; id !== undefined; id = parents.get(id)) onStack.add(functionLabel(nodes.get(id).callFrame));
    for (const label of onStack) addTo(totalByFunction, label, microseconds);
  });
  return { total, selfByFunction, totalByFunction, selfByFile };
}

function printTop(title, totals, total, top) {
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  process.stdout.write(`\n${title}\n`);
  for (const [label, microseconds] of rows) {
    const milliseconds = (microseconds / 1000).toFixed(0).padStart(8);
    const share = ((microseconds / total) * 100).toFixed(1).padStart(5);
    process.stdout.write(`${milliseconds} ms ${share}%  ${label}\n`);
  }
}

const USAGE = 'usage: node bench/profile.js FILE.cpuprofile [--top 25]';
let values;
let positionals;
try {
  ({ values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } }));
} catch (error) {
  process.stderr.write(`${error.message}\n${USAGE}\n`);
  process.exit(2);
}
if (positionals.length !== 1 || !(Number(values.top) > 0)) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
let profile;
try {
  profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
} catch (error) {
  process.stderr.write(`cannot read the CPU profile ${positionals[0]}: ${error.message}\n`);
  process.exit(2);
}
const { total, selfByFunction, totalByFunction, selfByFile } = summarize(profile);
const top = Number(values.top);
process.stdout.write(`${positionals[0]}: ${(total / 1000).toFixed(0)} ms sampled\n`);
printTop('Self time by file:', selfByFile, total, top);
printTop('Self time by function:', selfByFunction, total, top);
printTop('Total time by function (self and callees):', totalByFunction, total, top);
