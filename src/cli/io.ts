import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { InputError } from '../load/problems.js';
import { escapeControl } from '../report/escape.js';

export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

/** Thrown for a wrong command line: one line on stderr and exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new InputError('"-" reads standard input, but standard input is a terminal; pipe the manifests in');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Rejects an existing output file unless `force` is set. Commands call it before doing any work. */
export function assertOutputWritable(output: string | undefined, force: boolean): void {
  if (output !== undefined && output.trim() === '') throw new UsageError('--output needs a file path, or - for standard output');
  if (output === undefined || output === '-' || !existsSync(output)) return;
  const stat = statSync(output);
  if (stat.isDirectory()) throw new UsageError(`--output ${output} is a folder; give a file path`);
  // Devices such as /dev/stdout and /dev/null are written to, never replaced.
  if (stat.isFile() && !force) throw new UsageError(`${output} already exists; use --force to overwrite it`);
}

/**
 * Writes results, given as one text or as pieces, to stdout or to a file; an existing file is
 * kept unless `force` is set. Writes to files and to pipes and terminals on Linux are
 * synchronous in Node, so pieces are not queued in memory.
 */
export function writeResult(output: string | undefined, text: string | Iterable<string>, force: boolean): void {
  const pieces = typeof text === 'string' ? [text] : text;
  if (output === undefined || output === '-') {
    for (const piece of pieces) process.stdout.write(piece);
    return;
  }
  assertOutputWritable(output, force);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(output, 'w');
    for (const piece of pieces) writeSync(descriptor, piece);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const reason = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`cannot write --output ${output}: ${reason}`);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream, disabled: boolean): boolean {
  return !disabled && Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

export function note(message: string): void {
  process.stderr.write(`rampart: ${escapeControl(message)}\n`);
}
