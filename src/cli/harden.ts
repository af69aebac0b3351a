import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BUNDLE_FILE, bundleManifestText } from '../harden/bundle.js';
import { bundleReadme, policyFileName } from '../harden/netpol-readme.js';
import { renderPolicies, synthesizeNetpol, type IngressControllerPeer } from '../harden/netpol.js';
import { formatProofDetails, formatVerdict, proveBundle } from '../harden/verify.js';
import { registerHardenMesh, writeBundle } from './harden-mesh.js';
import { registerHardenTls } from './harden-tls.js';
import { buildInventory } from '../model/inventory.js';
import { refOf } from '../model/resource.js';
import { EXIT, note, UsageError } from './io.js';
import { escapeControl } from '../report/escape.js';
import { addIngressControllerOptions, ingressControllerFrom, type IngressControllerFlags } from './ingress-controller.js';
import { addBundleOption, addInputOptions, loadWithBundles, reportInputProblems, type InputFlags } from './options.js';

interface HardenNetpolFlags extends InputFlags, IngressControllerFlags {
  bundle: string[];
  out: string;
  force?: boolean;
  verify: boolean;
  replaceExisting?: boolean;
}

/** Files that a netpol bundle writes, which --force may remove when a later bundle no longer writes them. */
const NETPOL_BUNDLE_FILE = /^(README\.md|bundle\.yaml|networkpolicies-.+\.yaml)$/;

const INPUT_ARGUMENT = 'manifest file, folder, "-" for standard input, chart folder or packaged chart (.tgz)';

/** `rampart harden netpol`: least-privilege NetworkPolicies for the install, proved with the connectivity engine. */
export function registerHarden(program: Command, setExitCode: (code: number) => void): void {
  const harden = program.command('harden').description('write manifests that fix findings');

  addIngressControllerOptions(
    addBundleOption(
      addInputOptions(
        harden
          .command('netpol')
          .description('write a default deny and one allow policy per workload and direction for the flows the install needs, then prove them with the connectivity engine')
          .argument('<input...>', INPUT_ARGUMENT),
      ),
    )
      .requiredOption('--out <folder>', 'folder for the policy files and README.md (created if missing)')
      .option('--force', 'overwrite an earlier bundle in --out and remove its policy files that this bundle does not write'),
  )
    .option('--replace-existing', "write the bundle to replace the install's own NetworkPolicies in the hardened namespaces; README.md and bundle.yaml list them to delete, and the proof leaves them out")
    .option('--no-verify', 'skip the proof that the policies allow exactly the needed flows')
    .action(async (inputs: string[], flags: HardenNetpolFlags) => {
      const ingressController: IngressControllerPeer = ingressControllerFrom(flags);
      assertFolderWritable(flags.out);

      // With --bundle, the policies and their proof are for the install as those bundles leave it.
      const install = await loadWithBundles(inputs, flags);
      reportInputProblems(install, true);
      const bundle = synthesizeNetpol(buildInventory(install), { ingressController, replaceExisting: Boolean(flags.replaceExisting) });
      if (bundle.namespaces.length === 0) throw new UsageError(`no workloads found in ${inputs.join(', ')}, so there is nothing to write policies for`);

      const files = new Map<string, string>();
      for (const { namespace, policies } of bundle.namespaces) files.set(policyFileName(namespace), renderPolicies(policies));
      files.set('README.md', bundleReadme(bundle, flags.out, ingressController));
      // With --replace-existing, the install's own policies are listed as deletions, so that
      // audit --bundle and the proofs of harden mesh|tls see the install without them.
      const deletes = bundle.replacesExisting ? bundle.existingPolicies.map(refOf) : [];
      files.set(BUNDLE_FILE, bundleManifestText('harden netpol', bundle.namespaces.map(({ namespace }) => policyFileName(namespace)), [], () => '', deletes));
      writeBundle(flags.out, files, Boolean(flags.force), NETPOL_BUNDLE_FILE);
      for (const problem of bundle.problems) note(problem);

      if (!flags.verify) return;
      const proof = await proveBundle(install, bundle, ingressController);
      const lines = [formatVerdict(proof), ...formatProofDetails(proof).map((line) => `  ${line}`)];
      process.stdout.write(lines.map(escapeControl).join('\n') + '\n');
      setExitCode(proof.passed ? EXIT.ok : EXIT.findings);
    });

  registerHardenMesh(harden, setExitCode);
  registerHardenTls(harden, setExitCode);
  for (const command of harden.commands) command.option('--debug', 'show stack traces of internal errors');
}

function assertFolderWritable(folder: string): void {
  if (folder.trim() === '') throw new UsageError('--out needs a folder path');
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new UsageError(`--out ${folder} is a file; give a folder`);
  // Node 20's recursive mkdir never returns under /proc, so the parent must already exist.
  const parent = path.dirname(path.resolve(folder));
  if (existsSync(folder)) return;
  let existing = parent;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (!statSync(existing).isDirectory()) throw new UsageError(`cannot create --out ${folder}: ${existing} is a file, not a folder`);
  if (existing !== parent) throw new UsageError(`cannot create --out ${folder}: its parent folder ${parent} does not exist`);
}

