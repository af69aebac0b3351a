import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeDestination, describeSource } from '../model/flows.js';
import { buildInventory } from '../model/inventory.js';
import { meshReadme, NAMESPACES_FILE } from '../harden/mesh-readme.js';
import { synthesizeMesh, type MeshBundle, type MeshKind } from '../harden/mesh.js';
import { applyBundles, BUNDLE_FILE, bundleManifestText, readBundle } from '../harden/bundle.js';
import { overlayFileName, proveTransport, type TransportProof } from '../harden/overlay-effects/index.js';
import { renderManifests, renderOverlay } from '../harden/overlay-effects/render.js';
import { addIngressControllerOptions, ingressControllerFrom, type IngressControllerFlags } from './ingress-controller.js';
import { EXIT, note, UsageError } from './io.js';
import { addInputOptions, loadOptions, loadWithFlags, reportInputProblems, type InputFlags } from './options.js';

interface HardenMeshFlags extends InputFlags, IngressControllerFlags {
  mesh: string;
  out: string;
  force?: boolean;
  verify: boolean;
}

const INPUT_ARGUMENT = 'manifest file, folder, "-" for standard input, chart folder or packaged chart (.tgz)';

/** `rampart harden mesh`: namespace injection and NATS opaque ports, proved with the encryption map. */
export function registerHardenMesh(harden: Command, setExitCode: (code: number) => void): void {
  addIngressControllerOptions(
    addInputOptions(
      harden
        .command('mesh')
        .description('write the namespace injection settings and NATS values overlays that put the install into a mesh, then prove every flow is encrypted and that the install\'s NetworkPolicies still allow every needed flow')
        .argument('<input...>', INPUT_ARGUMENT),
    ),
    'the proof checks the flows from it against the install\'s NetworkPolicies',
  )
    .requiredOption('--mesh <name>', 'the mesh: linkerd or istio')
    .requiredOption('--out <folder>', 'folder for the manifests, values overlays and README.md (created if missing)')
    .option('--force', 'overwrite files of an earlier bundle in --out')
    .option('--no-verify', 'skip the proof that every flow of the hardened install is encrypted')
    .action(async (inputs: string[], flags: HardenMeshFlags) => {
      if (flags.mesh !== 'linkerd' && flags.mesh !== 'istio') throw new UsageError(`invalid --mesh "${flags.mesh}": give linkerd or istio`);
      assertFolderWritable(flags.out);
      const ingressController = ingressControllerFrom(flags);
      const install = await loadWithFlags(inputs, flags);
      reportInputProblems(install, true);
      const bundle = synthesizeMesh(buildInventory(install), flags.mesh as MeshKind);
      if (bundle.namespaces.length === 0) throw new UsageError(`no namespaced objects found in ${inputs.join(', ')}, so there is no namespace to put into the mesh`);

      writeBundle(flags.out, meshFiles(bundle, flags.out), Boolean(flags.force), MESH_BUNDLE_FILE);
      for (const problem of bundle.problems) note(problem);
      if (!flags.verify) return;

      // The proof reads the bundle back as written, through the same code as audit --bundle.
      const written = await readBundle(flags.out);
      const { load: hardened } = await applyBundles(inputs, loadOptions(flags), install, [written]);
      const proof = await proveTransport(hardened, install, new Date(), { ingressController });
      process.stdout.write(formatTransportProof(proof, `the install with --bundle ${flags.out}`).join('\n') + '\n');
      setExitCode(proof.passed ? EXIT.ok : EXIT.findings);
    });
}

/** Renders every file of a mesh bundle, by file name. */
export function meshFiles(bundle: MeshBundle, folder: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set(NAMESPACES_FILE, renderManifests(bundle.namespaces.map((namespace) => ({ manifest: namespace.manifest, comment: namespace.notes.join('.\n') + '.' }))));
  for (const overlay of bundle.overlays) {
    files.set(overlayFileName(overlay.release), renderOverlay(overlay, `Values for NATS release ${overlay.release} in namespace ${overlay.namespace}, written by rampart harden mesh.\nApply with: helm upgrade ${overlay.release} nats/nats -n ${overlay.namespace} --reuse-values -f ${overlayFileName(overlay.release)}`));
  }
  files.set('README.md', meshReadme(bundle, folder));
  files.set(BUNDLE_FILE, bundleManifestText('harden mesh', [NAMESPACES_FILE], bundle.overlays, (overlay) => overlayFileName(overlay.release)));
  return files;
}

/**
 * Formats the verdict of a transport proof: one summary line, then one line per problem. `rerun`
 * names what the user runs `harden netpol` on again when the install's policies block flows.
 */
