import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { dump, load as parseYaml } from 'js-yaml';
import { isRecord, type Json } from '../model/access.js';
import { loadInputs, type LoadOptions, type LoadResult } from '../load/index.js';
import { InputError } from '../load/problems.js';
import type { SourceTexts } from '../load/sources.js';
import { describeRef, groupOf, type Resource, type ResourceRef } from '../model/resource.js';
import { VERSION } from '../version.js';
import { hardenedInstall, type OverlayChart, type ValuesOverlay } from './overlay-effects/index.js';
import { releaseOf } from './overlay-effects/objects.js';

/** Manifest of a bundle folder: the files it contains and the release each values overlay is for. */
export const BUNDLE_FILE = 'bundle.yaml';

const OVERLAY_CHARTS: readonly OverlayChart[] = ['nats', 'postgres', 'redis', 'minio', 'howso-platform'];

/** One values overlay of a bundle as `bundle.yaml` lists it. */
export interface BundleOverlayEntry {
  file: string;
  release: string;
  namespace: string;
  chart: OverlayChart;
}

/** The contents of `bundle.yaml`. */
export interface BundleManifest {
  generator: string;
  version: string;
  manifests: string[];
  overlays: BundleOverlayEntry[];
  /** Objects of the install that the bundle replaces, deleted before it is applied. Empty when `bundle.yaml` has no `deletes`. */
  deletes: ResourceRef[];
}

/** A bundle folder as read: its plain objects, and its overlays with the file each came from. */
export interface Bundle {
  folder: string;
  /** Undefined for a folder without `bundle.yaml`, which is read as plain manifests. */
  manifest?: BundleManifest;
  /** Its plain objects, with the texts they were read from, so findings on them keep their lines. */
  objects: Resource[];
  sources?: SourceTexts;
  /** Values documents of a folder without `bundle.yaml`, audited as they are. */
  values: LoadResult['values'];
  overlays: { file: string; overlay: ValuesOverlay }[];
}

/** Record of how one overlay was applied to the hardened install. */
export interface AppliedOverlay {
  file: string;
  release: string;
  namespace: string;
  /** Method: `re-render` (helm rendered the chart input again with it), `model` (the chart's model edited the rendered objects) or `absent` (the release is not in the input). */
  how: 're-render' | 'model' | 'absent';
}

/** Objects that the `deletes` of the bundles removed from the install, and deletions that matched no object. */
export interface AppliedDeletions {
  removed: ResourceRef[];
  notFound: ResourceRef[];
}

/**
 * Writes `bundle.yaml` for a bundle that `generator` (such as `harden mesh`) writes to its folder.
 * The `deletes` key is written only when `deletes` is not empty, so bundles without deletions
 * read as before.
 */
export function bundleManifestText(generator: string, manifests: readonly string[], overlays: readonly ValuesOverlay[], fileOf: (overlay: ValuesOverlay) => string, deletes: readonly ResourceRef[] = []): string {
  const manifest: Omit<BundleManifest, 'deletes'> & { deletes?: ResourceRef[] } = {
    generator: `rampart ${generator}`,
    version: VERSION,
    manifests: [...manifests],
    overlays: overlays.map((overlay) => ({ file: fileOf(overlay), release: overlay.release, namespace: overlay.namespace, chart: overlay.chart })),
  };
  if (deletes.length > 0) manifest.deletes = deletes.map((ref) => ({ apiVersion: ref.apiVersion, kind: ref.kind, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}), name: ref.name }));
  const header = `# Written by rampart ${generator}. "rampart audit INPUT… --bundle FOLDER" reads it to audit the install as this bundle leaves it.\n`;
  return header + dump(manifest, { noRefs: true, lineWidth: -1 });
}

/**
 * Reads a bundle folder. With `bundle.yaml`, the manifests and overlays it lists are read. A
 * folder without it is read as plain manifests and values documents. A `bundle.yaml` that is
 * not what `harden netpol|mesh|tls` writes, or names a file that is missing or whose real path
 * is outside the folder, is an InputError.
 */
