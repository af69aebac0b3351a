import type { Command } from 'commander';
import { neededFlowsOf } from '../model/cluster-flows.js';
import { buildInventory } from '../model/inventory.js';
import { PROFILE_NAMES, selectProfile, type ProfileRequest } from '../profiles/select.js';
import { encryptionMap } from '../transport/encryption.js';
import { formatMap, hasUnencryptedFlow, MAP_FORMATS, type MapFormat } from '../transport/format.js';
import { assertOutputWritable, EXIT, note, UsageError, writeResult } from './io.js';
import { addBundleOption, addInputOptions, loadWithBundles, reportInputProblems, type InputFlags } from './options.js';

interface MapFlags extends InputFlags {
  bundle: string[];
  format: string;
  output?: string;
  force?: boolean;
  profile: string;
}

const OUTSIDE_ONLY =
  'the input names only Services that it does not contain, and the map includes flows to such Services only for the datastores of the howso-platform profile; "rampart netpol flows" lists every flow';

/**
 * `rampart transport map`: every flow the install needs with how it is encrypted. Exits 0 when
 * every flow is encrypted (mesh mTLS or TLS), 1 when a flow is plaintext or TLS optional.
 */
export function registerTransport(program: Command, setExitCode: (code: number) => void): void {
  const transport = program.command('transport').description('encryption of the connections the install needs');

  addBundleOption(
    addInputOptions(
    transport
      .command('map')
      .description('list every flow with its verdict (mesh mTLS, TLS, TLS optional, plaintext) and the evidence; exit 1 when a flow is plaintext or TLS optional')
      .argument('<input...>', 'manifest file, folder, "-" for standard input, chart folder or packaged chart (.tgz)'),
    ),
  )
    .option('--format <format>', `output format: ${MAP_FORMATS.join(', ')}`, 'text')
    .option('-o, --output <file>', 'write the map to a file instead of standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .option('--profile <name>', `product profile: ${PROFILE_NAMES.join(', ')} (auto detects the howso platform, whose datastores may be outside the input)`, 'auto')
    .action(async (inputs: string[], flags: MapFlags) => {
      if (!(MAP_FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`unknown format "${flags.format}"; use one of ${MAP_FORMATS.join(', ')}`);
      if (!(PROFILE_NAMES as readonly string[]).includes(flags.profile)) throw new UsageError(`unknown profile "${flags.profile}"; use one of ${PROFILE_NAMES.join(', ')}`);
      assertOutputWritable(flags.output, Boolean(flags.force));

      const load = await loadWithBundles(inputs, flags);
      // A document that did not parse may hold a server or its TLS settings, so the map would be wrong.
      reportInputProblems(load, true);
      const inventory = buildInventory(load);
      const profile = selectProfile(inventory, flags.profile as ProfileRequest);
      const platform = profile?.name === 'howso-platform';
      const map = encryptionMap(inventory, platform);
      // Flows to Services that the input names but does not contain are mapped only for the platform's datastores.
      const outsideOnly = map.length === 0 && !platform && neededFlowsOf(inventory).some((flow) => flow.purpose !== 'dns' && !flow.destination && !flow.destinationPods);
      if (outsideOnly && flags.format !== 'text') note(`no flows mapped: ${OUTSIDE_ONLY}`);
      else if (map.length === 0 && !outsideOnly) note('no flows found in the input');

      const output = outsideOnly && flags.format === 'text' ? `No flows found: ${OUTSIDE_ONLY}.\n` : formatMap(map, flags.format as MapFormat);
      writeResult(flags.output, output, Boolean(flags.force));
      setExitCode(hasUnencryptedFlow(map) ? EXIT.findings : EXIT.ok);
    });

  // main.ts adds --debug to top-level commands only.
  for (const command of transport.commands) command.option('--debug', 'show stack traces of internal errors');
}
