import { createRootCa, MAX_COMMON_NAME_LENGTH } from './certificates.js';
import { PkiInputError } from './errors.js';
import type { OutputFile } from './files.js';
import { generateKeyPair, privateKeyPem, type KeyType } from './keys.js';

export const DEFAULT_CA_DAYS = 3650;
/** Path length 0: the CA signs leaf certificates only, which is what most uses need. */
export const DEFAULT_CA_PATH_LENGTH = 0;

export interface CaFilesRequest {
  commonName: string;
  now: Date;
  days: number;
  pathLength: number;
  keyType: KeyType;
}

/** Creates a self-signed root CA as ca.crt and ca.key. */
export async function createCaFiles(request: CaFilesRequest): Promise<OutputFile[]> {
  if (request.commonName.trim() === '') throw new PkiInputError('--name needs a common name, e.g. "Example Platform CA"');
  const length = [...request.commonName].length;
  if (length > MAX_COMMON_NAME_LENGTH) throw new PkiInputError(`invalid --name: it has ${length} characters, but a common name has at most ${MAX_COMMON_NAME_LENGTH}`);
  const keyPair = await generateKeyPair(request.keyType);
  const certificate = await createRootCa({ commonName: request.commonName, keyPair, pathLength: request.pathLength, now: request.now, days: request.days });
  return [
    { name: 'ca.crt', content: certificate.toString('pem') + '\n', secret: false },
    { name: 'ca.key', content: await privateKeyPem(keyPair), secret: true },
  ];
}
