import pc from 'picocolors';
import { AREAS, type Finding, type Severity } from '../checks/types.js';
import { describeRef } from '../model/resource.js';
import { summarize, summaryLine } from './summary.js';
import type { ReportInput } from './types.js';

const SEVERITY_COLOR: Record<Severity, (text: string) => string> = {
  critical: (text) => pc.bold(pc.red(text)),
  high: pc.red,
  medium: pc.yellow,
  low: pc.cyan,
  info: pc.dim,
};

/** Findings grouped by area: severity, check, resource, position, message and fix; then one summary line. */
export function textReport({ result, color }: ReportInput): string {
  const paint = (style: (text: string) => string, text: string) => (color ? style(text) : text);
  const lines: string[] = [];
  for (const area of AREAS) {
    const inArea = result.findings.filter((finding) => finding.area === area);
    if (inArea.length === 0) continue;
    lines.push(paint(pc.bold, area));
    for (const finding of inArea) lines.push(...formatFinding(finding, paint), '');
  }
  const failed = result.outcomes.filter((outcome) => outcome.status === 'failed');
  for (const outcome of failed) lines.push(`check ${outcome.id} could not run: ${outcome.error}`);
  lines.push(summaryLine(summarize(result.findings)));
  return lines.join('\n') + '\n';
}

function formatFinding(finding: Finding, paint: (style: (text: string) => string, text: string) => string): string[] {
  const severity = paint(SEVERITY_COLOR[finding.severity], finding.severity.toUpperCase().padEnd(8));
  const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}` : '';
  const subject = finding.resource ? describeRef(finding.resource) : '';
  const head = [`  ${severity} ${finding.checkId}`, subject, where].filter(Boolean).join('  ');
  const out = [head, `           ${finding.message}`];
  if (finding.path) out.push(`           at ${finding.path}`);
  out.push(`           fix: ${finding.remediation}`);
  if (finding.suppressed) out.push(paint(pc.dim, `           suppressed (${finding.suppressed.by}): ${finding.suppressed.reason}`));
  if (finding.expiredSuppression) out.push(`           suppression expired on ${finding.expiredSuppression.expires}: ${finding.expiredSuppression.reason}`);
  return out;
}
