import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInputs } from '../../src/load/index.js';
import { InputError } from '../../src/load/problems.js';
import { auditFiles, idsOf } from '../support/audit.js';

function tempFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'rampart-load-'));
}

function write(folder: string, name: string, text: string): string {
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n`;

describe('loading inputs', () => {
  it('walks folders for yaml, yml and json, skipping other files', async () => {
    const folder = tempFolder();
    write(folder, 'a.yaml', pod('a'));
    write(folder, 'nested/b.yml', pod('b'));
    write(folder, 'nested/c.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
    write(folder, 'notes.txt', 'not yaml');
    const result = await loadInputs([folder]);
    expect(result.resources.map((resource) => resource.name).sort()).toEqual(['a', 'b', 'c']);
  });

  it('expands List and *List kinds', async () => {
    const folder = tempFolder();
    const file = write(folder, 'list.yaml', `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: one}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: two}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: three}\n  spec: {podSelector: {}}\n`);
    const result = await loadInputs([file]);
    expect(result.resources.map((resource) => resource.name)).toEqual(['one', 'two', 'three']);
    expect(result.resources[1].source.itemPath).toEqual(['items', 1]);
  });

  it('reads standard input', async () => {
    const result = await loadInputs(['-'], { readStdin: async () => pod('from-stdin') });
    expect(result.resources[0].name).toBe('from-stdin');
    expect(result.resources[0].source.file).toBe('<stdin>');
  });

  it('puts namespaced objects in the given namespace, cluster ones in none', async () => {
    const folder = tempFolder();
    const file = write(folder, 'mixed.yaml', `${pod('p')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: elsewhere}\n`);
    const result = await loadInputs([file], { namespace: 'howso' });
    expect(result.resources.map((resource) => resource.namespace)).toEqual(['howso', undefined, 'elsewhere']);
  });

  it('treats a mapping without kind as Helm values', async () => {
    const folder = tempFolder();
    const file = write(folder, 'values.yaml', 'domain: local.howso.com\nimages:\n  registry: example.com\n');
    const result = await loadInputs([file]);
    expect(result.resources).toEqual([]);
    expect(result.values).toHaveLength(1);
    expect(result.problems).toEqual([]);
  });

  it('a missing input is an InputError', async () => {
    await expect(loadInputs(['/no/such/file.yaml'])).rejects.toBeInstanceOf(InputError);
  });

  it('a missing values file is an InputError', async () => {
    await expect(loadInputs([], { valuesFiles: ['/no/such/values.yaml'] })).rejects.toThrow(/not found/);
  });
});

describe('bad input becomes findings', () => {
  it('reports each kind of broken document and audits the rest', async () => {
    const folder = tempFolder();
    write(folder, 'empty.yaml', '');
    write(folder, 'binary.yaml', Buffer.from([0, 1, 2, 3, 255, 254]).toString('latin1'));
    write(folder, 'scalar.yaml', '--- just text\n---\n42\n');
    write(folder, 'nokind.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n');
    write(folder, 'noname.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n');
    write(folder, 'broken.yaml', `${pod('before')}---\nkind: [\n---\n${pod('after')}`);
    const result = await auditFiles([folder]);
    expect(result.inventory.resources.map((resource) => resource.name).sort()).toEqual(['after', 'before']);
    const ids = idsOf(result);
    expect(ids.filter((id) => id === 'input/parse-error')).toHaveLength(2);
    expect(ids.filter((id) => id === 'input/invalid-object')).toHaveLength(4);
    const broken = result.findings.find((finding) => finding.checkId === 'input/parse-error' && finding.file?.endsWith('broken.yaml'));
    expect(broken?.line).toBeGreaterThanOrEqual(10);
  });

  it('finds the line of a path inside a document', async () => {
    const folder = tempFolder();
    const file = write(folder, 'two.yaml', `${pod('first')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n`);
    const result = await auditFiles([file]);
    const duplicate = result.findings.find((finding) => finding.checkId === 'input/duplicate-object');
    expect(duplicate?.line).toBe(16);
    expect(duplicate?.message).toContain(`${file}:10`);
  });
});
