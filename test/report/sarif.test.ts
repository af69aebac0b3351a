import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, type AuditResult } from '../../src/audit.js';
import { CATALOG } from '../../src/checks/index.js';
import { explodingCheck } from '../support/checks.js';
import type { Check } from '../../src/checks/types.js';
import { parseConfig } from '../../src/load/config.js';
import { loadInputs } from '../../src/load/index.js';
import { artifactLocationOf, FINGERPRINT_KEY, ruleName, sarifReport, SOURCE_ROOT, type SarifLog } from '../../src/report/sarif.js';
import { VERSION } from '../../src/version.js';
import { CORPUS, NOW, ROOT } from '../support/audit.js';
import { validateWithMultitool, validateWithSchema } from '../support/sarif.js';

const FIXTURES = path.join(ROOT, 'test', 'report', 'fixtures');
const SUPPRESSIONS = path.join(FIXTURES, 'suppressions.yaml');
const CONFIG = path.join(FIXTURES, 'rampart.yaml');
const POSTGRES = path.join(CORPUS, 'realworld', 'rendered', 'postgres.yaml');

type SarifResult = SarifLog['runs'][number]['results'][number];

async function auditToSarif(inputs: string[], baseDirectory: string, checks: readonly Check[] = CATALOG): Promise<{ result: AuditResult; sarif: string }> {
  const load = await loadInputs(inputs, { namespace: 'howso' });
  const config = parseConfig(yaml.load(readFileSync(CONFIG, 'utf8')), path.relative(baseDirectory, CONFIG));
  const result = audit(load, { now: NOW, checkOptions: { allowedRegistries: [] }, suppressions: config.suppressions, checks });
  return { result, sarif: sarifReport({ result, checks, toolVersion: VERSION, baseDirectory, color: false }) };
}

