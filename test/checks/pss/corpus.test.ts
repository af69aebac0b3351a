import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pssChecksFor, type PssLevel } from '../../../src/checks/pss/index.js';
import { auditFiles, CORPUS } from '../../support/audit.js';

// The corpus contains Pod Security Admission test pods, one folder per policy version,
// laid out as pss/<level>/v<major>.<minor>/{pass,fail}/*.yaml. Every fail pod must give at
// least one finding from the checks of its level, and every pass pod none.

const corpusRoot = path.join(CORPUS, 'pss');
const LEVELS: PssLevel[] = ['baseline', 'restricted'];

/** The `v<major>.<minor>` folder with the highest version, compared as numbers (v1.10 is above v1.9). */
function newestVersion(levelFolder: string): string | undefined {
  const versions = readdirSync(levelFolder)
    .map((name) => ({ name, match: /^v(\d+)\.(\d+)$/.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => ({ name, major: Number(match[1]), minor: Number(match[2]) }));
  versions.sort((a, b) => a.major - b.major || a.minor - b.minor);
  return versions.at(-1)?.name;
}

function yamlFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

describe('pss corpus', () => {

  for (const level of LEVELS) {
    const levelFolder = path.join(corpusRoot, level);
    const version = existsSync(levelFolder) ? newestVersion(levelFolder) : undefined;
    if (!version) {
      it(`${level} has a version folder`, () => {
        expect.fail(`no v<major>.<minor> folder under ${levelFolder}`);
      });
      continue;
    }

    const ids = new Set<string>(pssChecksFor(level).map((check) => check.id));
    const versionFolder = path.join(levelFolder, version);

    describe(`${level} ${version}`, () => {
      it('has pass and fail pods', () => {
        expect(yamlFiles(path.join(versionFolder, 'fail')).length).toBeGreaterThan(0);
        expect(yamlFiles(path.join(versionFolder, 'pass')).length).toBeGreaterThan(0);
      });

      for (const name of yamlFiles(path.join(versionFolder, 'fail'))) {
        it(`${level} fails fail/${name}`, async () => {
          const result = await auditFiles([path.join(versionFolder, 'fail', name)]);
          const own = result.findings.filter((finding) => ids.has(finding.checkId));
          expect(own.length, `no ${level} finding for fail/${name}`).toBeGreaterThan(0);
        });
      }

      for (const name of yamlFiles(path.join(versionFolder, 'pass'))) {
        it(`${level} passes pass/${name}`, async () => {
          const result = await auditFiles([path.join(versionFolder, 'pass', name)]);
          const own = result.findings.filter((finding) => ids.has(finding.checkId)).map((finding) => `${finding.checkId}: ${finding.message}`);
          expect(own).toEqual([]);
        });
      }
    });
  }
});
