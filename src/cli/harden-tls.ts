import type { Command } from 'commander';
import { buildInventory } from '../model/inventory.js';
import { applyBundles, BUNDLE_FILE, bundleManifestText, readBundle } from '../harden/bundle.js';
import { overlayFileName, proveTransport } from '../harden/overlay-effects/index.js';
import { renderManifests, renderOverlay } from '../harden/overlay-effects/render.js';
import { CERTIFICATES_FILE, ISSUERS_FILE, tlsReadme } from '../harden/tls-readme.js';
import { synthesizeTls, type TlsBundle } from '../harden/tls.js';
import { assertFolderWritable, formatTransportProof, writeBundle } from './harden-mesh.js';
import { addIngressControllerOptions, ingressControllerFrom, type IngressControllerFlags } from './ingress-controller.js';
import { EXIT, note, UsageError } from './io.js';
import { addInputOptions, loadOptions, loadWithFlags, reportInputProblems, type InputFlags } from './options.js';

interface HardenTlsFlags extends InputFlags, IngressControllerFlags {
  issuer: string;
  out: string;
  existingIssuer?: string;
  clusterIssuer?: boolean;
  caNamespace: string;
  force?: boolean;
  verify: boolean;
}

/** Names of the files a TLS bundle may write, for removing those of an earlier bundle. */
const TLS_BUNDLE_FILE = /^(README\.md|bundle\.yaml|issuers\.yaml|certificates\.yaml|values-[^/]+\.yaml)$/;

const INPUT_ARGUMENT = 'manifest file, folder, "-" for standard input, chart folder or packaged chart (.tgz)';
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** `rampart harden tls`: cert-manager certificates and chart values that turn TLS on, proved with the encryption map. */
export function registerHardenTls(harden: Command, setExitCode: (code: number) => void): void {
  addIngressControllerOptions(
    addInputOptions(
      harden
        .command('tls')
        .description('write cert-manager issuers and certificates and the values overlays that turn TLS on in NATS, PostgreSQL, Redis and MinIO and make the platform verify them, then prove every flow is encrypted and that the install\'s NetworkPolicies still allow every needed flow')
        .argument('<input...>', INPUT_ARGUMENT),
    ),
    'the proof checks the flows from it against the install\'s NetworkPolicies',
  )
    .requiredOption('--issuer <name>', 'what issues the certificates: cert-manager')
    .requiredOption('--out <folder>', 'folder for the manifests, values overlays and README.md (created if missing)')
    .option('--existing-issuer <name>', 'name the Certificates\' issuer instead of bootstrapping a CA')
    .option('--cluster-issuer', 'the --existing-issuer is a ClusterIssuer, not an Issuer')
    .option('--ca-namespace <name>', 'namespace of cert-manager, where the bootstrapped CA keeps its Secret', 'cert-manager')
    .option('--force', 'overwrite files of an earlier bundle in --out')
    .option('--no-verify', 'skip the proof that every flow of the hardened install is encrypted')
    .action(async (inputs: string[], flags: HardenTlsFlags) => {
      if (flags.issuer !== 'cert-manager') throw new UsageError(`invalid --issuer "${flags.issuer}": only cert-manager is supported`);
      if (flags.clusterIssuer && !flags.existingIssuer) throw new UsageError('--cluster-issuer needs --existing-issuer NAME');
      if (flags.existingIssuer !== undefined && !NAME.test(flags.existingIssuer)) throw new UsageError(`invalid --existing-issuer "${flags.existingIssuer}": give the name of a cert-manager Issuer or ClusterIssuer`);
      if (!NAME.test(flags.caNamespace)) throw new UsageError(`invalid --ca-namespace "${flags.caNamespace}": give a namespace name`);
      assertFolderWritable(flags.out);
      const ingressController = ingressControllerFrom(flags);

      const install = await loadWithFlags(inputs, flags);
      reportInputProblems(install, true);
      const bundle = synthesizeTls(buildInventory(install), {
        caNamespace: flags.caNamespace,
        ...(flags.existingIssuer ? { existingIssuer: flags.existingIssuer } : {}),
        ...(flags.clusterIssuer ? { clusterIssuer: true } : {}),
      });
      if (bundle.services.length === 0) throw new UsageError(`no NATS, PostgreSQL, Redis or MinIO server found in ${inputs.join(', ')}, and the input is not the platform, so there is nothing to issue certificates for`);

      writeBundle(flags.out, tlsFiles(bundle, flags.out), Boolean(flags.force), TLS_BUNDLE_FILE);
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

/** Renders every file of a TLS bundle, by file name. */
export function tlsFiles(bundle: TlsBundle, folder: string): Map<string, string> {
  const files = new Map<string, string>();
  if (bundle.issuers.length > 0) files.set(ISSUERS_FILE, renderManifests(bundle.issuers));
  files.set(CERTIFICATES_FILE, renderManifests(bundle.certificates));
  for (const overlay of bundle.overlays) {
    files.set(overlayFileName(overlay.release), renderOverlay(overlay, `Values for release ${overlay.release} (${overlay.chart}) in namespace ${overlay.namespace}, written by rampart harden tls.\nApply with helm upgrade ${overlay.release} … --reuse-values -f ${overlayFileName(overlay.release)}, after the certificates are Ready.`));
  }
  files.set('README.md', tlsReadme(bundle, folder));
  const manifests = [...(bundle.issuers.length > 0 ? [ISSUERS_FILE] : []), CERTIFICATES_FILE];
  files.set(BUNDLE_FILE, bundleManifestText('harden tls', manifests, bundle.overlays, (overlay) => overlayFileName(overlay.release)));
  return files;
}
