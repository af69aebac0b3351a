/** One block of a PEM file: its label (`CERTIFICATE`, `EC PRIVATE KEY`…) and its DER bytes. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Reads every PEM block in the text, in order; text between blocks (comments, `openssl x509 -text` output) is skipped. */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    // Encrypted keys in the old OpenSSL format (RFC 1421) put headers and a blank line before the base64 body.
    const body = match[2].includes(':') ? match[2].split(/\r?\n\s*\r?\n/).slice(1).join('') : match[2];
    blocks.push({ label: match[1], der: Buffer.from(body.replace(/\s+/g, ''), 'base64') });
  }
  return blocks;
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