/** 1-based line of the first line of `file` that contains `text`. */
function lineContaining(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${file} has no line with ${text}`);
  return index + 1;
}

function resultsOf(log: SarifLog, ruleId: string): SarifResult[] {
  return log.runs[0].results.filter((result) => result.ruleId === ruleId);
}

describe('sarif report of a realistic audit', () => {
  let outside: string;
  let brokenFile: string;
  let sarif: string;
  let log: SarifLog;

  beforeAll(async () => {
    // A file outside the base directory, so that its URI cannot be relative to %SRCROOT%.
    outside = mkdtempSync(path.join(os.tmpdir(), 'rampart-outside-'));
    brokenFile = path.join(outside, 'broken.yaml');
    // `@` is reserved in YAML and cannot start a plain scalar.
    writeFileSync(brokenFile, 'apiVersion: v1\nkind: ConfigMap\nmetadata: @reserved\n');
    ({ sarif } = await auditToSarif([POSTGRES, SUPPRESSIONS, brokenFile], ROOT));
    log = JSON.parse(sarif) as SarifLog;
  });

  afterAll(() => {
    rmSync(outside, { recursive: true, force: true });
  });

  it('passes sarif-multitool validate', () => {
    const { errors } = validateWithMultitool(sarif);
    expect(errors).toEqual([]);
  });

  it('matches the SARIF 2.1.0 schema', () => {
    expect(validateWithSchema(log)).toEqual([]);
  });

  it('declares a rule for every check', () => {
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((rule) => rule.id)).toEqual(CATALOG.map((check) => check.id));
    for (const result of log.runs[0].results) {
      expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    }
  });

  it('gives the base directory as a file URI', () => {
    const base = log.runs[0].originalUriBaseIds[SOURCE_ROOT].uri;
    expect(base).toBe(`${pathToFileURL(ROOT).href}/`);
  });

  it('uses relative URIs inside the base', () => {
    const inside = log.runs[0].results.filter((result) => result.locations?.[0].physicalLocation?.artifactLocation.uri.includes('suppressions.yaml'));
    expect(inside.length).toBeGreaterThanOrEqual(4);
    for (const result of inside) {
      const artifact = result.locations?.[0].physicalLocation?.artifactLocation;
      expect(artifact?.uri).toBe('test/report/fixtures/suppressions.yaml');
      expect(artifact?.uriBaseId).toBe(SOURCE_ROOT);
    }
  });

  it('uses absolute file URIs outside the base', () => {
    const [parseError] = resultsOf(log, 'input/parse-error');
    const artifact = parseError.locations?.[0].physicalLocation?.artifactLocation;
    expect(artifact?.uri).toBe(pathToFileURL(brokenFile).href);
    expect(artifact?.uriBaseId).toBeUndefined();
    expect(artifact?.uri).not.toContain('..');
  });

  it('points regions at the real lines', () => {
    const lineOf = (result: SarifResult) => result.locations?.[0].physicalLocation?.region?.startLine;

    const [invalid] = resultsOf(log, 'input/invalid-suppression');
    expect(lineOf(invalid)).toBe(lineContaining(SUPPRESSIONS, 'rampart.dev/suppress: "input/duplicate-object:"'));

    const [duplicate] = resultsOf(log, 'input/duplicate-object');
    expect(lineOf(duplicate)).toBe(lineContaining(SUPPRESSIONS, 'reported by input/invalid-suppression.') + 1);

    const widget = resultsOf(log, 'input/unknown-kind').find((result) => result.message.text.includes('Widget'));
    expect(lineOf(widget as SarifResult)).toBe(lineContaining(SUPPRESSIONS, 'kind: Widget') - 1);

    const [parseError] = resultsOf(log, 'input/parse-error');
    expect(lineOf(parseError)).toBe(lineContaining(brokenFile, '@reserved'));
  });

  it('names the object and path logically', () => {
    const [invalid] = resultsOf(log, 'input/invalid-suppression');
    const logical = invalid.locations?.[0].logicalLocations ?? [];
    expect(logical[0]).toMatchObject({ kind: 'object', name: 'settings', fullyQualifiedName: 'ConfigMap/howso/settings' });
    expect(logical[1]).toMatchObject({ kind: 'property', fullyQualifiedName: 'ConfigMap/howso/settings:metadata.annotations["rampart.dev/suppress"]' });
  });

  it('marks annotation suppressions in source', () => {
    const widget = resultsOf(log, 'input/unknown-kind').find((result) => result.message.text.includes('Widget'));
    expect(widget?.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'the Widget operator is reviewed by hand' }]);
  });

  it('marks config suppressions external', () => {
    const [invalid] = resultsOf(log, 'input/invalid-suppression');
    expect(invalid.suppressions).toHaveLength(1);
    expect(invalid.suppressions?.[0].kind).toBe('external');
    expect(invalid.suppressions?.[0].justification).toBe('the empty annotation is kept on purpose to test reports');
    expect(invalid.suppressions?.[0].location?.physicalLocation?.artifactLocation).toEqual({ uri: 'test/report/fixtures/rampart.yaml', uriBaseId: SOURCE_ROOT });
  });

  it('keeps expired suppressions out of suppressions', () => {
    const gizmo = resultsOf(log, 'input/unknown-kind').find((result) => result.message.text.includes('Gizmo'));
    expect(gizmo?.suppressions).toBeUndefined();
    expect(gizmo?.properties.expiredSuppression).toMatchObject({ expires: '2020-01-31', by: 'annotation' });
  });

  it('maps severities to levels', () => {
    const levels = Object.fromEntries(log.runs[0].results.map((result) => [result.ruleId, result.level]));
    expect(levels['input/parse-error']).toBe('error');
    expect(levels['input/duplicate-object']).toBe('warning');
    expect(levels['input/invalid-suppression']).toBe('note');
    expect(levels['input/unknown-kind']).toBe('note');
  });

  it('gives every result a fingerprint', () => {
    const fingerprints = log.runs[0].results.map((result) => result.partialFingerprints[FINGERPRINT_KEY]);
    for (const fingerprint of fingerprints) expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('sarif fingerprints', () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-fingerprint-'));
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  /** Audits `text` saved as suppressions.yaml in the test folder, which is also the base directory. */
  async function fingerprintsOf(text: string): Promise<Map<string, string>> {
    const file = path.join(folder, 'suppressions.yaml');
    writeFileSync(file, text);
    const { sarif } = await auditToSarif([file], folder);
    const results = (JSON.parse(sarif) as SarifLog).runs[0].results;
    return new Map(results.map((result) => [`${result.ruleId} ${result.message.text}`, result.partialFingerprints[FINGERPRINT_KEY]]));
  }

  it('are stable across runs', async () => {
    const text = readFileSync(SUPPRESSIONS, 'utf8');
    const first = await fingerprintsOf(text);
    const second = await fingerprintsOf(text);
    expect(first.size).toBeGreaterThanOrEqual(4);
    expect([...second]).toEqual([...first]);
  });

  it('survive lines moving', async () => {
    const text = readFileSync(SUPPRESSIONS, 'utf8');
    const before = await fingerprintsOf(text);
    const after = await fingerprintsOf(`# moved down\n\n\n${text}`);
    // NOTE: input/duplicate-object puts the line of the first definition into its message
    // data, so its fingerprint moves with that line; it is left out here.
    const stable = [...before.keys()].filter((key) => !key.startsWith('input/duplicate-object'));
    expect(stable.length).toBeGreaterThanOrEqual(3);
    for (const key of stable) expect(after.get(key), key).toBe(before.get(key));
  });

  it('differ between objects', async () => {
    const text = readFileSync(SUPPRESSIONS, 'utf8');
    const original = await fingerprintsOf(text);
    const renamed = await fingerprintsOf(text.replace('name: gadget', 'name: sprocket'));
    const widget = [...original.keys()].find((key) => key.includes('Widget'));
    if (!widget) throw new Error('no Widget finding');
    expect(renamed.get(widget)).toBeDefined();
    expect(renamed.get(widget)).not.toBe(original.get(widget));
  });
});

