import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Check, Finding, Severity, Suppression } from '../checks/types.js';
import { groupOf } from '../model/resource.js';
import { failedCheckMessage, failedChecks } from './summary.js';
import type { ReportInput } from './types.js';

// SARIF 2.1.0 is an OASIS standard. The interfaces below cover only the properties rampart
// writes. The schema that sarif-multitool 5.7.0 ships (sarif-2.1.0.json) has the rest.

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** The uriBaseId that relative artifact URIs are resolved against: the base directory of the audit. */
export const SOURCE_ROOT = '%SRCROOT%';

/** Key of the fingerprint in `partialFingerprints`. Its version changes whenever the hashed fields change. */
export const FINGERPRINT_KEY = 'rampartFinding/v1';

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifMessage {
  text: string;
  markdown?: string;
}

interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface SarifLogicalLocation {
  name: string;
  fullyQualifiedName: string;
  kind: string;
  properties?: Record<string, string>;
}

interface SarifLocation {
  physicalLocation?: { artifactLocation: SarifArtifactLocation; region?: { startLine: number } };
  logicalLocations?: SarifLogicalLocation[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: Required<SarifMessage>;
  defaultConfiguration: { level: SarifLevel };
  properties: Record<string, string | string[]>;
}

interface SarifSuppression {
  kind: 'inSource' | 'external';
  status: 'accepted';
  justification: string;
  location?: SarifLocation;
  properties?: Record<string, string>;
}

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: SarifSuppression[];
  properties: Record<string, unknown>;
}

interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  associatedRule?: { id: string; index?: number };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; semanticVersion: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: SarifNotification[] }>;
    results: SarifResult[];
  }>;
}

const LEVEL: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * Scores for GitHub code scanning's `security-severity` rule property. Code scanning maps a score
 * to critical (9.0 to 10.0), high (7.0 to 8.9), medium (4.0 to 6.9) or low (0.1 to 3.9).
 * An info check has none, so code scanning shows it by its level only. Source:
 * https://github.blog/changelog/2021-07-19-codeql-code-scanning-new-severity-levels-for-security-alerts/
 */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: undefined,
};

