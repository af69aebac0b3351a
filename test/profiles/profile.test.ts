import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as rampart } from '../support/cli.js';
import { auditFiles, CORPUS, ROOT } from '../support/audit.js';

const requireValues = path.join(CORPUS, 'realworld', 'values', 'howso-platform-external-postgres-require.yaml');
const example = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');

describe('profile selection', () => {
  it('detects the platform in the example', async () => {
    const result = await auditFiles([example]);
    expect(result.profile).toEqual({ name: 'howso-platform', detected: true });
  });

  it('detects nothing in an unrelated object', async () => {
    const result = await auditFiles([path.join(ROOT, 'test', 'checks', 'input', 'parse-error', 'pass-valid.yaml')]);
    expect(result.profile).toBeUndefined();
  });

  it('--profile none turns off platform checks', () => {
    const detected = rampart(['audit', '--format', 'json', '--check', 'transport/postgres-sslmode', requireValues]);
    const none = rampart(['audit', '--format', 'json', '--profile', 'none', '--check', 'transport/postgres-sslmode', requireValues]);
    const parse = (stdout: string) => JSON.parse(stdout) as { profile: unknown; findings: unknown[] };
    expect(parse(detected.stdout).profile).toEqual({ name: 'howso-platform', detected: true });
    expect(parse(detected.stdout).findings).toHaveLength(1);
    expect(parse(none.stdout).profile).toBeNull();
    expect(parse(none.stdout).findings).toHaveLength(0);
  });

  it('rejects an unknown profile', () => {
    const run = rampart(['audit', '--profile', 'bogus', example]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown profile "bogus"');
  });
});
