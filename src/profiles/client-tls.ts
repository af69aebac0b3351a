import type { ClientView } from './types.js';

/** Names the Secret a client's file comes from, when the file lies under one of its Secret volumes. */
export function secretOfFile(client: ClientView, file: string): string | undefined {
  const mount = client.secretMounts?.find((entry) => file.startsWith(entry.mountPath.endsWith('/') ? entry.mountPath : `${entry.mountPath}/`));
  return mount?.secretName;
}

/** Describes a CA file for evidence: "the CA in /etc/ca.crt (Secret nats-ca)". */
export function describeCaFile(client: ClientView, file: string): string {
  const secret = secretOfFile(client, file);
  return secret ? `the CA in ${file} (Secret ${secret})` : `the CA in ${file}`;
}
