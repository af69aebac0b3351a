import type { Command } from 'commander';
import { audit, failsAt, namesKnownCheck } from '../audit.js';
import { CATALOG } from '../checks/index.js';
import { SEVERITIES, type Severity } from '../checks/types.js';
import { loadConfig } from '../load/config.js';
import { PROFILE_NAMES, type ProfileRequest } from '../profiles/select.js';
import { FORMATS, REPORTERS, reportChunks } from '../report/index.js';
import { failedChecks } from '../report/summary.js';
import { VERSION } from '../version.js';
import { assertOutputWritable, EXIT, note, UsageError, useColor, writeResult } from './io.js';
import { addBundleOption, addInputOptions, collect, loadWithBundles, selectChecks, type InputFlags } from './options.js';

interface AuditFlags extends InputFlags {
  bundle: string[];
  format: string;
  output?: string;
  force?: boolean;
  failOn?: string;
  allowedRegistry: string[];
  config?: string;
  check: string[];
  profile: string;
  color: boolean;
}

export function registerAudit(program: Command, setExitCode: (code: number) => void): void {
  addBundleOption(
    addInputOptions(
    program
      .command('audit')
      .description('audit an install: files, folders, "-" for stdin, or Helm charts; report every finding with its fix')
      .argument('<input...>', 'manifest file, folder, "-" for standard input, chart folder or packaged chart (.tgz)'),
    ),
  )
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .option('--fail-on <severity>', `exit 1 when a finding at or above this severity is not suppressed: ${SEVERITIES.join(', ')} (default high)`)
    .option('--allowed-registry <host>', 'registry that images may come from (repeatable; default any)', collect, [])
    .option('--config <file>', 'config file with settings and suppressions (default .rampart.yaml when present)')
    .option('--check <id>', 'run only this check, or every check of an area with area/* (repeatable)', collect, [])
    .option('--profile <name>', `product profile: ${PROFILE_NAMES.join(', ')} (auto detects the howso platform)`, 'auto')
    .option('--no-color', 'plain text without colours')
    .action(async (inputs: string[], flags: AuditFlags) => {
      if (!REPORTERS[flags.format]) throw new UsageError(`unknown format "${flags.format}"; use one of ${FORMATS.join(', ')}`);
      if (!(PROFILE_NAMES as readonly string[]).includes(flags.profile)) throw new UsageError(`unknown profile "${flags.profile}"; use one of ${PROFILE_NAMES.join(', ')}`);
      const config = loadConfig(flags.config);
      const unknownSuppression = config.suppressions.find((rule) => !namesKnownCheck(rule.check));
      if (unknownSuppression) throw new UsageError(`invalid config ${config.file}: no check has the id ${unknownSuppression.check}; "rampart checks" lists them`);
      const failOn = (flags.failOn ?? config.failOn ?? 'high') as Severity;
      if (!SEVERITIES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, not "${flags.failOn}"`);
      const checks = selectChecks(CATALOG, flags.check);
      assertOutputWritable(flags.output, Boolean(flags.force));

      const load = await loadWithBundles(inputs, flags);
      const result = audit(load, {
        now: new Date(),
        checkOptions: { allowedRegistries: flags.allowedRegistry.length > 0 ? flags.allowedRegistry : config.allowedRegistries },
        suppressions: config.suppressions,
        checks,
        profile: flags.profile as ProfileRequest,
      });

      const report = reportChunks(flags.format, {
        result,
        checks,
        toolVersion: VERSION,
        baseDirectory: process.cwd(),
        color: flags.output === undefined && useColor(process.stdout, !flags.color),
      });
      writeResult(flags.output, report, Boolean(flags.force));
      for (const outcome of failedChecks(result.outcomes)) note(`check ${outcome.id} could not run: ${outcome.error}`);
      setExitCode(result.findings.some((finding) => failsAt(finding, failOn)) ? EXIT.findings : EXIT.ok);
    });
}
