import { identityChecks } from './identity/index.js';
import { imagesChecks } from './images/index.js';
import { ingressChecks } from './ingress/index.js';
import { inputChecks } from './input/index.js';
import { netpolChecks } from './netpol/index.js';
import { pssChecks } from './pss/index.js';
import { rbacChecks } from './rbac/index.js';
import { secretsChecks } from './secrets/index.js';
import { storageChecks } from './storage/index.js';
import { transportChecks } from './transport/index.js';
import type { Check } from './types.js';

/** Every check, sorted by id. A duplicate id stops start-up rather than shadowing a check. */
export const CATALOG: readonly Check[] = buildCatalog([
  ...transportChecks,
  ...netpolChecks,
  ...pssChecks,
  ...rbacChecks,
  ...secretsChecks,
  ...imagesChecks,
  ...storageChecks,
  ...ingressChecks,
  ...identityChecks,
  ...inputChecks,
]);

export function buildCatalog(checks: Check[]): readonly Check[] {
  const seen = new Set<string>();
  for (const check of checks) {
    if (seen.has(check.id)) throw new Error(`two checks share the id ${check.id}`);
    seen.add(check.id);
  }
  return Object.freeze([...checks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}

export function findCheck(id: string): Check | undefined {
  return CATALOG.find((check) => check.id === id);
}
