import { SEVERITIES, SIDES, type Finding, type Severity, type Side } from '../checks/types.js';

export interface Summary {
  total: number;
  bySeverity: Record<Severity, number>;
  bySide: Record<Side, number>;
  suppressed: number;
}

/** Counts the findings that are not suppressed, by severity and by side; suppressed ones apart. */
export function summarize(findings: readonly Finding[]): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  const bySide = Object.fromEntries(SIDES.map((side) => [side, 0])) as Record<Side, number>;
  let total = 0;
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.suppressed) {
      suppressed++;
      continue;
    }
    total++;
    bySeverity[finding.severity]++;
    bySide[finding.side]++;
  }
  return { total, bySeverity, bySide, suppressed };
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** One line: "5 findings (1 critical, 4 high; chart 3, operator 2); 2 suppressed". */
export function summaryLine(summary: Summary): string {
  const severities = SEVERITIES.filter((severity) => summary.bySeverity[severity] > 0).map((severity) => `${summary.bySeverity[severity]} ${severity}`);
  const sides = SIDES.filter((side) => summary.bySide[side] > 0).map((side) => `${side} ${summary.bySide[side]}`);
  let line = plural(summary.total, 'finding');
  if (summary.total > 0) line += ` (${severities.join(', ')}; by side: ${sides.join(', ')})`;
  if (summary.suppressed > 0) line += `, ${summary.suppressed} suppressed`;
  return line;
}
