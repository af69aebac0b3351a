import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

/** Path of the Sarif.Multitool executable that the npm package @microsoft/sarif-multitool installs for this platform. */
export const MULTITOOL = require('@microsoft/sarif-multitool') as string;

const VALIDATE_TIMEOUT_MS = 120_000;

export interface ValidatorResult {
  errors: string[];
  warnings: string[];
}

interface ValidatorLog {
  runs: Array<{
    results?: Array<{ ruleId?: string; level?: string; message?: { text?: string; arguments?: string[] } }>;
    invocations?: Array<{ executionSuccessful?: boolean; toolExecutionNotifications?: Array<{ level?: string; message?: { text?: string } }> }>;
  }>;
}

/**
 * Runs `Sarif.Multitool validate` on a SARIF text and returns its errors and warnings as
 * "RULE: arguments" lines, read from the validator's own SARIF output file.
 */
export function validateWithMultitool(sarif: string): ValidatorResult {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-sarif-'));
  try {
    const input = path.join(folder, 'report.sarif');
    const output = path.join(folder, 'validation.sarif');
    writeFileSync(input, sarif);
    const run = spawnSync(MULTITOOL, ['validate', input, '--output', output, '--log', 'ForceOverwrite'], { encoding: 'utf8', timeout: VALIDATE_TIMEOUT_MS });
    if (run.error) throw new Error(`Sarif.Multitool failed to start or timed out: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`Sarif.Multitool exited with ${run.status}:\n${run.stdout}${run.stderr}`);

    const log = JSON.parse(readFileSync(output, 'utf8')) as ValidatorLog;
    const result: ValidatorResult = { errors: [], warnings: [] };
    for (const run of log.runs) {
      for (const item of run.results ?? []) {
        const line = `${item.ruleId}: ${item.message?.text ?? (item.message?.arguments ?? []).join(' | ')}`;
        // SARIF's default level is warning.
        if (item.level === 'error') result.errors.push(line);
        else if (item.level === undefined || item.level === 'warning') result.warnings.push(line);
      }
      for (const invocation of run.invocations ?? []) {
        if (invocation.executionSuccessful === false) result.errors.push('the validator reports that its run failed');
        for (const notification of invocation.toolExecutionNotifications ?? []) {
          if (notification.level === 'error') result.errors.push(`notification: ${notification.message?.text}`);
        }
      }
    }
    return result;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Validates against the SARIF 2.1.0 JSON schema that ships beside the multitool. The multitool
 * alone is not enough: version 5.7.0 reports nothing at all for a file with an invalid enum
 * value such as `"level": "bogus"`.
 */
export function validateWithSchema(sarif: unknown): string[] {
  const schema = JSON.parse(readFileSync(path.join(path.dirname(MULTITOOL), 'sarif-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  // The schema's `format: uri` and `date-time` need ajv-formats, which is not installed.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const validate = ajv.compile(schema);
  if (validate(sarif)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
