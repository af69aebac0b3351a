import type { Inventory } from '../model/inventory.js';
import type { ActiveProfile } from '../profiles/select.js';
import type { PathSegment, Resource, ResourceRef, ValuesDocument } from '../model/resource.js';

/** Severities from the most to the least severe; the order of the report and of `--fail-on`. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Party responsible for a finding under the shared security model. */
export const SIDES = ['chart', 'operator', 'shared'] as const;
export type Side = (typeof SIDES)[number];

/** Areas in the order the report lists them. */
export const AREAS = ['transport', 'netpol', 'pss', 'rbac', 'secrets', 'images', 'storage', 'ingress', 'identity', 'input'] as const;
export type Area = (typeof AREAS)[number];

export interface CheckOptions {
  /** Registries images may come from (`--allowed-registry`); empty means any. */
  allowedRegistries: string[];
}

export interface CheckContext {
  /** The time suppressions expire against and certificates are judged at; checks never read the clock. */
  now: Date;
  options: CheckOptions;
  /** Ids of every check in the catalog, for checks that validate references to other checks. */
  knownCheckIds?: ReadonlySet<string>;
  /** The product profile in use (`howso-platform`), when the input is recognised or named as that product. */
  profile?: ActiveProfile;
}

/** Finding as a check returns it; the runner adds the check's metadata and renders the message. */
export interface FindingDraft<MessageId extends string = string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  /** The object the finding is about. */
  resource?: Resource;
  /** The values document the finding is about, for findings on Helm values. */
  values?: ValuesDocument;
  /** Path inside the resource body or values document. */
  path?: PathSegment[];
  /** Overrides the check's severity, for checks whose findings differ in weight. */
  severity?: Severity;
  /** The concrete change that fixes this finding, when it is more precise than the check's remediation. */
  fix?: string;
  /** A position given directly, for findings about input that did not become an object. */
  location?: { file: string; line: number };
}

export interface CheckMeta<MessageId extends string = string> {
  /** Stable slug under its area: `pss/run-as-non-root`. */
  id: `${Area}/${string}`;
  severity: Severity;
  side: Side;
  /** Condition that should be true, stated positively: "containers run as a non-root user". */
  description: string;
  /** Why it matters. */
  rationale: string;
  /** How to fix it, as a full sentence ending with a period. */
  remediation: string;
  /** Message templates by id; `{{name}}` is replaced with `data.name`. */
  messages: Record<MessageId, string>;
  /** Cases the check cannot see. */
  limitations?: string[];
  /** Documents the check is based on. */
  references?: string[];
}

export interface CheckDefinition<MessageId extends string = string> extends CheckMeta<MessageId> {
  run(inventory: Inventory, context: CheckContext): FindingDraft<MessageId>[];
}

export interface Check<MessageId extends string = string> extends CheckDefinition<MessageId> {
  area: Area;
}

/** Reason and origin of a finding that is not counted against `--fail-on`. */
export interface Suppression {
  reason: string;
  /** `annotation` on the resource, or the config file that contains the entry. */
  by: string;
  expires?: string;
}

export interface Finding {
  checkId: string;
  area: Area;
  severity: Severity;
  side: Side;
  messageId: string;
  data: Record<string, string | number>;
  message: string;
  remediation: string;
  resource?: ResourceRef;
  /** Path inside the resource or values document, e.g. `spec.template.spec.containers[0].securityContext`. */
  path?: string;
  file?: string;
  line?: number;
  suppressed?: Suppression;
  /** A suppression that matched but has expired, so the finding counts again. */
  expiredSuppression?: Suppression;
}
