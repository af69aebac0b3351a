import { closeSync, existsSync, lstatSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PkiInputError } from './errors.js';

/** A file a pki command writes. */
export interface OutputFile {
  name: string;
  content: string;
  /** True when the file contains a private key, so it is created with mode 0600. */
  secret: boolean;
}

const SECRET_MODE = 0o600;
const PUBLIC_MODE = 0o644;

/**
 * Writes the files into `folder`, creating the folder (but not its parents) if needed. Every
 * target is checked before the first write, so a refused run writes nothing. With `force`, an
 * existing file is removed and created again, so that a key file never keeps an older, wider mode.
 */
export function writeOutputFiles(folder: string, files: OutputFile[], force: boolean): string[] {
  if (folder.trim() === '') throw new PkiInputError('--out needs a folder path');
  const resolved = path.resolve(folder);
  if (existsSync(resolved) && !statSync(resolved).isDirectory()) throw new PkiInputError(`--out ${folder} is a file; give a folder`);
  if (!existsSync(resolved)) {
    const blocking = fileAncestor(path.dirname(resolved));
    if (blocking) throw new PkiInputError(`cannot create --out ${folder}: ${blocking} is a file, not a folder`);
    if (!existsSync(path.dirname(resolved))) throw new PkiInputError(`cannot create --out ${folder}: its parent folder ${path.dirname(resolved)} does not exist`);
  }

  const targets = files.map((file) => path.join(resolved, file.name));
  const existing = targets.filter((target) => lstatSync(target, { throwIfNoEntry: false }) !== undefined);
  if (existing.length > 0 && !force) {
    throw new PkiInputError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite, or choose another --out`);
  }
  for (const target of existing) {
    if (!lstatSync(target).isFile()) throw new PkiInputError(`${target} exists and is not a regular file; remove it or choose another --out`);
  }

  try {
    if (!existsSync(resolved)) mkdirSync(resolved);
    files.forEach((file, index) => {
      const target = targets[index];
      if (existsSync(target)) unlinkSync(target);
      // 'wx' fails if another process created the file since the check, instead of writing through it.
      const descriptor = openSync(target, 'wx', file.secret ? SECRET_MODE : PUBLIC_MODE);
      try {
        writeSync(descriptor, file.content);
      } finally {
        closeSync(descriptor);
      }
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new PkiInputError(`cannot write to --out ${folder}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message}`);
  }
  return targets;
}

/** Returns the nearest existing ancestor of `folder` (or `folder` itself) when it is not a folder, e.g. `a` for `a/b` when `a` is a file. */
function fileAncestor(folder: string): string | undefined {
  let current = folder;
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return existsSync(current) && !statSync(current).isDirectory() ? current : undefined;
}
