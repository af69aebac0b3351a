import { loadInputs } from '../../src/load/index.js';
import { buildInventory, type Inventory } from '../../src/model/inventory.js';
import { connlist } from '../../src/netpol/connlist.js';
import { formatConnlist } from '../../src/netpol/format.js';

/** Builds an Inventory from YAML text, as `rampart netpol connlist -` would read it. */
export async function inventoryOf(yaml: string, namespace?: string): Promise<Inventory> {
  const load = await loadInputs(['-'], { readStdin: async () => yaml, ...(namespace ? { namespace } : {}) });
  return buildInventory(load);
}

/** Returns connlist's text lines for YAML text. */
export async function connlistLines(yaml: string, namespace?: string): Promise<string[]> {
  return formatConnlist(connlist(await inventoryOf(yaml, namespace)), 'text').trim().split('\n').filter(Boolean);
}

/** A Deployment with the given pod labels and container ports. */
export function deployment(namespace: string, name: string, labels: Record<string, string>, ports: { name?: string; containerPort: number; protocol?: string }[] = []): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example/app:1', ports }] } } },
  });
}

export function namespaceObject(name: string, labels: Record<string, string> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

export function policy(namespace: string, name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
}

export const documents = (...parts: string[]): string => parts.join('\n---\n');
