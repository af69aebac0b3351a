import type { Command } from 'commander';
import { CATALOG, findCheck } from '../checks/index.js';
import type { Check } from '../checks/types.js';
import { UsageError, writeResult } from './io.js';

export function registerChecks(program: Command): void {
  program
    .command('checks')
    .description('list the check catalog, or print the documentation of one check')
    .argument('[id]', 'check id, e.g. pss/run-as-non-root, or an area such as pss')
    .option('--format <format>', 'text or json', 'text')
    .action((id: string | undefined, flags: { format: string }) => {
      if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`unknown format "${flags.format}"; use text or json`);
      if (id !== undefined && !id.includes('/')) {
        // An area name lists that area's checks.
        const inArea = CATALOG.filter((check) => check.area === id);
        if (inArea.length === 0) throw new UsageError(`no check or area is named "${id}"; "rampart checks" lists them`);
        writeResult(undefined, flags.format === 'json' ? JSON.stringify(inArea.map(checkMetadata), null, 2) + '\n' : listChecks(inArea), false);
        return;
      }
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
      writeResult(undefined, listChecks(CATALOG), false);
    });
}

function listChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((check) => check.id.length));
  const lines = checks.map((check) => `${check.id.padEnd(width)}  ${check.severity.padEnd(8)}  ${check.side.padEnd(8)}  ${check.description}`);
  return lines.join('\n') + `\n${checks.length} check${checks.length === 1 ? '' : 's'}\n`;
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
