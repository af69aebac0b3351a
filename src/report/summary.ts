import { AREAS, SEVERITIES, SIDES, type Area, type Finding, type Severity, type Side } from '../checks/types.js';
import type { CheckOutcome } from '../checks/run.js';

export interface Summary {
  /** Findings that are not suppressed. */
  total: number;
  bySeverity: Record<Severity, number>;
  bySide: Record<Side, number>;
  suppressed: number;
  /** Findings that count again because the suppression that matched them has expired. */
  expiredSuppressions: number;
}

/** Counts the findings that are not suppressed by severity and by side, and counts suppressed findings apart. */
export function summarize(findings: readonly Finding[]): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  const bySide = Object.fromEntries(SIDES.map((side) => [side, 0])) as Record<Side, number>;
  let total = 0;
  let suppressed = 0;
  let expiredSuppressions = 0;
  for (const finding of findings) {
    if (finding.suppressed) {
      suppressed++;
      continue;
    }
    total++;
    bySeverity[finding.severity]++;
    bySide[finding.side]++;
    if (finding.expiredSuppression) expiredSuppressions++;
  }
  return { total, bySeverity, bySide, suppressed, expiredSuppressions };
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Formats the summary as one line: "5 findings (1 critical, 4 high; by side: chart 3, operator 2), 2 suppressed, 1 suppression expired". */
export function summaryLine(summary: Summary): string {
  const severities = SEVERITIES.filter((severity) => summary.bySeverity[severity] > 0).map((severity) => `${summary.bySeverity[severity]} ${severity}`);
  const sides = SIDES.filter((side) => summary.bySide[side] > 0).map((side) => `${side} ${summary.bySide[side]}`);
  let line = plural(summary.total, 'finding');
  if (summary.total > 0) line += ` (${severities.join(', ')}; by side: ${sides.join(', ')})`;
  if (summary.suppressed > 0) line += `, ${summary.suppressed} suppressed`;
  if (summary.expiredSuppressions > 0) line += `, ${plural(summary.expiredSuppressions, 'suppression')} expired`;
  return line;
}

export interface AreaGroup {
  area: Area;
  findings: Finding[];
}

/** Groups findings by area in the report order of areas and leaves out empty areas. Order inside an area is kept. */
export function groupByArea(findings: readonly Finding[]): AreaGroup[] {
  const byArea = new Map<Area, Finding[]>();
  for (const finding of findings) {
    const group = byArea.get(finding.area);
    if (group) group.push(finding);
    else byArea.set(finding.area, [finding]);
  }
  return AREAS.filter((area) => byArea.has(area)).map((area) => ({ area, findings: byArea.get(area) ?? [] }));
}

/** Selects the outcomes of checks that threw instead of returning findings, which every format reports. */
export function failedChecks(outcomes: readonly CheckOutcome[]): CheckOutcome[] {
  return outcomes.filter((outcome) => outcome.status === 'failed');
}

/** Formats the sentence that every format uses for a check that threw. */
export function failedCheckMessage(outcome: CheckOutcome): string {
  return `Check ${outcome.id} could not run: ${outcome.error ?? 'unknown error'}.`;
}
