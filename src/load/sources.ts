import { readFileSync } from 'node:fs';

/**
 * Texts of the inputs by file name, for finding lines after the audit. Standard input and
 * rendered charts are kept in memory. Files are read again from disk when a finding needs
 * them, so that a large install is not held in memory twice.
 */
export class SourceTexts {
  private readonly inMemory = new Map<string, string>();
  private readonly onDisk = new Set<string>();

  keep(file: string, text: string): void {
    this.inMemory.set(file, text);
  }

  rememberFile(file: string): void {
    this.onDisk.add(file);
  }

  /**
   * Returns the text of a file, or undefined when it is unknown or no longer readable.
   * NOTE: a file changed on disk between loading and reporting gives lines of the new text.
   */
  get(file: string): string | undefined {
    const kept = this.inMemory.get(file);
    if (kept !== undefined || !this.onDisk.has(file)) return kept;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }
}
