import type { Resource } from '../model/resource.js';
import type { Finding, Suppression } from './types.js';

/** The annotation that suppresses findings on the object it is set on. */
export const SUPPRESS_ANNOTATION = 'rampart.dev/suppress';

/** One suppression, from an annotation or from the config file. */
export interface SuppressionRule {
  /** A check id, or `area/*` for every check of an area. */
  check: string;
  reason: string;
  /** `YYYY-MM-DD`: the day after which the finding fires again. */
  expires?: string;
  /** Config entries only: `Kind/namespace/name` or `Kind/name`, `*` matching any part. */
  resource?: string;
  by: string;
}

export interface AnnotationParse {
  rules: SuppressionRule[];
  errors: string[];
}

const ANNOTATION_LINE = /^([a-z]+\/(?:\*|[a-z0-9-]+))(?:\s+until\s+(\d{4}-\d{2}-\d{2}))?\s*:\s*(.*)$/;

/**
 * Parses `rampart.dev/suppress`: one entry a line, `CHECK-ID[ until YYYY-MM-DD]: reason`.
 * An entry without a reason is an error, so that every suppression explains itself.
 */
export function parseSuppressAnnotation(value: string): AnnotationParse {
  const result: AnnotationParse = { rules: [], errors: [] };
  for (const raw of value.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const match = ANNOTATION_LINE.exec(line);
    if (!match) {
      result.errors.push(`"${line}" is not "CHECK-ID[ until YYYY-MM-DD]: reason"`);
      continue;
    }
    const [, check, expires, reason] = match;
    if (reason.trim() === '') {
      result.errors.push(`the suppression of ${check} has no reason`);
      continue;
    }
    if (expires !== undefined && !isValidDate(expires)) {
      result.errors.push(`the suppression of ${check} expires on an invalid date: ${expires}`);
      continue;
    }
    const rule: SuppressionRule = { check, reason: reason.trim(), by: 'annotation' };
    if (expires !== undefined) rule.expires = expires;
    result.rules.push(rule);
  }
  return result;
}

export function isValidDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Tells whether a rule has expired: it applies through the whole of its expiry day (UTC) and stops the day after. */
export function isExpired(rule: SuppressionRule, now: Date): boolean {
  if (rule.expires === undefined) return false;
  return now.getTime() >= new Date(`${rule.expires}T00:00:00Z`).getTime() + 24 * 3600 * 1000;
}

function matchesCheck(pattern: string, checkId: string): boolean {
  return pattern.endsWith('/*') ? checkId.startsWith(pattern.slice(0, -1)) : pattern === checkId;
}

function matchesResource(pattern: string | undefined, finding: Finding): boolean {
  if (pattern === undefined) return true;
  const resource = finding.resource;
  if (!resource) return false;
  const parts = pattern.split('/');
  const wanted = parts.length === 2 ? [parts[0], undefined, parts[1]] : parts;
  const actual = [resource.kind, resource.namespace, resource.name];
  return wanted.every((part, index) => part === undefined || part === '*' || part === actual[index]);
}

/**
 * Marks findings that a rule suppresses. An expired rule does not suppress: the finding
 * fires again and carries the expired rule so that the report can show it.
 */
export function applySuppressions(
  findings: Finding[],
  rulesFor: (finding: Finding) => SuppressionRule[],
  now: Date,
): { expired: Map<Finding, SuppressionRule> } {
  const expired = new Map<Finding, SuppressionRule>();
  for (const finding of findings) {
    for (const rule of rulesFor(finding)) {
      if (!matchesCheck(rule.check, finding.checkId) || !matchesResource(rule.resource, finding)) continue;
      if (isExpired(rule, now)) {
        expired.set(finding, rule);
        continue;
      }
      const suppression: Suppression = { reason: rule.reason, by: rule.by };
      if (rule.expires !== undefined) suppression.expires = rule.expires;
      finding.suppressed = suppression;
      break;
    }
  }
  return { expired };
}

export function annotationRules(resource: Resource | undefined, cache: Map<Resource, SuppressionRule[]>): SuppressionRule[] {
  if (!resource) return [];
  let rules = cache.get(resource);
  if (!rules) {
    const value = resource.annotations[SUPPRESS_ANNOTATION];
    rules = value === undefined ? [] : parseSuppressAnnotation(value).rules;
    cache.set(resource, rules);
  }
  return rules;
}
