import yaml from 'js-yaml';
import { KUBERNETES_SCHEMA } from './yaml-schema.js';

/** One YAML document cut out of a stream, before parsing. */
export interface DocumentText {
  text: string;
  /** 1-based line in the file where `text` starts. */
  startLine: number;
  /** 1-based line of the first line that is not blank, a comment or a `---` marker. */
  contentLine: number;
  index: number;
  /** Offset of `text` in the text it was split from, in characters; absent for a document read alone. */
  offset?: number;
}

export type ParsedDocument =
  | { ok: true; value: unknown; document: DocumentText }
  | { ok: false; message: string; line: number; document: DocumentText };

/** Deeper nesting than this is refused before js-yaml's recursion can overflow the stack. */
export const MAX_DEPTH = 256;
/**
 * Largest number of nodes a document may expand to through aliases. js-yaml shares an
 * aliased node instead of copying it, so a few lines of anchors can stand for billions of
 * nodes that every walk would visit (the "billion laughs" document).
 */
export const MAX_EXPANDED_NODES = 1_000_000;
/** Largest amount of string data (in UTF-16 code units) aliases may expand a document to, past ten times its own size. */
export const MAX_EXPANDED_TEXT = 64 * 1024 * 1024;

class DocumentRefused extends Error {}

/**
 * Splits a YAML stream at `---` and `...` marker lines, keeping each document's line, so
 * that one broken document does not hide the others and positions stay exact.
 */
export function splitDocuments(text: string): DocumentText[] {
  // A byte order mark at the start of a later document (files joined with cat) would become
  // part of the first key; removing it at line starts keeps every line number.
  const source = text.includes('\uFEFF') ? text.replace(/^\uFEFF/gm, '') : text;
  const documents: DocumentText[] = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let position = 0;
  let afterEnd = false;

  const push = (end: number) => {
    const text = source.slice(start, end);
    const contentLine = afterEnd ? undefined : firstContentLine(text, startLine);
    // A document of only comments and markers is empty, as it is for kubectl and Helm.
    if (contentLine !== undefined) documents.push({ text, startLine, contentLine, index: documents.length, offset: start });
  };

  while (position <= source.length) {
    let lineEnd = source.indexOf('\n', position);
    if (lineEnd < 0) lineEnd = source.length;
    if (source.startsWith('---', position) && isMarkerEnd(source.charCodeAt(position + 3))) {
      if (position > start) push(position);
      start = position;
      startLine = line;
      afterEnd = false;
    } else if (source.startsWith('...', position) && isMarkerEnd(source.charCodeAt(position + 3))) {
      push(position);
      afterEnd = true;
      start = lineEnd + 1;
      startLine = line + 1;
    } else if (afterEnd && source.slice(position, lineEnd).trim() !== '' && source[position] !== '#' && source[position] !== '%') {
      afterEnd = false;
    }
    position = lineEnd + 1;
    line++;
  }
  if (start < source.length) push(source.length);
  return documents;
}

function isMarkerEnd(code: number): boolean {
  // end of input, space, tab, CR or LF
  return Number.isNaN(code) || code === 32 || code === 9 || code === 13 || code === 10;
}

function firstContentLine(text: string, startLine: number): number | undefined {
  let offset = 0;
  for (let line = startLine; offset < text.length; line++) {
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    const trimmed = text.slice(offset, end).trim();
    offset = end + 1;
    if (trimmed === '' || trimmed.startsWith('#') || trimmed === '---' || trimmed.startsWith('%')) continue;
    return line;
  }
  return undefined;
}

/** V8 keeps a substring at least this long as a slice that points into the string it was cut from. */
const SLICE_MIN_LENGTH = 13;

/**
 * Copies a value out of the document's text. js-yaml cuts scalars from that text, and V8 keeps
 * such substrings as slices of it, so a single value kept by the Inventory would keep the text
 * of the whole input alive (as much memory again as the input's size).
 */
function detached(value: string): string {
  // The concatenation is flattened into a fresh string when sliced; the slice points into that copy.
  return (' ' + value).slice(1);
}

/** Parses one document by Kubernetes' YAML rules, refusing alias bombs and runaway nesting. */
export function parseDocument(document: DocumentText, filename: string): ParsedDocument {
  let depth = 0;
  const expandedSize = new WeakMap<object, number>();
  const expandedText = new WeakMap<object, number>();
  const textLimit = Math.max(MAX_EXPANDED_TEXT, 10 * document.text.length);
  let aliases = 0;

  const listener = (event: 'open' | 'close', state: { result: unknown; line: number }) => {
    if (event === 'open') {
      depth++;
      if (depth > MAX_DEPTH) throw new DocumentRefused(`nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    depth--;
    const result = state.result;
    if (typeof result !== 'object' || result === null) return;
    if (expandedSize.has(result)) {
      // The node was closed before: this is an alias of it.
      aliases++;
      return;
    }
    let size = 1;
    let textSize = 0;
    const node = result as Record<string, unknown>;
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (typeof child === 'object' && child !== null) {
        size += expandedSize.get(child) ?? 1;
        textSize += expandedText.get(child) ?? 0;
      } else {
        size += 1;
        if (typeof child === 'string') {
          // An alias of a long string is as costly to scan as the string written out again.
          textSize += child.length;
          if (child.length >= SLICE_MIN_LENGTH) node[key] = detached(child);
        }
      }
    }
    if (size > MAX_EXPANDED_NODES && (aliases > 0 || size > 2 * document.text.length)) {
      throw new DocumentRefused(`aliases expand to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes (an alias bomb)`);
    }
    if (textSize > textLimit) {
      throw new DocumentRefused(`aliases expand to more than ${Math.round(textLimit / 1024 / 1024)} MB of text (an alias bomb)`);
    }
    expandedSize.set(result, size);
    expandedText.set(result, textSize);
  };

  try {
    // Duplicate keys stay an error (js-yaml's default): which value wins is not obvious to a reader.
    // js-yaml 4.3 has its own depth limit (100 by default). Ours is checked first and gives a clearer message.
    const value = yaml.load(document.text, { schema: KUBERNETES_SCHEMA, filename, listener, maxDepth: MAX_DEPTH + 1 } as yaml.LoadOptions);
    return { ok: true, value, document };
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const markLine = error.mark?.line;
      const line = typeof markLine === 'number' ? document.startLine + markLine : document.contentLine;
      return { ok: false, message: error.reason || error.message, line, document };
    }
    if (error instanceof DocumentRefused) {
      return { ok: false, message: error.message, line: document.contentLine, document };
    }
    if (error instanceof RangeError) {
      return { ok: false, message: 'document too deeply nested to parse', line: document.contentLine, document };
    }
    throw error;
  }
}
