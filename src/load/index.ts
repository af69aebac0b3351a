import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Resource, ValuesDocument } from '../model/resource.js';
import { parseDocument, splitDocuments, type ParsedDocument } from './documents.js';
import { renderChart } from './helm.js';
import { createKindRegistry, type KindRegistry } from './kinds.js';
import { classifyDocuments, registerCustomKinds, toResources, type Classified } from './objects.js';
import { InputError, type InputProblem } from './problems.js';
import { SourceTexts } from './sources.js';

export interface LoadOptions {
  /** Namespace for namespaced objects that name none, as `kubectl apply -n` (default `default`). */
  namespace?: string;
  /** Values files: passed to `helm template` for charts, and audited themselves. */
  valuesFiles?: string[];
  set?: string[];
  release?: string;
  helmBinary?: string;
  readStdin?: () => Promise<string>;
  /** Called with notes for stderr (skipped folders and the like). */
  onNote?: (message: string) => void;
}

export interface LoadResult {
  resources: Resource[];
  values: ValuesDocument[];
  problems: InputProblem[];
  /** Text of every input, by the name findings use, for finding lines lazily. */
  sources: SourceTexts;
  kinds: KindRegistry;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** Loads every input into Resources, values documents and input problems. */
export async function loadInputs(inputs: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const classified: Classified = { objects: [], values: [], problems: [] };
  const sources = new SourceTexts();
  const namespace = options.namespace ?? 'default';

  const readText = (file: string, text: string, extra: { chart?: string } = {}) => {
    classifyDocuments(parseText(text, file), file, extra, classified);
  };
  const readVirtual = (file: string, text: string, extra: { chart?: string } = {}) => {
    sources.keep(file, text);
    readText(file, text, extra);
  };
  const readDiskFile = (file: string) => {
    const text = readFileOrThrow(file);
    const parsed = parseText(text, file);
    rememberText(file, text, parsed);
    classifyDocuments(parsed, file, {}, classified);
  };
  // A regular file can be read again for lines; a pipe or FIFO cannot, so its text is kept.
  const rememberText = (file: string, text: string, parsed: ParsedDocument[]) => {
    if (isRegularFile(file)) sources.rememberFile(file, text, parsed.map((entry) => entry.document));
    else sources.keep(file, text);
  };

  for (const file of options.valuesFiles ?? []) {
    const text = readFileOrThrow(file);
    const documents = parseText(text, file);
    rememberText(file, text, documents);
    for (const parsed of documents) {
      if (!parsed.ok) {
        classified.problems.push({ code: 'parse-error', message: parsed.message, file, line: parsed.line, documentIndex: parsed.document.index });
      } else if (parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) {
        classified.values.push({ data: parsed.value as Record<string, unknown>, source: { file, line: parsed.document.contentLine, documentIndex: parsed.document.index } });
      }
    }
  }

  if (inputs.filter((input) => input === '-').length > 1) throw new InputError('"-" (standard input) may be given only once');
  for (const input of inputs) {
    if (input === '-') {
      if (!options.readStdin) throw new InputError('reading standard input is not available here');
      readVirtual('<stdin>', await options.readStdin());
      continue;
    }
    if (!existsSync(input)) throw new InputError(`input not found: ${input}`);
    const stat = statSync(input);
    if (isChart(input, stat.isDirectory())) {
      const rendered = renderChart(input, {
        release: options.release ?? 'release-name',
        namespace,
        valuesFiles: options.valuesFiles ?? [],
        set: options.set ?? [],
        ...(options.helmBinary ? { binary: options.helmBinary } : {}),
      });
      for (const file of rendered) readVirtual(file.file, file.text, { chart: input });
      continue;
    }
    if (stat.isDirectory()) {
      for (const file of manifestFiles(input, options.onNote)) readDiskFile(file);
      continue;
    }
    readDiskFile(input);
  }

  const renderedCharts = inputs.some((input) => input !== '-' && isChart(input, existsSync(input) && statSync(input).isDirectory()));
  if (!renderedCharts && ((options.set?.length ?? 0) > 0 || options.release !== undefined)) {
    options.onNote?.('--set and --release apply only to charts, and no input is a chart');
  }

  const kinds = createKindRegistry();
  registerCustomKinds(classified.objects, kinds);
  const resources = toResources(classified.objects, kinds, namespace);
  return { resources, values: classified.values, problems: classified.problems, sources, kinds };
}

function isChart(input: string, isDirectory: boolean): boolean {
  if (isDirectory) return existsSync(path.join(input, 'Chart.yaml'));
  return /\.(tgz|tar\.gz)$/.test(input);
}

/** Parses every document of a file; a binary file becomes one parse error instead of noise. */
export function parseText(text: string, file: string): ParsedDocument[] {
  if (text.includes('\u0000')) {
    const document = { text: '', startLine: 1, contentLine: 1, index: 0, offset: 0 };
    return [{ ok: false, message: 'file is binary, not YAML or JSON', line: 1, document }];
  }
  return splitDocuments(text).map((document) => parseDocument(document, file));
}

function isRegularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Reads an input, values or config file; a device such as /dev/zero never ends, so it is rejected (pipes are fine). */
export function readFileOrThrow(file: string): string {
  try {
    const stat = statSync(file);
    if (stat.isCharacterDevice() || stat.isBlockDevice()) throw new InputError(`${file} is a device, not a file; give a file, a folder or "-"`);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`input not found: ${file}`);
    if (code === 'EACCES') throw new InputError(`cannot read ${file}: permission denied`);
    if (code === 'EISDIR') throw new InputError(`${file} is a folder; give it as an input, not as a values file`);
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Orders folder entries by name in code-unit order, so that the order does not depend on the locale. */
function byName(a: { name: string }, b: { name: string }): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

/** Lists every manifest below a folder, sorted so that output is stable; chart folders are left to helm. */
function manifestFiles(folder: string, onNote?: (message: string) => void): string[] {
  const files: string[] = [];
  // A link to a file that is also in the folder would otherwise be read twice and reported as duplicates.
  const seen = new Set<string>();
  const add = (file: string) => {
    const real = realpathSync(file);
    if (seen.has(real)) {
      onNote?.(`skipped ${file}: it is the same file as one already read`);
      return;
    }
    seen.add(real);
    files.push(file);
  };
  const walk = (current: string) => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true }).sort(byName);
    } catch (error) {
      throw new InputError(`cannot read folder ${current}: ${(error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isSymbolicLink()) {
        // Linked files are read; linked folders are not followed, which rules out loops.
        let target;
        try {
          target = statSync(full);
        } catch {
          onNote?.(`skipped ${full}: a link whose target does not exist`);
          continue;
        }
        if (target.isFile() && MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) add(full);
        else if (target.isDirectory()) onNote?.(`skipped ${full}: a link to a folder; give the folder itself as an input`);
        continue;
      }
      if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(entry.name)) continue;
        if (existsSync(path.join(full, 'Chart.yaml'))) {
          onNote?.(`skipped the Helm chart in ${full}: give its folder as an input to render it`);
          continue;
        }
        walk(full);
      } else if (entry.isFile() && MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
        add(full);
      }
    }
  };
  walk(folder);
  return files;
}
