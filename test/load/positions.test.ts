import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { splitDocuments } from '../../src/load/documents.js';
import { loadInputs } from '../../src/load/index.js';
import { jsYamlPositions, Locator, yamlPositions } from '../../src/load/positions.js';
import { KUBERNETES_SCHEMA } from '../../src/load/yaml-schema.js';
import type { PathSegment } from '../../src/model/resource.js';
import { CORPUS, ROOT } from '../support/audit.js';

function yamlFiles(folder: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(folder)) {
    const full = path.join(folder, name);
    // Helm templates are Go templates, not YAML documents to locate lines in.
    if (statSync(full).isDirectory()) {
      if (name !== 'templates') files.push(...yamlFiles(full));
    }
    else if (/\.ya?ml$/.test(name)) files.push(full);
  }
  return files;
}

/** Every path to a key or item of the value, as far as a checker would ask. */
function allPaths(value: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  if (prefix.length > 14 || typeof value !== 'object' || value === null) return out;
  const entries: [PathSegment, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  for (const [segment, child] of entries) {
    const next = [...prefix, segment];
    out.push(next);
    allPaths(child, next, out);
  }
  return out;
}

const folders = [path.join(ROOT, 'examples'), path.join(ROOT, 'test', 'checks'), path.join(CORPUS, 'realworld'), path.join(CORPUS, 'netpol')];

describe('line index from js-yaml events', () => {
  it('agrees with the yaml parser on every path', () => {
    let compared = 0;
    let fallbacks = 0;
    for (const folder of folders) {
      for (const file of yamlFiles(folder)) {
        for (const document of splitDocuments(readFileSync(file, 'utf8'))) {
          let value: unknown;
          try {
            value = yaml.load(document.text, { schema: KUBERNETES_SCHEMA });
          } catch {
            continue;
          }
          const fast = jsYamlPositions(document.text);
          if (!fast) {
            fallbacks++;
            continue;
          }
          const exact = yamlPositions(document.text);
          for (const route of allPaths(value)) {
            expect(fast(route), `${file} document ${document.index} at ${route.join('.')}`).toBe(exact(route));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(fallbacks).toBeLessThan(10);
  });

  it('falls back for an empty sequence entry', () => {
    expect(jsYamlPositions('list:\n-\n- a\n')).toBeUndefined();
    expect(yamlPositions('list:\n-\n- a\n')(['list', 1])).toBe(2);
  });

  it('stops at the deepest existing ancestor', () => {
    const positions = jsYamlPositions('spec:\n  containers:\n  - name: a\n    image: x\n');
    expect(positions?.(['spec', 'containers', 0, 'securityContext', 'privileged'])).toBe(2);
    expect(positions?.(['spec', 'containers', 0, 'image'])).toBe(3);
  });

  it('stops at an alias where it is used', () => {
    const text = 'containers:\n- name: a\n  securityContext: &sc\n    privileged: true\n- name: b\n  securityContext: *sc\n';
    const route = ['containers', 1, 'securityContext', 'privileged'];
    expect(jsYamlPositions(text)?.(route)).toBe(5);
    expect(yamlPositions(text)(route)).toBe(5);
  });

  it('falls back for flow keys without values', () => {
    expect(jsYamlPositions('{a,\n b: c,\n c: d,\n d,\n e: 1}\n')).toBeUndefined();
  });

  it('finds keys behind flow collections and merges', () => {
    const text = 'base: &b {a: 1}\nitem:\n  <<: *b\n  c: [x, {d: 2}]\n';
    const positions = jsYamlPositions(text);
    expect(positions?.(['item', 'c', 1, 'd'])).toBe(yamlPositions(text)(['item', 'c', 1, 'd']));
    expect(positions?.(['item', 'a'])).toBe(yamlPositions(text)(['item', 'a']));
  });
});

describe('documents read again from disk for lines', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'rampart-positions-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Loads the file and returns the line of `path` in each document, as the audit resolves them. */
  async function linesOf(text: string, path_: PathSegment[]): Promise<number[]> {
    const file = path.join(folder, `input-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    const load = await loadInputs([file]);
    const locator = new Locator(load.sources);
    const lines = load.resources.map((resource) => locator.lineOf(resource.source, path_));
    locator.release();
    return lines;
  }

  const configMap = (name: string, note: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    note: "${note}"\ndata:\n  key: value\n`;

  it('finds lines after documents with multi-byte characters', async () => {
    const text = `# Überschrift — 説明\n---\n${configMap('a', 'grüße 👋')}---\n${configMap('b', 'ok')}...\n# after the end marker\n---\n${configMap('c', 'ñ')}`;
    expect(await linesOf(text, ['data', 'key'])).toEqual([10, 19, 30]);
  });

  it('finds lines when byte order marks start later documents', async () => {
    const text = `\uFEFF${configMap('a', 'x')}---\n\uFEFF${configMap('b', 'y')}`;
    expect(await linesOf(text, ['data', 'key'])).toEqual([8, 17]);
  });
});
