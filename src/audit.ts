import { CATALOG } from './checks/index.js';
import { runChecks, type CheckOutcome } from './checks/run.js';
import { annotationRules, applySuppressions, type SuppressionRule } from './checks/suppressions.js';
import { AREAS, SEVERITIES, type Check, type CheckContext, type CheckOptions, type Finding, type Severity } from './checks/types.js';
import type { LoadResult } from './load/index.js';
import { Locator } from './load/positions.js';
import { buildInventory, type Inventory } from './model/inventory.js';
import type { Resource } from './model/resource.js';
import { selectProfile, type ActiveProfile, type ProfileRequest } from './profiles/select.js';

export interface AuditOptions {
  now: Date;
  checkOptions: CheckOptions;
  suppressions?: SuppressionRule[];
  /** Run only these checks; the whole catalog when absent. */
  checks?: readonly Check[];
  /** `auto` (the default) detects the platform from its workloads, releases or values keys. */
  profile?: ProfileRequest;
}

export interface AuditResult {
  inventory: Inventory;
  profile?: ActiveProfile;
  /** Every finding, suppressed ones included (they carry `suppressed`). */
  findings: Finding[];
  outcomes: CheckOutcome[];
}

/** Runs the whole audit, offline and without side effects: model, checks, suppressions, positions. */
export function audit(load: LoadResult, options: AuditOptions): AuditResult {
  const inventory = buildInventory(load);
  const locator = new Locator(load.sources);
  const profile = selectProfile(inventory, options.profile ?? 'auto');
  const knownCheckIds = new Set(CATALOG.map((check) => check.id));
  const context: CheckContext = { now: options.now, options: options.checkOptions, knownCheckIds, ...(profile ? { profile } : {}) };
  const { findings, outcomes } = runChecks(inventory, options.checks ?? CATALOG, context, locator);

  const resourceByRef = new Map<string, Resource>();
  for (const resource of inventory.resources) resourceByRef.set(refKey(resource), resource);
  const cache = new Map<Resource, SuppressionRule[]>();
  const configRules = options.suppressions ?? [];
  applySuppressions(
    findings,
    (finding) => {
      const resource = finding.resource ? resourceByRef.get(refKey(finding.resource)) : undefined;
      return [...annotationRules(resource, cache), ...configRules];
    },
    options.now,
  ).expired.forEach((rule, finding) => {
    finding.expiredSuppression = { reason: rule.reason, by: rule.by, ...(rule.expires ? { expires: rule.expires } : {}) };
  });

  findings.sort(compareFindings);
  return { inventory, ...(profile ? { profile } : {}), findings, outcomes };
}

function refKey(ref: { kind: string; namespace?: string; name: string; apiVersion: string }): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when a finding counts against `--fail-on`: at or above it and not suppressed. */
export function failsAt(finding: Finding, failOn: Severity): boolean {
  return !finding.suppressed && severityRank(finding.severity) <= severityRank(failOn);
}

/** Report order: area, severity, file, line, check. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    AREAS.indexOf(a.area) - AREAS.indexOf(b.area) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    a.checkId.localeCompare(b.checkId) ||
    a.message.localeCompare(b.message)
  );
}

/** True when a suppression pattern (`area/slug` or `area/*`) names something in the catalog. */
export function namesKnownCheck(pattern: string): boolean {
  if (pattern.endsWith('/*')) return (AREAS as readonly string[]).includes(pattern.slice(0, -2));
  return CATALOG.some((check) => check.id === pattern);
}
