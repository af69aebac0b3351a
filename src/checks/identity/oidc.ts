import { isRecord, type Json } from '../../model/access.js';
import type { Inventory } from '../../model/inventory.js';
import type { ValuesDocument } from '../../model/resource.js';

/** The `oidc` block of a platform values document. */
export interface OidcBlock {
  values: ValuesDocument;
  oidc: Json;
  /** `oidc.enabled` is true (a YAML boolean, or the string "true" as `--set-string` leaves it). */
  enabled: boolean;
}

/** Endpoint keys of the platform's oidc block, in the order the chart documents them. */
export const ENDPOINT_KEYS = ['jwksEndpoint', 'authorizeEndpoint', 'tokenEndpoint', 'userinfoEndpoint'] as const;

export function oidcBlocks(inventory: Inventory): OidcBlock[] {
  const blocks: OidcBlock[] = [];
  for (const values of inventory.values) {
    const oidc = values.data.oidc;
    if (!isRecord(oidc)) continue;
    const enabled = oidc.enabled === true || (typeof oidc.enabled === 'string' && oidc.enabled.trim().toLowerCase() === 'true');
    blocks.push({ values, oidc, enabled });
  }
  return blocks;
}
