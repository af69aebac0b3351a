import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/checks/index.js';
import { renderChecksDoc } from '../../src/report/checks-doc.js';
import { auditFiles, ROOT, type AuditFilesOptions } from '../support/audit.js';

// Each check has a folder test/checks/<area>/<slug>/ of small inputs: files named fail*
// must make the check fire, files named pass* must not. A first line
// `# rampart-test: {json}` sets load and check options for that file.

const fixtureRoot = path.join(ROOT, 'test', 'checks');

function fixtureOptions(file: string): AuditFilesOptions {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0];
  const match = /^# rampart-test: (.*)$/.exec(first);
  if (!match) return {};
  const options = JSON.parse(match[1]) as AuditFilesOptions & { allowedRegistries?: string[] };
  if (options.allowedRegistries) options.checkOptions = { allowedRegistries: options.allowedRegistries };
  if (options.valuesFiles) options.valuesFiles = options.valuesFiles.map((values) => path.join(path.dirname(file), values));
  return options;
}

function fixtures(checkId: string): { fail: string[]; pass: string[] } {
  const folder = path.join(fixtureRoot, checkId);
  if (!existsSync(folder)) return { fail: [], pass: [] };
  const files = readdirSync(folder).filter((name) => /\.(ya?ml|json)$/.test(name));
  return {
    fail: files.filter((name) => name.startsWith('fail')).map((name) => path.join(folder, name)),
    pass: files.filter((name) => name.startsWith('pass')).map((name) => path.join(folder, name)),
  };
}

describe('check catalog', () => {
  it('ids are unique and sorted', () => {
    const ids = CATALOG.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('has at least 30 checks', () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(30);
  });

  it('docs/checks.md is current (regenerate with npm run docs)', () => {
    const written = readFileSync(path.join(ROOT, 'docs', 'checks.md'), 'utf8');
    expect(written).toBe(renderChecksDoc(CATALOG));
  });

  for (const check of CATALOG) {
    describe(check.id, () => {
      it('has complete metadata', () => {
        expect(check.description.length).toBeGreaterThan(10);
        expect(check.rationale.length).toBeGreaterThan(10);
        expect(check.remediation).toMatch(/\.$/);
        expect(Object.keys(check.messages).length).toBeGreaterThan(0);
      });

      const { fail, pass } = fixtures(check.id);
      it('has a firing and a passing fixture', () => {
        expect(fail.length, `no fail* file in test/checks/${check.id}`).toBeGreaterThan(0);
        expect(pass.length, `no pass* file in test/checks/${check.id}`).toBeGreaterThan(0);
      });

      for (const file of fail) {
        it(`fires on ${path.basename(file)}`, async () => {
          const result = await auditFiles([file], fixtureOptions(file));
          const own = result.findings.filter((finding) => finding.checkId === check.id);
          expect(own.length).toBeGreaterThan(0);
          for (const finding of own) {
            expect(finding.file).toBeTruthy();
            expect(finding.line).toBeGreaterThan(0);
          }
        });
      }
      for (const file of pass) {
        it(`passes ${path.basename(file)}`, async () => {
          const result = await auditFiles([file], fixtureOptions(file));
          const own = result.findings.filter((finding) => finding.checkId === check.id).map((finding) => finding.message);
          expect(own).toEqual([]);
        });
      }
    });
  }
});
