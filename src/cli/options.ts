import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import type { Check } from '../checks/types.js';
import { applyBundles, BUNDLE_FILE, deleteObjects, describeApplied, describeDeletions, inputBundleDeletions, isChartInput, readBundle } from '../harden/bundle.js';
import { loadInputs, type LoadOptions, type LoadResult } from '../load/index.js';
import { InputError } from '../load/problems.js';
import { describeRef, identityOf, type Resource } from '../model/resource.js';
import { note, readStdin, UsageError } from './io.js';

/** Commander reducer for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Checks that always run, so that a `--check` filter never hides input that could not be read. */
const ALWAYS_RUN = new Set(['input/parse-error', 'input/invalid-object', 'input/duplicate-object']);

/** Selects the checks named by `--check` (ids or `area/*`) plus the input checks above, or every check when none is named. */
export function selectChecks(catalog: readonly Check[], patterns: string[]): readonly Check[] {
  if (patterns.length === 0) return catalog;
  const selected = new Set<Check>();
  for (const pattern of patterns) {
    const matches = pattern.endsWith('/*') ? catalog.filter((check) => check.id.startsWith(pattern.slice(0, -1))) : catalog.filter((check) => check.id === pattern);
    if (matches.length === 0) throw new UsageError(`no check matches "${pattern}"; "rampart checks" lists them`);
    for (const check of matches) selected.add(check);
  }
  return catalog.filter((check) => selected.has(check) || ALWAYS_RUN.has(check.id));
}

/** The input options that every command reading manifests or charts shares. */
export interface InputFlags {
  values: string[];
  set: string[];
  release?: string;
  namespace?: string;
}

/** Adds -f/--values, --set, --release and -n/--namespace to a command. */
export function addInputOptions(command: Command): Command {
  return command
    .option('-f, --values <file>', 'Helm values file: passed to helm for charts and audited itself (repeatable)', collect, [])
    .option('--set <key=value>', 'Helm value for rendering charts (repeatable)', collect, [])
    .option('--release <name>', 'Helm release name for rendering charts', undefined)
    .option('-n, --namespace <name>', 'namespace for objects that name none (default "default")');
}

/**
 * Loads the inputs as the input options ask; an input with nothing in it is a usage error. An
 * input folder whose `bundle.yaml` (written by `harden netpol --replace-existing`) lists objects
 * to delete has them removed from the other inputs, with one note on stderr.
 */
export async function loadWithFlags(inputs: string[], flags: InputFlags): Promise<LoadResult> {
  const load = await loadInputs(inputs, loadOptions(flags));
  if (load.resources.length === 0 && load.values.length === 0 && load.problems.length === 0) {
    throw new InputError(`no Kubernetes objects or values documents found in ${inputs.join(', ')}`);
  }
  const deletions = inputBundleDeletions(inputs);
  if (deletions.length === 0) return load;
  const deleted = deleteObjects(load, deletions);
  note(`bundle ${deletions.map((entry) => entry.folder).join(', ')}: ${describeDeletions(deleted)}`);
  return deleted.load;
}

/** Builds the loader's options from the input flags. */
export function loadOptions(flags: InputFlags): LoadOptions {
  return {
    valuesFiles: flags.values,
    set: flags.set,
    ...(flags.release ? { release: flags.release } : {}),
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    readStdin,
    onNote: note,
  };
}

/** Adds --bundle to a command that reads an install. */
export function addBundleOption(command: Command): Command {
  return command.option('--bundle <folder>', 'a folder that rampart harden wrote: read the install as the bundle leaves it, its values overlays applied (repeatable)', collect, []);
}

/**
 * Loads the inputs and, for each `--bundle` folder, builds the install as the bundles leave it,
 * with the code the proofs of `harden mesh|tls` use. One note on stderr names what was applied and deleted.
 * An input folder with values overlays gets a note that they are read as plain values documents
 * only, since the install as the bundle leaves it needs `--bundle`.
 */
export async function loadWithBundles(inputs: string[], flags: InputFlags & { bundle: string[] }): Promise<LoadResult> {
  const bundleFolders = new Set(flags.bundle.map((folder) => path.resolve(folder)));
  const unapplied = inputBundleOverlayFolders(inputs).filter((folder) => !bundleFolders.has(path.resolve(folder)));
  if (unapplied.length > 0) {
    note(`bundle ${unapplied.join(', ')} is an input, so its values overlays are not applied; give it as --bundle ${unapplied.length === 1 ? unapplied[0] : 'FOLDER'} instead to read the install as it leaves it`);
  }
  const install = await loadWithFlags(inputs, flags);
  if (flags.bundle.length === 0) return install;
  const bundles = [];
  for (const folder of flags.bundle) bundles.push(await readBundle(folder));
  const { load, applied, deletions } = await applyBundles(inputs, loadOptions(flags), install, bundles);
  note(describeApplied(bundles, applied, deletions));
  return load;
}

/** Returns the input folders whose `bundle.yaml`, written by rampart (`harden mesh|tls`), lists values overlays. */
function inputBundleOverlayFolders(inputs: readonly string[]): string[] {
  return inputs.filter((input) => {
    if (input === '-' || isChartInput(input) || !existsSync(input) || !statSync(input).isDirectory()) return false;
    const manifestPath = path.join(input, BUNDLE_FILE);
    if (!existsSync(manifestPath) || !statSync(manifestPath).isFile()) return false;
    try {
      const data: unknown = parseYaml(readFileSync(manifestPath, 'utf8'));
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
      const { generator, overlays } = data as Record<string, unknown>;
      return typeof generator === 'string' && generator.startsWith('rampart ') && Array.isArray(overlays) && overlays.length > 0;
    } catch {
      // An unreadable bundle.yaml is reported where the bundle is read.
      return false;
    }
  });
}

/**
 * Names every document that could not be read, for commands that have no input checks of
 * their own. With `strict`, a document that did not parse is an error (exit 2), because a
 * result built on part of the input would be wrong: a policy that did not parse is a policy
 * missing from the result. A parsed document that is not a Kubernetes object (a JSON list, a
 * scalar) is only a warning and is skipped, since it cannot be a resource of the install.
 */
export function reportInputProblems(load: LoadResult, strict: boolean): void {
  for (const problem of load.problems) {
    const skipped = problem.code === 'invalid-object' ? ', so it is skipped' : '';
    note(`${problem.file}:${problem.line}: ${problem.message}${skipped}`);
  }
  noteDuplicates(load);
  const unparsed = load.problems.filter((problem) => problem.code === 'parse-error').length;
  if (strict && unparsed > 0) {
    throw new InputError(`${unparsed} document${unparsed === 1 ? '' : 's'} could not be parsed (listed above); fix them, or remove them from the input`);
  }
}

/** Notes each object that a later one of the same identity replaces, as the audit's input/duplicate-object reports it. */
function noteDuplicates(load: LoadResult): void {
  const seen = new Map<string, Resource>();
  for (const resource of load.resources) {
    const identity = identityOf(resource);
    const first = seen.get(identity);
    if (first) note(`${first.source.file}:${first.source.line}: ${describeRef(resource)} is defined again in ${resource.source.file}:${resource.source.line}; the later one is used`);
    seen.set(identity, resource);
  }
}
