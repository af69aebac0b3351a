import { existsSync, statSync, writeFileSync } from 'node:fs';
import { InputError } from '../load/problems.js';

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
  if (output === undefined || output === '-' || !existsSync(output)) return;
  const stat = statSync(output);
  if (stat.isDirectory()) throw new UsageError(`--output ${output} is a folder; give a file path`);
  // Devices such as /dev/stdout and /dev/null are written to, never replaced.
  if (stat.isFile() && !force) throw new UsageError(`${output} already exists; use --force to overwrite it`);
}

/** Writes results to stdout or to a file; an existing file is kept unless `force` is set. */
export function writeResult(output: string | undefined, text: string, force: boolean): void {
  if (output === undefined || output === '-') {
    process.stdout.write(text);
    return;
  }
  assertOutputWritable(output, force);
  try {
    writeFileSync(output, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`cannot write --output ${output}: ${reason}`);
  }
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream, disabled: boolean): boolean {
  return !disabled && Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

export function note(message: string): void {
  process.stderr.write(`rampart: ${message}\n`);
}
