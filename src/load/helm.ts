import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { InputError } from './problems.js';

export interface HelmOptions {
  release: string;
  namespace: string;
  valuesFiles: string[];
  set: string[];
  /** The helm binary; `helm` on PATH unless given. */
  binary?: string;
}

/** One template's share of the rendered output, as `helm template --output-dir` would write it. */
export interface RenderedFile {
  /** The template's path shown to users: the chart folder joined with the template's path in the chart. */
  file: string;
  text: string;
}

const RENDER_TIMEOUT_MS = 120_000;

/** Renders a chart folder or packaged chart with the real `helm template`. */
export function renderChart(chart: string, options: HelmOptions): RenderedFile[] {
  const binary = options.binary ?? process.env.RAMPART_HELM ?? 'helm';
  const args = ['template', options.release, chart, '--namespace', options.namespace];
  for (const file of options.valuesFiles) args.push('--values', file);
  for (const assignment of options.set) args.push('--set', assignment);

  const result = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, timeout: RENDER_TIMEOUT_MS });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const where = binary.includes('/') ? '' : ' on PATH';
      throw new InputError(`cannot render chart ${chart}: the helm binary "${binary}" was not found${where}; install Helm, set RAMPART_HELM to its path, or audit the output of "helm template" instead`);
    }
    if (code === 'ETIMEDOUT') throw new InputError(`helm template ${chart} timed out after ${RENDER_TIMEOUT_MS / 1000} s`);
    throw new InputError(`cannot run helm for chart ${chart}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const stderr = (result.stderr || '').trim().replace(/\s*\n\s*/g, ' | ');
    throw new InputError(`helm template failed for chart ${chart}: ${stderr || `exit code ${result.status}`}`);
  }
  return splitBySource(result.stdout, chart);
}

/** Groups helm's output by its `# Source:` comments into one text per template. */
export function splitBySource(output: string, chart: string): RenderedFile[] {
  const byFile = new Map<string, string[]>();
  const parts = output.split(/^---[ \t]*$/m);
  for (const part of parts) {
    if (part.trim() === '') continue;
    const match = /^# Source: (.+)$/m.exec(part);
    const templatePath = match ? match[1].trim() : 'rendered.yaml';
    const file = displayPath(chart, templatePath);
    const texts = byFile.get(file) ?? [];
    texts.push(texts.length === 0 ? part.replace(/^\n/, '') : `---${part}`);
    byFile.set(file, texts);
  }
  return [...byFile].map(([file, texts]) => ({ file, text: texts.join('') }));
}

function displayPath(chart: string, templatePath: string): string {
  // Helm prefixes each template with the chart's name, which may differ from the folder's.
  const withinChart = templatePath.split('/').slice(1).join('/') || templatePath;
  if (/\.(tgz|tar\.gz)$/.test(chart)) return `${chart}#${withinChart}`;
  return path.join(chart, withinChart);
}
