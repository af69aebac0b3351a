import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseDocument, splitDocuments } from '../../src/load/documents.js';
import { parseText } from '../../src/load/index.js';

function parseOne(source: string): unknown {
  const [parsed] = parseText(source, 'test.yaml');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('YAML 1.1 scalars as Kubernetes reads them', () => {
  it('yes, no, on, off are booleans', () => {
    expect(parseOne('a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: "yes"\n')).toEqual({ a: true, b: false, c: true, d: false, e: true, f: 'yes' });
  });

  it('a leading zero is octal', () => {
    expect(parseOne('mode: 0644\nhex: 0x1F\nnew: 0o17\nplain: 8080\n')).toEqual({ mode: 420, hex: 31, new: 15, plain: 8080 });
  });

  it('digits that are not octal are a float', () => {
    expect(parseOne('a: 08\nb: 1e3\nc: .inf\n')).toEqual({ a: 8, b: 1000, c: Infinity });
  });

  it('timestamps stay strings', () => {
    expect(parseOne('date: 2026-01-31\n')).toEqual({ date: '2026-01-31' });
  });

  it('merge keys merge', () => {
    expect(parseOne('base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n')).toEqual({ base: { a: 1, b: 2 }, derived: { a: 1, b: 3 } });
  });

  it('runAsNonRoot: yes is true', () => {
    const pod = parseOne('securityContext:\n  runAsNonRoot: yes\n') as { securityContext: { runAsNonRoot: unknown } };
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('duplicate keys are an error', () => {
    const [parsed] = parseText('a: 1\na: 2\n', 'dup.yaml');
    expect(parsed.ok).toBe(false);
  });
});

describe('splitting a stream', () => {
  it('keeps each document line', () => {
    const documents = splitDocuments('a: 1\n---\n# Source: x\nb: 2\n---\n\n---\nc: 3\n');
    expect(documents.map((document) => document.contentLine)).toEqual([1, 4, 8]);
    expect(documents.map((document) => document.index)).toEqual([0, 1, 2]);
  });

  it('a broken document does not hide the next', () => {
    const parsed = parseText('a: [1\n---\nb: 2\n', 'x.yaml');
    expect(parsed[0].ok).toBe(false);
    expect(parsed[1].ok).toBe(true);
    if (!parsed[0].ok) expect(parsed[0].line).toBeGreaterThanOrEqual(1);
  });

  it('reports the line of a syntax error', () => {
    const parsed = parseText('a: 1\n---\nkind: Pod\nmetadata:\n  name: [x\n', 'x.yaml');
    const broken = parsed[1];
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.line).toBeGreaterThanOrEqual(5);
  });

  it('ignores --- inside a line', () => {
    expect(splitDocuments('a: "---"\nb: x---y\n')).toHaveLength(1);
  });

  it('handles the document end marker', () => {
    const documents = splitDocuments('a: 1\n...\n---\nb: 2\n');
    expect(documents).toHaveLength(2);
  });
});

describe('hostile documents', () => {
  it('refuses an alias bomb quickly', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 10; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous}]`);
    }
    const started = Date.now();
    const [parsed] = parseText(levels.join('\n') + '\n', 'bomb.yaml');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('alias');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('accepts a few ordinary aliases', () => {
    expect(parseOne('a: &x {k: v}\nb: *x\nc: *x\n')).toEqual({ a: { k: 'v' }, b: { k: 'v' }, c: { k: 'v' } });
  });

  it('refuses 10,000-deep nesting without overflowing', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const [parsed] = parseText(deep, 'deep.yaml');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(String(MAX_DEPTH));
  });

  it('refuses deep block nesting too', () => {
    let source = '';
    for (let depth = 0; depth < 2000; depth++) source += `${' '.repeat(depth)}k${depth}:\n`;
    const [parsed] = parseText(source, 'deep-block.yaml');
    expect(parsed.ok).toBe(false);
  });

  it('calls a binary file binary', () => {
    const [parsed] = parseText('\u0000\u0001\u0002ELF', 'binary.yaml');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('binary');
  });

  it('an empty file has no documents', () => {
    expect(parseText('', 'empty.yaml')).toEqual([]);
    expect(parseText('\n# only a comment\n---\n', 'comments.yaml')).toEqual([]);
  });

  it('parses one document directly', () => {
    const result = parseDocument({ text: 'a: 1', startLine: 1, contentLine: 1, index: 0 }, 'x.yaml');
    expect(result.ok).toBe(true);
  });
});