export function formatTransportProof(proof: TransportProof, rerun = 'the install plus this bundle'): string[] {
  const encrypted = proof.flows.length - proof.unencrypted.length - proof.undecided.length - proof.refused.length;
  const lines = [proof.passed ? passedLine(proof, encrypted) : failedLine(proof)];
  for (const entry of proof.unencrypted) lines.push(`  ${entry.verdict}: ${describeSource(entry.flow.source)} -> ${describeDestination(entry.flow)}`);
  for (const entry of proof.lost) lines.push(`  missing after hardening: ${describeSource(entry.flow.source)} -> ${describeDestination(entry.flow)}`);
  for (const entry of proof.refused) lines.push(`  refused, the server requires a client certificate: ${describeSource(entry.flow.source)} -> ${describeDestination(entry.flow)}`);
  for (const finding of proof.findings) lines.push(`  ${finding.checkId}: ${finding.message}`);
  for (const entry of proof.blocked) lines.push(`  blocked by NetworkPolicies: ${entry.description}`);
  if (proof.blocked.length > 0) lines.push(`  NetworkPolicies must admit the hardened flows: run rampart harden netpol again on ${rerun} (with --replace-existing when the charts' own policies drop the flows), and apply its policies before the restarts`);
  for (const entry of proof.alreadyBlocked) lines.push(`  already blocked before the bundle, not counted: ${entry.description}`);
  for (const entry of proof.undecided) lines.push(`  depends on the ingress controller: ${describeSource(entry.flow.source)} -> ${describeDestination(entry.flow)}`);
  return lines;
}

function passedLine(proof: TransportProof, encrypted: number): string {
  const undecided = proof.undecided.length > 0 ? `; ${plural(proof.undecided.length, 'flow')} from the ingress controller depend on the controller, which is not in the input` : '';
  return `proof passed: ${encrypted} of ${proof.flows.length} flows are encrypted (the install has ${proof.before}), the transport checks find nothing and the NetworkPolicies allow all ${proof.policyChecked} needed flows they allowed before${undecided}${alreadyBlocked(proof)}`;
}

function failedLine(proof: TransportProof): string {
  const parts: string[] = [];
  if (proof.unencrypted.length > 0) parts.push(`${plural(proof.unencrypted.length, 'flow')} ${proof.unencrypted.length === 1 ? 'is' : 'are'} not encrypted`);
  if (proof.refused.length > 0) parts.push(`${plural(proof.refused.length, 'flow')} would be refused for lack of a client certificate`);
  if (proof.lost.length > 0) parts.push(`${plural(proof.lost.length, 'flow')} of the install ${proof.lost.length === 1 ? 'is' : 'are'} missing from the hardened install`);
  if (proof.findings.length > 0) parts.push(`the transport checks report ${plural(proof.findings.length, 'finding')}`);
  if (proof.blocked.length > 0) parts.push(`the install's NetworkPolicies would block ${plural(proof.blocked.length, 'needed flow')} of the hardened install`);
  return `proof failed: ${parts.join(', ')}${alreadyBlocked(proof)}`;
}

function alreadyBlocked(proof: TransportProof): string {
  const count = proof.alreadyBlocked.length;
  return count > 0 ? `; ${plural(count, 'needed flow')} ${count === 1 ? 'was' : 'were'} already blocked by the install's NetworkPolicies before the bundle (listed below)` : '';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function assertFolderWritable(folder: string): void {
  if (folder.trim() === '') throw new UsageError('--out needs a folder path');
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new UsageError(`--out ${folder} is a file; give a folder`);
  const parent = path.dirname(path.resolve(folder));
  if (!existsSync(folder) && (!existsSync(parent) || !statSync(parent).isDirectory())) throw new UsageError(`cannot create --out ${folder}: its parent folder ${parent} does not exist`);
}

/** Names of the files a mesh bundle may write, for removing those of an earlier bundle. */
export const MESH_BUNDLE_FILE = /^(README\.md|bundle\.yaml|namespaces\.yaml|values-[^/]+\.yaml)$/;

/**
 * Writes the files of a bundle; none is written when one exists and `force` is off. With `force`,
 * files of an earlier bundle in the folder that this one does not write (those whose names
 * `bundleFile` matches) are removed, so that the folder contains exactly what its README describes.
 */
export function writeBundle(folder: string, files: Map<string, string>, force: boolean, bundleFile: RegExp): void {
  const existing = [...files.keys()].filter((name) => existsSync(path.join(folder, name)));
  if (existing.length > 0 && !force) throw new UsageError(`${existing.map((name) => path.join(folder, name)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite`);
  try {
    if (!existsSync(folder)) mkdirSync(folder);
    const stale = force ? readdirSync(folder).filter((name) => bundleFile.test(name) && !files.has(name) && statSync(path.join(folder, name)).isFile()) : [];
    for (const name of stale) {
      unlinkSync(path.join(folder, name));
      note(`removed ${path.join(folder, name)}, which an earlier bundle wrote and this one does not`);
    }
    for (const [name, text] of files) writeFileSync(path.join(folder, name), text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new UsageError(`cannot write to --out ${folder}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message}`);
  }
  note(`wrote ${files.size} files to ${folder}`);
}
