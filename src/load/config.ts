import { existsSync } from 'node:fs';
import { readFileOrThrow } from './index.js';
import yaml from 'js-yaml';
import { isRecord, list, text } from '../model/access.js';
import { isValidDate, type SuppressionRule } from '../checks/suppressions.js';
import { SEVERITIES, type Severity } from '../checks/types.js';
import { KUBERNETES_SCHEMA } from './yaml-schema.js';
import { InputError } from './problems.js';

/** The project's `.rampart.yaml`: settings and suppressions kept beside the install. */
export interface RampartConfig {
  file?: string;
  failOn?: Severity;
  allowedRegistries: string[];
  suppressions: SuppressionRule[];
}

export const DEFAULT_CONFIG_FILE = '.rampart.yaml';

/** Reads the config file; a missing default file is no error, a missing named one is. */
export function loadConfig(file: string | undefined): RampartConfig {
  const path = file ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(path)) {
    if (file !== undefined) throw new InputError(`config file not found: ${file}`);
    return { allowedRegistries: [], suppressions: [] };
  }
  let data: unknown;
  try {
    data = yaml.load(readFileOrThrow(path), { schema: KUBERNETES_SCHEMA, filename: path });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`invalid config ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseConfig(data ?? {}, path);
}

export function parseConfig(data: unknown, path: string): RampartConfig {
  const fail = (message: string): never => {
    throw new InputError(`invalid config ${path}: ${message}`);
  };
  if (!isRecord(data)) fail('the file must be a mapping');
  const record = data as Record<string, unknown>;
  const known = new Set(['failOn', 'allowedRegistries', 'suppressions']);
  for (const key of Object.keys(record)) if (!known.has(key)) fail(`unknown key "${key}" (known: ${[...known].join(', ')})`);

  const config: RampartConfig = { file: path, allowedRegistries: [], suppressions: [] };
  if (record.failOn !== undefined) {
    if (!SEVERITIES.includes(record.failOn as Severity)) fail(`failOn must be one of ${SEVERITIES.join(', ')}`);
    config.failOn = record.failOn as Severity;
  }
  if (record.allowedRegistries !== undefined) {
    if (!Array.isArray(record.allowedRegistries) || !record.allowedRegistries.every((entry) => typeof entry === 'string')) fail('allowedRegistries must be a list of registry hosts');
    config.allowedRegistries = record.allowedRegistries as string[];
  }
  list(record.suppressions).forEach((entry, index) => {
    const where = `suppressions[${index}]`;
    if (!isRecord(entry)) return fail(`${where} must be a mapping`);
    const entryKeys = ['check', 'reason', 'expires', 'resource'];
    const unknown = Object.keys(entry).find((key) => !entryKeys.includes(key));
    // A misspelt key (resouce, expire) would silently widen or prolong the suppression.
    if (unknown !== undefined) return fail(`${where} has unknown key "${unknown}" (known: ${entryKeys.join(', ')})`);
    const check = text(entry.check);
    const reason = text(entry.reason)?.trim();
    if (!check || !/^[a-z]+\/(?:\*|[a-z0-9-]+)$/.test(check)) return fail(`${where}.check must be a check id such as pss/run-as-non-root, or area/*`);
    if (!reason) return fail(`${where}.reason is required: say why the finding is accepted`);
    const rule: SuppressionRule = { check, reason, by: path };
    if (entry.expires !== undefined) {
      const expires = String(entry.expires);
      if (!isValidDate(expires)) return fail(`${where}.expires must be a date YYYY-MM-DD, not "${expires}"`);
      rule.expires = expires;
    }
    if (entry.resource !== undefined) {
      const resource = text(entry.resource);
      if (!resource || !/^[^/]+\/[^/]+(?:\/[^/]+)?$/.test(resource)) return fail(`${where}.resource must be Kind/namespace/name or Kind/name`);
      rule.resource = resource;
    }
    config.suppressions.push(rule);
  });
  if (record.suppressions !== undefined && !Array.isArray(record.suppressions)) fail('suppressions must be a list');
  return config;
}