export async function readBundle(folder: string): Promise<Bundle> {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new InputError(`--bundle ${folder} is not a folder`);
  const manifestPath = path.join(folder, BUNDLE_FILE);
  if (!existsSync(manifestPath)) {
    const plain = await loadInputs([folder]);
    rejectUnparsed(plain, folder);
    return { folder, objects: plain.resources, sources: plain.sources, values: plain.values, overlays: [] };
  }
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const files = manifest.manifests.map((file) => inside(folder, file, manifestPath));
  const loaded = files.length > 0 ? await loadInputs(files) : undefined;
  if (loaded) rejectUnparsed(loaded, folder);
  const overlays = [];
  for (const entry of manifest.overlays) {
    const file = inside(folder, entry.file, manifestPath);
    let values: unknown;
    try {
      values = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InputError(`${file}: not a values file: ${(error as Error).message.split('\n')[0]}`);
    }
    if (!isRecord(values)) throw new InputError(`${file}: a values overlay must be a mapping`);
    overlays.push({ file, overlay: { release: entry.release, namespace: entry.namespace, chart: entry.chart, values, comments: {} } });
  }
  return { folder, manifest, objects: loaded ? loaded.resources : [], ...(loaded ? { sources: loaded.sources } : {}), values: [], overlays };
}

function parseManifest(text: string, file: string): BundleManifest {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new InputError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const invalid = (what: string) => new InputError(`${file}: ${what}. Write the bundle again with rampart harden netpol|mesh|tls`);
  if (!isRecord(data)) throw invalid('expected a mapping with generator, version, manifests and overlays');
  if (typeof data.generator !== 'string' || !data.generator.startsWith('rampart ')) throw invalid('generator must name the rampart command that wrote the bundle');
  const version = typeof data.version === 'string' ? data.version : '';
  const manifests = data.manifests ?? [];
  if (!Array.isArray(manifests) || !manifests.every((entry) => typeof entry === 'string')) throw invalid('manifests must be a list of file names');
  const overlays = data.overlays ?? [];
  if (!Array.isArray(overlays)) throw invalid('overlays must be a list');
  const entries: BundleOverlayEntry[] = overlays.map((entry: unknown, index: number) => {
    if (!isRecord(entry)) throw invalid(`overlays[${index}] must be a mapping`);
    for (const key of ['file', 'release', 'namespace', 'chart'] as const) {
      if (typeof entry[key] !== 'string' || entry[key] === '') throw invalid(`overlays[${index}].${key} must be a non-empty string`);
    }
    if (!(OVERLAY_CHARTS as readonly unknown[]).includes(entry.chart)) throw invalid(`overlays[${index}].chart must be one of ${OVERLAY_CHARTS.join(', ')}`);
    return { file: entry.file as string, release: entry.release as string, namespace: entry.namespace as string, chart: entry.chart as OverlayChart };
  });
  const deletes = data.deletes ?? [];
  if (!Array.isArray(deletes)) throw invalid('deletes must be a list');
  const refs: ResourceRef[] = deletes.map((entry: unknown, index: number) => {
    if (!isRecord(entry)) throw invalid(`deletes[${index}] must be a mapping`);
    for (const key of ['apiVersion', 'kind', 'name'] as const) {
      if (typeof entry[key] !== 'string' || entry[key] === '') throw invalid(`deletes[${index}].${key} must be a non-empty string`);
    }
    if (entry.namespace !== undefined && (typeof entry.namespace !== 'string' || entry.namespace === '')) throw invalid(`deletes[${index}].namespace must be a non-empty string when given`);
    const ref: ResourceRef = { apiVersion: entry.apiVersion as string, kind: entry.kind as string, name: entry.name as string };
    if (typeof entry.namespace === 'string') ref.namespace = entry.namespace;
    return ref;
  });
  return { generator: data.generator, version, manifests: manifests as string[], overlays: entries, deletes: refs };
}

/**
 * Resolves a file named in `bundle.yaml`, which must exist and stay inside the bundle folder. The
 * check compares real paths, so a symbolic link to a file outside the folder is rejected too.
 */
