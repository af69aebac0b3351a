import { describe, expect, it } from 'vitest';
import { bundleReadme } from '../../src/harden/netpol-readme.js';
import { DEFAULT_INGRESS_CONTROLLER, synthesizeNetpol, type NetpolBundle } from '../../src/harden/netpol.js';
import { formatVerdict, proveBundle, type Proof } from '../../src/harden/verify.js';
import { loadInputs } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { documents } from '../netpol/support.js';

/** Builds a node agent on the host network that calls the shop's web server, and the web server. */
function agent(hostNetwork: unknown): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { hostNetwork, containers: [{ name: 'main', image: 'example/agent:1', env: [{ name: 'WEB_URL', value: 'http://web.shop.svc.cluster.local/api' }] }] },
      },
    },
  });
}

function web(hostNetwork?: boolean): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { ...(hostNetwork === undefined ? {} : { hostNetwork }), containers: [{ name: 'main', image: 'example/web:1', ports: [{ containerPort: 8080, name: 'http' }] }] } },
    },
  });
}

const webService = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
});

async function harden(yaml: string): Promise<{ bundle: NetpolBundle; proof: Proof }> {
  const install = await loadInputs(['-'], { readStdin: async () => yaml });
  const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER });
  const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
  return { bundle, proof };
}

function flowNames(flows: NetpolBundle['flows']): string[] {
  return flows.map((flow) => `${flow.source.type === 'workload' ? flow.source.workload.name : flow.source.type} -> ${flow.target.service}:${flow.port}`);
}

function peersOf(bundle: NetpolBundle): unknown[] {
  return bundle.namespaces.flatMap((entry) => entry.policies).flatMap((policy) => [...((policy.manifest.spec.ingress as unknown[]) ?? []), ...((policy.manifest.spec.egress as unknown[]) ?? [])]);
}

describe('harden netpol with a host-network end', () => {
  it('host-network client gets no rule', async () => {
    const { bundle } = await harden(documents(agent(true), web(), webService));
    expect(flowNames(bundle.hostNetwork)).toEqual(['agent -> web:8080']);
    expect(JSON.stringify(peersOf(bundle))).not.toContain('"app":"agent"');
    expect(bundle.namespaces[0].policies.map((policy) => policy.name)).not.toContain('rampart-web-ingress');
  });

  it('verdict counts unproved host-network flow', async () => {
    const { proof } = await harden(documents(agent(true), web(), webService));
    expect(proof.passed).toBe(true);
    expect(proof.hostNetwork).toBe(1);
    // Only the two DNS flows of each workload are checked.
    expect(proof.checked).toBe(4);
    expect(formatVerdict(proof)).toContain("1 flow with a host-network end needs an ipBlock for the nodes' addresses (listed in README.md)");
  });

  it('host-network server gets no rule', async () => {
    const { bundle, proof } = await harden(documents(agent(false), web(true), webService));
    expect(flowNames(bundle.hostNetwork)).toEqual(['agent -> web:8080']);
    expect(JSON.stringify(peersOf(bundle))).not.toContain('"app":"web"');
    expect(proof.hostNetwork).toBe(1);
  });

  it('README lists flows with fix', async () => {
    const { bundle } = await harden(documents(agent(true), web(), webService));
    const readme = bundleReadme(bundle, 'out', DEFAULT_INGRESS_CONTROLLER);
    expect(readme).toContain('## Flows with a host-network end');
    expect(readme).toContain('- DaemonSet shop/agent -> Service shop/web port 80');
    expect(readme).toContain('ipBlock');
  });

  it('hostNetwork false or non-boolean allowed', async () => {
    for (const value of [false, 'true']) {
      const { bundle, proof } = await harden(documents(agent(value), web(), webService));
      expect(bundle.hostNetwork).toEqual([]);
      expect(proof.hostNetwork).toBe(0);
      expect(JSON.stringify(peersOf(bundle))).toContain('"app":"agent"');
      expect(formatVerdict(proof)).not.toContain('host-network');
    }
  });
});
