import type { Locator } from '../load/positions.js';
import type { Inventory } from '../model/inventory.js';
import { formatPath, refOf, type PathSegment, type SourceRef } from '../model/resource.js';
import { renderMessage } from './define.js';
import type { Check, CheckContext, Finding, FindingDraft } from './types.js';

/** Outcome of one check: it ran, or it threw on input it did not expect (reported, never fatal). */
export interface CheckOutcome {
  id: string;
  status: 'ran' | 'failed';
  findings: number;
  error?: string;
}

export interface RunResult {
  findings: Finding[];
  outcomes: CheckOutcome[];
}

/** Runs each check on the Inventory and turns its drafts into Findings with message and position. */
export function runChecks(inventory: Inventory, checks: readonly Check[], context: CheckContext, locator?: Locator): RunResult {
  const findings: Finding[] = [];
  const outcomes: CheckOutcome[] = [];
  const pending: PendingLine[] = [];
  for (const check of checks) {
    let drafts: FindingDraft[];
    try {
      drafts = check.run(inventory, context);
    } catch (error) {
      outcomes.push({ id: check.id, status: 'failed', findings: 0, error: (error as Error).message });
      continue;
    }
    for (const draft of drafts) {
      const finding = toFinding(check, draft);
      findings.push(finding);
      const origin = draft.resource?.source ?? draft.values?.source;
      if (locator && origin && !draft.location) pending.push({ finding, origin, path: draft.path ?? [] });
    }
    outcomes.push({ id: check.id, status: 'ran', findings: drafts.length });
  }
  if (locator) resolveLines(pending, locator);
  return { findings, outcomes };
}

/** Orders by UTF-16 code units, as sorting paths for a stable report needs, not by locale. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

interface PendingLine {
  finding: Finding;
  origin: SourceRef;
  path: PathSegment[];
}

/**
 * Sets the exact line of each finding, document by document, so that each document with
 * findings is parsed for positions once and can be dropped before the next one is parsed.
 */
function resolveLines(pending: PendingLine[], locator: Locator): void {
  pending.sort((a, b) => compareText(a.origin.file, b.origin.file) || a.origin.documentIndex - b.origin.documentIndex);
  for (const entry of pending) entry.finding.line = locator.lineOf(entry.origin, entry.path);
  locator.release();
}

/** Builds a Finding from a draft; its line is the document's until `resolveLines` makes it exact. */
export function toFinding(check: Check, draft: FindingDraft): Finding {
  const data = draft.data ?? {};
  const template = check.messages[draft.messageId];
  if (template === undefined) throw new Error(`check ${check.id}: no message "${draft.messageId}"`);
  const finding: Finding = {
    checkId: check.id,
    area: check.area,
    severity: draft.severity ?? check.severity,
    side: check.side,
    messageId: draft.messageId,
    data,
    message: renderMessage(template, data, check.id),
    remediation: draft.fix ?? check.remediation,
  };
  const origin = draft.resource?.source ?? draft.values?.source;
  if (draft.resource) finding.resource = refOf(draft.resource);
  if (draft.path && draft.path.length > 0) finding.path = formatPath(draft.path);
  if (draft.location) {
    finding.file = draft.location.file;
    finding.line = draft.location.line;
  } else if (origin) {
    finding.file = origin.file;
    finding.line = origin.line;
  }
  return finding;
}