describe('sarif artifact locations', () => {
  const base = path.join(path.sep, 'work', 'main');

  it('makes files below the base relative', () => {
    expect(artifactLocationOf('charts/values.yaml', base)).toEqual({ uri: 'charts/values.yaml', uriBaseId: SOURCE_ROOT });
  });

  it('accepts absolute paths below the base', () => {
    expect(artifactLocationOf(path.join(base, 'a', 'b.yaml'), base)).toEqual({ uri: 'a/b.yaml', uriBaseId: SOURCE_ROOT });
  });

  it('resolves parent segments to absolute URIs', () => {
    expect(artifactLocationOf('../shared/corpus/x.yaml', base)).toEqual({ uri: 'file:///work/shared/corpus/x.yaml' });
  });

  it('encodes reserved characters', () => {
    expect(artifactLocationOf('platform 1.2.tgz#templates/a.yaml', base)).toEqual({ uri: 'platform%201.2.tgz%23templates/a.yaml', uriBaseId: SOURCE_ROOT });
  });

  it('gives pseudo-files no location', () => {
    expect(artifactLocationOf('<stdin>', base)).toBeUndefined();
  });
});

describe('sarif rule names', () => {
  it('differ from ids and read as words', () => {
    expect(ruleName('pss/run-as-non-root')).toBe('PssRunAsNonRoot');
    for (const check of CATALOG) expect(ruleName(check.id)).not.toBe(check.id);
  });
});

describe('sarif failed checks', () => {
  it('become tool notifications', async () => {
    const explodes = explodingCheck;
    const checks = [...CATALOG.filter((check) => check.area === 'input'), explodes];
    const { sarif } = await auditToSarif([SUPPRESSIONS], ROOT, checks);
    const log = JSON.parse(sarif) as SarifLog;
    const [invocation] = log.runs[0].invocations;
    expect(invocation.toolExecutionNotifications).toEqual([
      { level: 'error', message: { text: 'Check input/explodes could not run: unexpected input.' }, associatedRule: { id: 'input/explodes', index: checks.length - 1 } },
    ]);
    expect(validateWithMultitool(sarif).errors).toEqual([]);
    expect(validateWithSchema(log)).toEqual([]);
  });
});

describe('sarif validation harness', () => {
  it('catches a broken report', async () => {
    const { sarif } = await auditToSarif([SUPPRESSIONS], ROOT);
    const broken = JSON.parse(sarif) as SarifLog;
    const region = broken.runs[0].results.find((result) => result.locations?.[0].physicalLocation?.region)?.locations?.[0].physicalLocation?.region;
    if (!region) throw new Error('no result with a region to break');
    region.startLine = 0;
    expect(validateWithMultitool(JSON.stringify(broken)).errors.length).toBeGreaterThan(0);
    expect(validateWithSchema(broken).length).toBeGreaterThan(0);
  });

  it('schema check catches invalid levels', async () => {
    const { sarif } = await auditToSarif([SUPPRESSIONS], ROOT);
    const broken = JSON.parse(sarif) as { runs: Array<{ results: Array<{ level: string }> }> };
    broken.runs[0].results[0].level = 'bogus';
    expect(validateWithSchema(broken).length).toBeGreaterThan(0);
  });
});
