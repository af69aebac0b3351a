import pc from 'picocolors';
import type { Finding, Severity } from '../checks/types.js';
import { describeRef } from '../model/resource.js';
import { escapeControl } from './escape.js';
import { failedCheckMessage, failedChecks, groupByArea, plural, summarize, summaryLine } from './summary.js';
import type { ReportInput } from './types.js';

type Colors = ReturnType<typeof pc.createColors>;

const SEVERITY_STYLE: Record<Severity, (colors: Colors, text: string) => string> = {
  critical: (colors, text) => colors.bold(colors.red(text)),
  high: (colors, text) => colors.red(text),
  medium: (colors, text) => colors.yellow(text),
  low: (colors, text) => colors.cyan(text),
  info: (colors, text) => colors.dim(text),
};

const INDENT = ' '.repeat(11);

/** Findings grouped by area: severity, check, resource, position, message and fix; then one summary line. */
export function textReport({ result, color }: ReportInput): string {
  // The caller decides on colour (terminal, NO_COLOR, --no-color); picocolors' own guess from
  // the environment would otherwise override that decision in either direction.
  const colors = pc.createColors(color);
  const lines: string[] = [];
  for (const group of groupByArea(result.findings)) {
    lines.push(colors.bold(group.area));
    for (const finding of group.findings) lines.push(...formatFinding(escapeFinding(finding), colors), '');
  }
  for (const outcome of failedChecks(result.outcomes)) lines.push(failedCheckMessage(outcome));
  lines.push(auditedLine(result), summaryLine(summarize(result.findings)));
  return lines.join('\n') + '\n';
}

function formatFinding(finding: Finding, colors: Colors): string[] {
  const severity = SEVERITY_STYLE[finding.severity](colors, finding.severity.toUpperCase().padEnd(8));
  const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}` : '';
  const subject = finding.resource ? describeRef(finding.resource) : '';
  const head = [`  ${severity} ${finding.checkId}`, subject, where].filter(Boolean).join('  ');
  const out = [head, `${INDENT}${finding.message}`];
  if (finding.path) out.push(`${INDENT}at ${finding.path}`);
  out.push(`${INDENT}fix: ${finding.remediation}`);
  if (finding.suppressed) out.push(colors.dim(`${INDENT}suppressed (${finding.suppressed.by}): ${finding.suppressed.reason}`));
  if (finding.expiredSuppression) {
    const { expires, by, reason } = finding.expiredSuppression;
    out.push(`${INDENT}counts again: the suppression (${by}) expired on ${expires ?? 'an unknown date'}: ${reason}`);
  }
  return out;
}

/** States what was audited and with which profile, so that an empty report is not mistaken for a clean one. */
function auditedLine(result: ReportInput['result']): string {
  const { resources, values } = result.inventory;
  const profile = result.profile ? `, profile ${result.profile.name} (${result.profile.detected ? 'detected' : 'requested'})` : ', no product profile';
  return `audited ${plural(resources.length, 'object')} and ${plural(values.length, 'values document')}${profile}`;
}

function escapeFinding(finding: Finding): Finding {
  const copy: Finding = { ...finding, message: escapeControl(finding.message), remediation: escapeControl(finding.remediation) };
  if (finding.file) copy.file = escapeControl(finding.file);
  if (finding.path) copy.path = escapeControl(finding.path);
  if (finding.resource) {
    copy.resource = { ...finding.resource, kind: escapeControl(finding.resource.kind), name: escapeControl(finding.resource.name) };
    if (finding.resource.namespace) copy.resource.namespace = escapeControl(finding.resource.namespace);
  }
  if (finding.suppressed) copy.suppressed = { ...finding.suppressed, reason: escapeControl(finding.suppressed.reason), by: escapeControl(finding.suppressed.by) };
  if (finding.expiredSuppression) copy.expiredSuppression = { ...finding.expiredSuppression, reason: escapeControl(finding.expiredSuppression.reason) };
  return copy;
}
