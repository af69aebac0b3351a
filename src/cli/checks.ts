import type { Command } from 'commander';
import { CATALOG, findCheck } from '../checks/index.js';
import type { Check } from '../checks/types.js';
import { UsageError, writeResult } from './io.js';

export function registerChecks(program: Command): void {
  program
    .command('checks')
    .description('list the check catalog, or print the documentation of one check')
    .argument('[id]', 'check id, e.g. pss/run-as-non-root')
    .option('--format <format>', 'text or json', 'text')
    .action((id: string | undefined, flags: { format: string }) => {
      if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`unknown format "${flags.format}"; use text or json`);
      if (id !== undefined) {
        const check = findCheck(id);
        if (!check) throw new UsageError(`no check has the id "${id}"; "rampart checks" lists them`);
        writeResult(undefined, flags.format === 'json' ? JSON.stringify(checkMetadata(check), null, 2) + '\n' : describeCheck(check), false);
        return;
      }
      if (flags.format === 'json') {
        writeResult(undefined, JSON.stringify(CATALOG.map(checkMetadata), null, 2) + '\n', false);
        return;
      }
      const width = Math.max(...CATALOG.map((check) => check.id.length));
      const lines = CATALOG.map((check) => `${check.id.padEnd(width)}  ${check.severity.padEnd(8)}  ${check.side.padEnd(8)}  ${check.description}`);
      writeResult(undefined, lines.join('\n') + `\n${CATALOG.length} checks\n`, false);
    });
}

/** Strips `run` from a check, leaving its serialisable metadata. */
export function checkMetadata(check: Check): Omit<Check, 'run'> {
  const { run: _run, ...metadata } = check;
  return metadata;
}

export function describeCheck(check: Check): string {
  const lines = [
    check.id,
    `  severity:    ${check.severity}`,
    `  side:        ${check.side}`,
    `  holds when:  ${check.description}`,
    `  why:         ${check.rationale}`,
    `  fix:         ${check.remediation}`,
  ];
  if (check.limitations?.length) lines.push('  limits:', ...check.limitations.map((limit) => `    - ${limit}`));
  if (check.references?.length) lines.push('  references:', ...check.references.map((reference) => `    - ${reference}`));
  return lines.join('\n') + '\n';
}
