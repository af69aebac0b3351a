import type { Command } from 'commander';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleReadme, policyFileName } from '../harden/netpol-readme.js';
import { DEFAULT_INGRESS_CONTROLLER, renderPolicies, synthesizeNetpol, type IngressControllerPeer } from '../harden/netpol.js';
import { formatProofDetails, formatVerdict, proveBundle } from '../harden/verify.js';
import { buildInventory } from '../model/inventory.js';
import { EXIT, note, UsageError } from './io.js';
import { addInputOptions, collect, loadWithFlags, reportInputProblems, type InputFlags } from './options.js';

interface HardenNetpolFlags extends InputFlags {
  out: string;
  force?: boolean;
  ingressNamespace: string;
  ingressLabel: string[];
  verify: boolean;
  replaceExisting?: boolean;
}

const INPUT_ARGUMENT = 'manifest file, folder, "-" for standard input, chart folder or packaged chart (.tgz)';

/** A label key with an optional DNS-subdomain prefix, and a label value, as the API server accepts them. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** `rampart harden netpol`: least-privilege NetworkPolicies for the install, proved with the connectivity engine. */
export function registerHarden(program: Command, setExitCode: (code: number) => void): void {
  const harden = program.command('harden').description('write manifests that fix findings');

  addInputOptions(
    harden
      .command('netpol')
      .description('write a default deny and one allow policy per workload and direction for the flows the install needs, then prove them with the connectivity engine')
      .argument('<input...>', INPUT_ARGUMENT),
  )
    .requiredOption('--out <folder>', 'folder for the policy files and README.md (created if missing)')
    .option('--force', 'overwrite files of an earlier bundle in --out')
    .option('--ingress-namespace <name>', 'namespace of the ingress controller', DEFAULT_INGRESS_CONTROLLER.namespace)
    .option('--ingress-label <key=value>', `pod label of the ingress controller (repeatable; default ${labelsText(DEFAULT_INGRESS_CONTROLLER.podLabels)})`, collect, [])
    .option('--replace-existing', "write the bundle to replace the install's own NetworkPolicies in the hardened namespaces; README.md lists them to delete, and the proof leaves them out")
    .option('--no-verify', 'skip the proof that the policies allow exactly the needed flows')
    .action(async (inputs: string[], flags: HardenNetpolFlags) => {
      const ingressController: IngressControllerPeer = { namespace: flags.ingressNamespace, podLabels: flags.ingressLabel.length > 0 ? parseLabels(flags.ingressLabel) : { ...DEFAULT_INGRESS_CONTROLLER.podLabels } };
      if (!LABEL_VALUE.test(ingressController.namespace) || ingressController.namespace === '') throw new UsageError(`invalid --ingress-namespace "${ingressController.namespace}": give a namespace name`);
      assertFolderWritable(flags.out);

      const install = await loadWithFlags(inputs, flags);
      reportInputProblems(install, true);
      const bundle = synthesizeNetpol(buildInventory(install), { ingressController, replaceExisting: Boolean(flags.replaceExisting) });
      if (bundle.namespaces.length === 0) throw new UsageError(`no workloads found in ${inputs.join(', ')}, so there is nothing to write policies for`);

      const files = new Map<string, string>();
      for (const { namespace, policies } of bundle.namespaces) files.set(policyFileName(namespace), renderPolicies(policies));
      files.set('README.md', bundleReadme(bundle, flags.out, ingressController));
      const existing = [...files.keys()].filter((name) => existsSync(path.join(flags.out, name)));
      if (existing.length > 0 && !flags.force) throw new UsageError(`${existing.map((name) => path.join(flags.out, name)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite`);
      writeFiles(flags.out, files);
      note(`wrote ${files.size} files to ${flags.out}`);
      for (const problem of bundle.problems) note(problem);

      if (!flags.verify) return;
      const proof = await proveBundle(install, bundle, ingressController);
      const lines = [formatVerdict(proof), ...formatProofDetails(proof).map((line) => `  ${line}`)];
      process.stdout.write(lines.join('\n') + '\n');
      setExitCode(proof.passed ? EXIT.ok : EXIT.findings);
    });

  for (const command of harden.commands) command.option('--debug', 'show stack traces of internal errors');
}

function parseLabels(entries: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of entries) {
    const separator = entry.indexOf('=');
    const key = separator < 0 ? entry : entry.slice(0, separator);
    const value = separator < 0 ? undefined : entry.slice(separator + 1);
    if (value === undefined || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) throw new UsageError(`invalid --ingress-label "${entry}": give key=value with a valid label key and value, e.g. app.kubernetes.io/name=ingress-nginx`);
    labels[key] = value;
  }
  return labels;
}

function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

function assertFolderWritable(folder: string): void {
  if (folder.trim() === '') throw new UsageError('--out needs a folder path');
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new UsageError(`--out ${folder} is a file; give a folder`);
  // Node 20's recursive mkdir never returns under /proc, so the parent must already exist.
  const parent = path.dirname(path.resolve(folder));
  if (!existsSync(folder) && (!existsSync(parent) || !statSync(parent).isDirectory())) throw new UsageError(`cannot create --out ${folder}: its parent folder ${parent} does not exist`);
}

function writeFiles(folder: string, files: Map<string, string>): void {
  try {
    if (!existsSync(folder)) mkdirSync(folder);
    for (const [name, text] of files) writeFileSync(path.join(folder, name), text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new UsageError(`cannot write to --out ${folder}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message}`);
  }
}