/** Renders the audit as one SARIF run: a rule for every selected check and a result for every finding, suppressed ones included. */
export function sarifReport({ result, checks, toolVersion, baseDirectory }: ReportInput): string {
  const base = path.resolve(baseDirectory);
  const ruleIndex = new Map<string, number>(checks.map((check, index) => [check.id, index]));

  const notifications: SarifNotification[] = failedChecks(result.outcomes).map((outcome) => {
    const index = ruleIndex.get(outcome.id);
    return {
      level: 'error',
      message: { text: failedCheckMessage(outcome) },
      associatedRule: index === undefined ? { id: outcome.id } : { id: outcome.id, index },
    };
  });

  // A check that throws does not stop the run, so the run counts as successful and the
  // notifications name the checks whose findings are missing.
  const log: SarifLog = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'rampart', version: toolVersion, semanticVersion: toolVersion, rules: checks.map(ruleOf) } },
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: directoryUri(base) } },
        invocations: [notifications.length > 0 ? { executionSuccessful: true, toolExecutionNotifications: notifications } : { executionSuccessful: true }],
        results: result.findings.map((finding) => resultOf(finding, ruleIndex.get(finding.checkId), base)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function ruleOf(check: Check): SarifRule {
  const properties: Record<string, string | string[]> = {
    area: check.area,
    side: check.side,
    severity: check.severity,
    // Code scanning reads `security-severity` only from rules tagged `security`.
    tags: ['security', check.area, check.side],
  };
  const securitySeverity = SECURITY_SEVERITY[check.severity];
  if (securitySeverity !== undefined) properties['security-severity'] = securitySeverity;

  const markdown = [`**Holds when:** ${check.description}`, `**Why:** ${check.rationale}`, `**Fix:** ${check.remediation}`];
  if (check.limitations?.length) markdown.push(`**Limits:**\n\n${check.limitations.map((limit) => `- ${limit}`).join('\n')}`);
  if (check.references?.length) markdown.push(`**References:**\n\n${check.references.map((reference) => `- ${reference}`).join('\n')}`);

  return {
    id: check.id,
    name: ruleName(check.id),
    shortDescription: { text: check.description },
    fullDescription: { text: check.rationale },
    help: { text: `${check.description} Fix: ${check.remediation}`, markdown: markdown.join('\n\n') },
    defaultConfiguration: { level: LEVEL[check.severity] },
    properties,
  };
}

/** SARIF's readable rule name, which must differ from the id: `pss/run-as-non-root` → `PssRunAsNonRoot`. */
export function ruleName(checkId: string): string {
  return checkId
    .split(/[/-]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function resultOf(finding: Finding, ruleIndex: number | undefined, base: string): SarifResult {
  const properties: Record<string, unknown> = {
    area: finding.area,
    side: finding.side,
    severity: finding.severity,
    messageId: finding.messageId,
    data: finding.data,
    remediation: finding.remediation,
  };
  if (finding.path) properties.path = finding.path;
  if (finding.expiredSuppression) properties.expiredSuppression = finding.expiredSuppression;

  const result: SarifResult = {
    ruleId: finding.checkId,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprintOf(finding, base) },
    properties,
  };
  if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;

  const location = locationOf(finding, base);
  if (location) result.locations = [location];
  if (finding.suppressed) result.suppressions = [suppressionOf(finding.suppressed, base)];
  return result;
}

function locationOf(finding: Finding, base: string): SarifLocation | undefined {
  const location: SarifLocation = {};
  const artifact = finding.file === undefined ? undefined : artifactLocationOf(finding.file, base);
  if (artifact) location.physicalLocation = finding.line ? { artifactLocation: artifact, region: { startLine: finding.line } } : { artifactLocation: artifact };

  const logical = logicalLocationsOf(finding);
  if (logical.length > 0) location.logicalLocations = logical;
  return location.physicalLocation || location.logicalLocations ? location : undefined;
}

/**
 * Names the Kubernetes object as `Kind/namespace/name` (or `Kind/name` when cluster-scoped),
 * and the path inside it as `Kind/namespace/name:path`. Kubernetes names and kinds never contain
 * a colon, so the separator cannot be misread.
 */
function logicalLocationsOf(finding: Finding): SarifLogicalLocation[] {
  const locations: SarifLogicalLocation[] = [];
  let owner = '';
  if (finding.resource) {
    const { apiVersion, kind, namespace, name } = finding.resource;
    owner = namespace === undefined ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
    locations.push({ name, fullyQualifiedName: owner, kind: 'object', properties: { apiVersion, kind } });
  }
  if (finding.path) {
    locations.push({ name: finding.path, fullyQualifiedName: owner ? `${owner}:${finding.path}` : finding.path, kind: 'property' });
  }
  return locations;
}

/**
 * Converts a file path to an artifact location. A file inside the base directory gets a URI
 * relative to `%SRCROOT%`. A file outside it gets an absolute `file:` URI with `..` resolved,
 * because the SARIF validator rejects `..` segments in file URIs. Pseudo-files such as
 * `<stdin>` get no location.
 */
export function artifactLocationOf(file: string, base: string): SarifArtifactLocation | undefined {
  if (/^<.*>$/.test(file)) return undefined;
  const absolute = path.resolve(base, file);
  const relative = path.relative(base, absolute);
  if (relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SOURCE_ROOT };
  }
  return { uri: pathToFileURL(absolute).href };
}

function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function suppressionOf(suppression: Suppression, base: string): SarifSuppression {
  const inSource = suppression.by === 'annotation';
  const sarif: SarifSuppression = { kind: inSource ? 'inSource' : 'external', status: 'accepted', justification: suppression.reason };
  if (!inSource) {
    const artifact = artifactLocationOf(suppression.by, base);
    if (artifact) sarif.location = { physicalLocation: { artifactLocation: artifact } };
  }
  if (suppression.expires !== undefined) sarif.properties = { expires: suppression.expires };
  return sarif;
}

/**
 * Hashes what identifies a finding apart from its position: check, object (API group, kind,
 * namespace, name; or the file for findings on values or unparsed input), path, message id and
 * data. A line that moves keeps the fingerprint; a changed value in the message does not.
 */
export function fingerprintOf(finding: Finding, base: string): string {
  const resource = finding.resource;
  const subject = resource
    ? [groupOf(resource.apiVersion), resource.kind, resource.namespace ?? '', resource.name]
    : [finding.file === undefined ? '' : (artifactLocationOf(finding.file, base)?.uri ?? finding.file)];
  const data = Object.keys(finding.data)
    .sort()
    .map((key) => [key, finding.data[key]]);
  const identity = JSON.stringify([finding.checkId, subject, finding.path ?? '', finding.messageId, data]);
  return createHash('sha256').update(identity).digest('hex');
}
