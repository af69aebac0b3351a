/** One block of a PEM file: its label (`CERTIFICATE`, `EC PRIVATE KEY`…) and its DER bytes. */
export interface PemBlock {
  label: string;
  der: Buffer;
  /** False when the body is not valid base64, so `der` contains whatever Node's lenient decoder made of it. */
  validBase64: boolean;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Reads every PEM block in the text, in order; text between blocks (comments, `openssl x509 -text` output) is skipped. */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    // Encrypted keys in the old OpenSSL format (RFC 1421) put headers and a blank line before the base64 body.
    const body = match[2].includes(':') ? match[2].split(/\r?\n\s*\r?\n/).slice(1).join('') : match[2];
    const base64 = body.replace(/\s+/g, '');
    blocks.push({ label: match[1], der: Buffer.from(base64, 'base64'), validBase64: isBase64(base64) });
  }
  return blocks;
}

/** True for standard base64 (RFC 4648 section 4) with its padding: Buffer.from skips bad characters silently. */
function isBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
}

export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Private key labels: PKCS #8 (plain and encrypted), PKCS #1 RSA, SEC 1 EC, and OpenSSH. */
export function isPrivateKeyLabel(label: string): boolean {
  return /PRIVATE KEY$/.test(label);
}
