import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { PathSegment, SourceRef } from '../model/resource.js';
import { splitDocuments, type DocumentText } from './documents.js';

/**
 * Finds the line of a path inside a loaded document. Loading uses js-yaml, which keeps no
 * positions, so the `yaml` parser reads again only the documents that have findings.
 */
export class Locator {
  private readonly documents = new Map<string, DocumentText[]>();
  // Only the last parsed document is kept: callers ask document by document, and keeping
  // every parsed document of a large install costs gigabytes.
  private last: { key: string; entry: { document: Document; lines: LineCounter } | null } | undefined;

  constructor(private readonly sources: ReadonlyMap<string, string>) {}

  /** Returns the 1-based line of `path` in the document, or of its deepest ancestor that exists. */
  lineOf(source: SourceRef, path: readonly PathSegment[]): number {
    const fullPath = [...(source.itemPath ?? []), ...path];
    if (fullPath.length === 0) return source.line;
    const entry = this.parse(source);
    if (!entry) return source.line;
    const documentText = this.documentsOf(source.file)[source.documentIndex];

    let node: unknown = entry.document.contents;
    let offset: number | undefined;
    for (const segment of fullPath) {
      const child = childOf(node, segment);
      if (!child) break;
      if (child.keyOffset !== undefined) offset = child.keyOffset;
      else if (child.node?.range) offset = child.node.range[0];
      node = child.node;
    }
    if (offset === undefined) return source.line;
    return documentText.startLine + entry.lines.linePos(offset).line - 1;
  }

  private documentsOf(file: string): DocumentText[] {
    let documents = this.documents.get(file);
    if (!documents) {
      documents = splitDocuments(this.sources.get(file) ?? '');
      this.documents.set(file, documents);
    }
    return documents;
  }

  private parse(source: SourceRef) {
    const key = `${source.file}\u0000${source.documentIndex}`;
    if (this.last?.key === key) return this.last.entry ?? undefined;
    const documentText = this.documentsOf(source.file)[source.documentIndex];
    let entry: { document: Document; lines: LineCounter } | null = null;
    if (documentText) {
      const lines = new LineCounter();
      const document = parseDocument(documentText.text, { lineCounter: lines, version: '1.1', uniqueKeys: false });
      entry = { document, lines };
    }
    this.last = { key, entry };
    return entry ?? undefined;
  }
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
