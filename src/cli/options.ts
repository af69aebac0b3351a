import type { Check } from '../checks/types.js';
import { UsageError } from './io.js';

/** Commander reducer for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Checks that always run, so that a `--check` filter never hides input that could not be read. */
const ALWAYS_RUN = new Set(['input/parse-error', 'input/invalid-object']);

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