function inside(folder: string, name: string, manifestPath: string): string {
  const file = path.join(folder, name);
  if (!isInside(folder, file)) throw new InputError(`${manifestPath}: "${name}" is not a file inside the bundle folder`);
  if (!existsSync(file)) throw new InputError(`${manifestPath} lists ${name}, which is missing from ${folder}`);
  if (!isInside(realpathSync(folder), realpathSync(file))) {
    throw new InputError(`${manifestPath} lists ${name}, which resolves to ${realpathSync(file)} outside the bundle folder. Copy the file into ${folder} instead of linking to it`);
  }
  return file;
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function rejectUnparsed(load: LoadResult, folder: string): void {
  const problem = load.problems.find((entry) => entry.code === 'parse-error');
  if (problem) throw new InputError(`bundle ${folder}: ${problem.file}:${problem.line}: ${problem.message}`);
}


/** Tells whether an input is a chart folder or a packaged chart, which the loader renders with helm. */
export function isChartInput(input: string): boolean {
  if (/\.(tgz|tar\.gz)$/.test(input)) return true;
  return existsSync(input) && statSync(input).isDirectory() && existsSync(path.join(input, 'Chart.yaml'));
}

/**
 * Builds the install as the bundles leave it. This is what the proofs of `harden mesh|tls` audit
 * and what `audit --bundle` and `transport map --bundle` read. When the input has a chart, the
 * platform's overlays are passed to helm with `-f` and the chart is rendered again. Every other
 * overlay is applied to the rendered objects by its chart's model. Plain manifests are added, a
 * later object of one identity replacing the earlier, as `kubectl apply` does.
 */
export async function applyBundles(inputs: readonly string[], options: LoadOptions, install: LoadResult, bundles: readonly Bundle[]): Promise<{ load: LoadResult; applied: AppliedOverlay[]; deletions: AppliedDeletions }> {
  const entries = bundles.flatMap((bundle) => bundle.overlays);
  const charts = inputs.some(isChartInput);
  const rerendered = charts ? entries.filter((entry) => entry.overlay.chart === 'howso-platform') : [];
  let base = install;
  if (rerendered.length > 0) {
    // The chart is loaded again, so the deletions of bundle folders among the inputs are made again.
    base = await loadInputs([...inputs], { ...options, valuesFiles: [...(options.valuesFiles ?? []), ...rerendered.map((entry) => entry.file)] });
    base = deleteObjects(base, inputBundleDeletions(inputs)).load;
  }
  const deleted = deleteObjects(base, bundles.map((bundle) => ({ folder: bundle.folder, refs: bundle.manifest?.deletes ?? [] })));
  base = deleted.load;
  const modelled = entries.filter((entry) => !rerendered.includes(entry));

  const releases = new Set(install.resources.map((resource) => `${resource.namespace ?? ''}/${releaseOf(resource.body as Json) ?? ''}`));
  const applied: AppliedOverlay[] = entries.map(({ file, overlay }) => {
    const how = rerendered.some((entry) => entry.file === file) ? 're-render' : overlay.chart === 'howso-platform' || releases.has(`${overlay.namespace}/${overlay.release}`) ? 'model' : 'absent';
    return { file, release: overlay.release, namespace: overlay.namespace, how };
  });

  const hardened = await hardenedInstall(
    base,
    modelled.map((entry) => entry.overlay),
    [],
    bundles.map((bundle) => ({ resources: bundle.objects, ...(bundle.sources ? { sources: bundle.sources } : {}) })),
  );
  const values = bundles.flatMap((bundle) => bundle.values);
  return { load: values.length > 0 ? { ...hardened, values: [...hardened.values, ...values] } : hardened, applied, deletions: { removed: deleted.removed, notFound: deleted.notFound } };
}

/** The `deletes` of one bundle folder's `bundle.yaml`. */
export interface FolderDeletions {
  folder: string;
  refs: readonly ResourceRef[];
}

/**
 * Reads the `deletes` of every input folder that `harden netpol|mesh|tls` wrote, so that such a
 * folder given as an input leaves the install as applying the bundle does. A `bundle.yaml` whose
 * generator is not rampart belongs to another tool, because operator bundles use the name too, so
 * it is ignored. An invalid one of rampart's is an InputError.
 */
export function inputBundleDeletions(inputs: readonly string[]): FolderDeletions[] {
  const result: FolderDeletions[] = [];
  for (const input of inputs) {
    if (input === '-' || isChartInput(input) || !existsSync(input) || !statSync(input).isDirectory()) continue;
    const manifestPath = path.join(input, BUNDLE_FILE);
    if (!existsSync(manifestPath) || !statSync(manifestPath).isFile()) continue;
    const text = readFileSync(manifestPath, 'utf8');
    if (!isRampartManifest(text)) continue;
    const refs = parseManifest(text, manifestPath).deletes;
    if (refs.length > 0) result.push({ folder: input, refs });
  }
  return result;
}

function isRampartManifest(text: string): boolean {
  try {
    const data: unknown = parseYaml(text);
    return isRecord(data) && typeof data.generator === 'string' && data.generator.startsWith('rampart ');
  } catch {
    return false;
  }
}

/**
 * Removes the objects that the deletions name, matched as Kubernetes matches them (API group,
 * kind, namespace and name, but not the version). Objects read from a deleting folder itself
 * are kept, since the bundle applies them after the deletions.
 */
export function deleteObjects(load: LoadResult, deletions: readonly FolderDeletions[]): { load: LoadResult; removed: ResourceRef[]; notFound: ResourceRef[] } {
  const removed: ResourceRef[] = [];
  const notFound: ResourceRef[] = [];
  let resources = load.resources;
  for (const { folder, refs } of deletions) {
    for (const ref of refs) {
      const matches = (resource: Resource) =>
        resource.group === groupOf(ref.apiVersion) && resource.kind === ref.kind && resource.name === ref.name && (resource.namespace ?? '') === (ref.namespace ?? '') && !isInside(folder, resource.source.file);
      if (!resources.some(matches)) {
        if (!notFound.some((entry) => sameRef(entry, ref))) notFound.push(ref);
        continue;
      }
      resources = resources.filter((resource) => !matches(resource));
      if (!removed.some((entry) => sameRef(entry, ref))) removed.push(ref);
    }
  }
  return { load: resources === load.resources ? load : { ...load, resources }, removed, notFound };
}

function sameRef(a: ResourceRef, b: ResourceRef): boolean {
  return groupOf(a.apiVersion) === groupOf(b.apiVersion) && a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

/** Describes in one line which objects the deletions removed and which they did not find, for stderr. Empty when there were none. */
export function describeDeletions(deletions: AppliedDeletions): string {
  const parts: string[] = [];
  if (deletions.removed.length > 0) parts.push(`removed ${deletions.removed.map(describeRef).join(', ')}, which the bundle deletes`);
  if (deletions.notFound.length > 0) parts.push(`${deletions.notFound.map(describeRef).join(', ')} ${deletions.notFound.length === 1 ? 'is' : 'are'} to be deleted but not in the input`);
  return parts.join('; ');
}

/** Describes in one line which overlays were applied and how, and which objects were deleted, for stderr. */
export function describeApplied(bundles: readonly Bundle[], applied: readonly AppliedOverlay[], deletions: AppliedDeletions = { removed: [], notFound: [] }): string {
  const plain = bundles.filter((bundle) => bundle.manifest === undefined).map((bundle) => bundle.folder);
  const parts: string[] = [];
  const group = (how: AppliedOverlay['how']) => applied.filter((entry) => entry.how === how).map((entry) => path.basename(entry.file));
  if (group('re-render').length > 0) parts.push(`re-rendered the chart with ${group('re-render').join(', ')}`);
  if (group('model').length > 0) parts.push(`applied ${group('model').join(', ')} by the charts' models`);
  const absent = applied.filter((entry) => entry.how === 'absent');
  if (absent.length > 0) {
    const releases = absent.map((entry) => `${entry.namespace}/${entry.release}`).join(', ');
    const one = absent.length === 1;
    parts.push(`${absent.map((entry) => path.basename(entry.file)).join(', ')} ${one ? 'names a release' : 'name releases'} not in the input (${releases}), so ${one ? 'its values are audited as a values document' : 'their values are audited as values documents'}`);
  }
  if (plain.length > 0) parts.push(`read ${plain.join(', ')} as plain manifests (no ${BUNDLE_FILE})`);
  if (applied.length === 0 && plain.length < bundles.length) parts.push('no values overlays to apply');
  const deleted = describeDeletions(deletions);
  if (deleted !== '') parts.push(deleted);
  return `bundle: ${parts.join('; ')}`;
}
