import yaml from 'js-yaml';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { PathSegment, SourceRef } from '../model/resource.js';
import type { DocumentText } from './documents.js';
import { KUBERNETES_SCHEMA } from './yaml-schema.js';

/** Lines inside one document: the 0-based line of a path, or of its deepest ancestor that exists. */
export type PositionIndex = (path: readonly PathSegment[]) => number | undefined;

/**
 * Finds the line of a path inside a loaded document. Loading keeps no positions, so only the
 * documents that have findings are read again: with js-yaml and a listener that notes where
 * each key and item starts, or, for the few shapes that listener cannot follow, with `yaml`.
 */
export class Locator {
  // Only the last document's positions are kept, because lines are resolved document by
  // document. Keeping every parsed document of a large install costs gigabytes.
  private last: { key: string; positions: PositionIndex | undefined } | undefined;

  constructor(private readonly sources: { document(file: string, index: number): DocumentText | undefined; release?(): void }) {}

  /** Returns the 1-based line of `path` in the document, or of its deepest ancestor that exists. */
  lineOf(source: SourceRef, path: readonly PathSegment[]): number {
    const fullPath = [...(source.itemPath ?? []), ...path];
    if (fullPath.length === 0) return source.line;
    const documentText = this.sources.document(source.file, source.documentIndex);
    if (!documentText) return source.line;
    const line = this.positionsOf(source, documentText)?.(fullPath);
    return line === undefined ? source.line : documentText.startLine + line;
  }

  /** Drops what was read for lines, once every line is resolved. */
  release(): void {
    this.last = undefined;
    this.sources.release?.();
  }

  private positionsOf(source: SourceRef, documentText: DocumentText): PositionIndex | undefined {
    const key = `${source.file}\u0000${source.documentIndex}`;
    if (this.last?.key !== key) this.last = { key, positions: jsYamlPositions(documentText.text) ?? yamlPositions(documentText.text) };
    return this.last.positions;
  }
}

/** Where a key or item starts, and whether its value is an alias (whose insides belong to the anchor). */
interface Place {
  line: number;
  alias: boolean;
}

interface NodePositions {
  keys?: Map<string, Place>;
  items?: Place[];
}

interface OpenNode {
  line: number;
  children: { line: number; result: unknown; alias: boolean }[];
}

/**
 * Indexes key and item lines by listening to js-yaml while it parses. js-yaml reports each
 * node when it opens and closes but not its role, so the children of a mapping are taken as
 * key, value, key, value. Returns undefined when the events do not fit that reading (an empty
 * block sequence entry, a flow mapping key without value), and the caller uses `yaml`.
 */
export function jsYamlPositions(text: string): PositionIndex | undefined {
  const positions = new WeakMap<object, NodePositions>();
  const stack: OpenNode[] = [];
  let consistent = true;

  const listener = (event: 'open' | 'close', state: { result: unknown; line: number }) => {
    if (event === 'open') {
      stack.push({ line: state.line, children: [] });
      return;
    }
    const node = stack.pop();
    if (!node) return;
    const result = state.result;
    // A collection that closed before is an alias (the same object, with the anchor's positions),
    // unless this node only wraps it: js-yaml opens a second node around some flow collections.
    const wrapped = node.children.length === 1 && node.children[0].result === result;
    const alias = wrapped ? node.children[0].alias : typeof result === 'object' && result !== null && positions.has(result);
    stack[stack.length - 1]?.children.push({ line: node.line, result, alias });
    if (typeof result !== 'object' || result === null || alias || wrapped) return;

    if (Array.isArray(result)) {
      if (node.children.length !== result.length) consistent = false;
      positions.set(result, { items: node.children.map((child) => ({ line: child.line, alias: child.alias })) });
      return;
    }
    const keys = new Map<string, Place>();
    let merged = false;
    if (node.children.length % 2 !== 0) consistent = false;
    for (let index = 0; index + 1 < node.children.length; index += 2) {
      const key = String(node.children[index].result);
      if (key === '<<') merged = true;
      else if (!(key in result)) consistent = false;
      if (!keys.has(key)) keys.set(key, { line: node.children[index].line, alias: node.children[index + 1].alias });
    }
    // js-yaml rejects duplicate keys, so without a merge every key of the result is one pair;
    // fewer pairs means a key without value shifted the key/value reading.
    if (!merged && keys.size !== Object.keys(result).length) consistent = false;
    positions.set(result, { keys });
  };

  let root: unknown;
  try {
    root = yaml.load(text, { schema: KUBERNETES_SCHEMA, listener, maxDepth: 1000 } as yaml.LoadOptions);
  } catch {
    return undefined;
  }
  if (!consistent) return undefined;

  return (path) => {
    let current: unknown = root;
    let line: number | undefined;
    for (const segment of path) {
      if (typeof current !== 'object' || current === null) break;
      const entry = positions.get(current);
      const next = typeof segment === 'number' ? entry?.items?.[segment] : entry?.keys?.get(segment);
      if (next === undefined) break;
      line = next.line;
      // Inside an alias the lines would be the anchor's, so the walk stops where the alias is used, as yaml's does.
      if (next.alias) break;
      current = (current as Record<string | number, unknown>)[segment];
    }
    return line;
  };
}

/** Indexes lines with the `yaml` parser, which keeps every node's offset; slower, but exact for every shape. */
export function yamlPositions(text: string): PositionIndex {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, version: '1.1', uniqueKeys: false });
  return (path) => {
    let node: unknown = document.contents;
    let offset: number | undefined;
    for (const segment of path) {
      const child = childOf(node, segment);
      if (!child) break;
      if (child.keyOffset !== undefined) offset = child.keyOffset;
      else if (child.node?.range) offset = child.node.range[0];
      node = child.node;
    }
    return offset === undefined ? undefined : lines.linePos(offset).line - 1;
  };
}

function childOf(node: unknown, segment: PathSegment): { node: Node | undefined; keyOffset?: number } | undefined {
  if (typeof segment === 'number') {
    if (!isSeq(node)) return undefined;
    const item = node.items[segment] as Node | undefined;
    return item ? { node: item } : undefined;
  }
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
    if (key && String(key.value) === segment) {
      const result: { node: Node | undefined; keyOffset?: number } = { node: (pair.value ?? undefined) as Node | undefined };
      if (key.range) result.keyOffset = key.range[0];
      return result;
    }
  }
  return undefined;
}
