import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { splitDocuments, type DocumentText } from './documents.js';

/** Byte range of each document of a file on disk, so that one document can be read alone. */
interface DocumentIndex {
  byteStart: Float64Array;
  byteEnd: Float64Array;
  startLine: Float64Array;
  contentLine: Float64Array;
}

/**
 * Texts of the inputs by file name, for finding lines after the audit. Standard input and
 * rendered charts are kept in memory. A file on disk is indexed by the byte range of each
 * document and read again one document at a time, so that a large install is not held in
 * memory twice.
 */
export class SourceTexts {
  private readonly inMemory = new Map<string, string>();
  private readonly onDisk = new Map<string, DocumentIndex | undefined>();
  private split: { file: string; documents: DocumentText[] } | undefined;
  private open: { file: string; descriptor: number } | undefined;
  private readonly others: SourceTexts[] = [];

  keep(file: string, text: string): void {
    this.inMemory.set(file, text);
  }

  /** Gives a text kept in memory another name. */
  rename(from: string, to: string): void {
    const text = this.inMemory.get(from);
    if (text === undefined) return;
    this.inMemory.delete(from);
    this.inMemory.set(to, text);
  }

  /** Serves the files of another set of texts too, for names this one does not hold. */
  include(other: SourceTexts): void {
    if (other !== this) this.others.push(other);
  }

  /**
   * Remembers a file on disk with the documents split from its text. Without them, or when the
   * split changed the text (byte order marks removed), the whole file is read again instead.
   */
  rememberFile(file: string, text?: string, documents?: readonly DocumentText[]): void {
    this.onDisk.set(file, text !== undefined && documents ? indexDocuments(text, documents) : undefined);
  }

  /**
   * Returns the text of a file, or undefined when it is unknown or no longer readable.
   * NOTE: a file changed on disk between loading and reporting gives lines of the new text.
   */
  get(file: string): string | undefined {
    const owner = this.ownerOf(file);
    if (owner !== this) return owner?.get(file);
    const kept = this.inMemory.get(file);
    if (kept !== undefined || !this.onDisk.has(file)) return kept;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Returns one document of a file as the loader split it, or undefined when it cannot be read. */
  document(file: string, index: number): DocumentText | undefined {
    const owner = this.ownerOf(file);
    if (owner !== this) return owner?.document(file, index);
    const byteIndex = this.onDisk.get(file);
    if (byteIndex && !this.inMemory.has(file)) return this.readDocument(file, byteIndex, index);
    if (this.split?.file !== file) this.split = { file, documents: splitDocuments(this.get(file) ?? '') };
    return this.split.documents[index];
  }

  /** Closes the file kept open for reading documents. */
  release(): void {
    if (this.open) closeSync(this.open.descriptor);
    this.open = undefined;
    this.split = undefined;
    for (const other of this.others) other.release();
  }

  /** Returns the set of texts that contains a file, searching this one first, then those included. */
  private ownerOf(file: string): SourceTexts | undefined {
    if (this.inMemory.has(file) || this.onDisk.has(file)) return this;
    for (const other of this.others) {
      const owner = other.ownerOf(file);
      if (owner) return owner;
    }
    return undefined;
  }

  private readDocument(file: string, byteIndex: DocumentIndex, index: number): DocumentText | undefined {
    if (index < 0 || index >= byteIndex.byteStart.length) return undefined;
    try {
      if (this.open?.file !== file) {
        this.release();
        this.open = { file, descriptor: openSync(file, 'r') };
      }
      const start = byteIndex.byteStart[index]!;
      const buffer = Buffer.alloc(byteIndex.byteEnd[index]! - start);
      const read = readSync(this.open.descriptor, buffer, 0, buffer.length, start);
      return { text: buffer.toString('utf8', 0, read), startLine: byteIndex.startLine[index]!, contentLine: byteIndex.contentLine[index]!, index };
    } catch {
      return undefined;
    }
  }
}

/** Computes the byte range of each document; undefined when the documents are not slices of `text` in order. */
function indexDocuments(text: string, documents: readonly DocumentText[]): DocumentIndex | undefined {
  const count = documents.length;
  const index: DocumentIndex = { byteStart: new Float64Array(count), byteEnd: new Float64Array(count), startLine: new Float64Array(count), contentLine: new Float64Array(count) };
  // Pure ASCII, the usual case, has byte offsets equal to character offsets.
  const ascii = Buffer.byteLength(text, 'utf8') === text.length;
  let characters = 0;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const document = documents[i]!;
    if (document.offset === undefined || document.offset < characters || text.startsWith(document.text, document.offset) === false) return undefined;
    bytes += ascii ? document.offset - characters : Buffer.byteLength(text.slice(characters, document.offset), 'utf8');
    characters = document.offset;
    index.byteStart[i] = bytes;
    const length = ascii ? document.text.length : Buffer.byteLength(document.text, 'utf8');
    index.byteEnd[i] = bytes + length;
    index.startLine[i] = document.startLine;
    index.contentLine[i] = document.contentLine;
    bytes += length;
    characters += document.text.length;
  }
  return index;
}
