import 'reflect-metadata';
import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { PkiInputError } from './errors.js';

/** Key types the generators offer; ECDSA P-256 is the default everywhere. */
export const KEY_TYPES = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** A WebCrypto key pair with the algorithm it signs with. */
export interface SigningKeyPair {
  type: KeyType;
  keys: webcrypto.CryptoKeyPair;
  /** WebCrypto algorithm for certificate signatures, always with SHA-256 or stronger. */
  signingAlgorithm: webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams;
}

const RSA_EXPONENT = new Uint8Array([1, 0, 1]);

export function parseKeyType(value: string): KeyType {
  if ((KEY_TYPES as readonly string[]).includes(value)) return value as KeyType;
  throw new PkiInputError(`invalid key type "${value}": use one of ${KEY_TYPES.join(', ')}`);
}

export function isRsa(type: KeyType): boolean {
  return type.startsWith('rsa-');
}

function algorithmOf(type: KeyType): { generate: webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams; sign: webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams } {
  switch (type) {
    case 'ecdsa-p256':
      return { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } };
    case 'ecdsa-p384':
      return { generate: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } };
    default: {
      const modulusLength = Number(type.slice('rsa-'.length));
      return { generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: RSA_EXPONENT, hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } };
    }
  }
}

export async function generateKeyPair(type: KeyType): Promise<SigningKeyPair> {
  const algorithm = algorithmOf(type);
  // Extractable, because the private key is written to a file afterwards.
  const keys = await crypto.subtle.generateKey(algorithm.generate, true, ['sign', 'verify']);
  return { type, keys, signingAlgorithm: algorithm.sign };
}

/**
 * Encodes the private key as PEM: SEC 1 (`EC PRIVATE KEY`) for ECDSA, which every Linkerd
 * release reads, and PKCS #8 (`PRIVATE KEY`) for RSA.
 */
export async function privateKeyPem(pair: SigningKeyPair): Promise<string> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const pem = isRsa(pair.type) ? key.export({ type: 'pkcs8', format: 'pem' }) : key.export({ type: 'sec1', format: 'pem' });
  return pem.toString();
}

/** Imports a PEM private key (PKCS #1, SEC 1 or PKCS #8, unencrypted) for signing, e.g. a CA key given with --ca-key. */
export async function importPrivateKeyPem(pem: string, source: string): Promise<SigningKeyPair> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new PkiInputError(`cannot read the private key in ${source}: ${(error as Error).message}; give an unencrypted PEM key`);
  }
  const type = keyTypeOf(key);
  if (!type) throw new PkiInputError(`unsupported private key in ${source}: use an ECDSA P-256 or P-384 key or an RSA key of 2048, 3072 or 4096 bits`);

  const algorithm = algorithmOf(type);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const importAlgorithm = 'namedCurve' in algorithm.generate ? { name: 'ECDSA', namedCurve: algorithm.generate.namedCurve } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, importAlgorithm, false, ['sign']);
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const publicKey = await crypto.subtle.importKey('spki', spki, importAlgorithm, true, ['verify']);
  return { type, keys: { privateKey, publicKey }, signingAlgorithm: algorithm.sign };
}

function keyTypeOf(key: KeyObject): KeyType | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve === 'prime256v1') return 'ecdsa-p256';
    if (details.namedCurve === 'secp384r1') return 'ecdsa-p384';
    return undefined;
  }
  if (key.asymmetricKeyType === 'rsa') {
    const type = `rsa-${details.modulusLength}`;
    return (KEY_TYPES as readonly string[]).includes(type) ? (type as KeyType) : undefined;
  }
  return undefined;
}
