import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/audit.js';
import { buildInventory } from '../../../src/model/inventory.js';
import { loadInputs } from '../../../src/load/index.js';
import { workloadConnections, workloadGraph } from '../../../src/checks/netpol/workload-graph.js';
import { ConnectionSet } from '../../../src/netpol/connections.js';
import { IntervalSet } from '../../../src/netpol/intervals.js';
import { DEFAULT_INGRESS_CONTROLLER, renderPolicies, synthesizeNetpol } from '../../../src/harden/netpol.js';
import { auditFiles, ROOT } from '../../support/audit.js';
import { deployment, documents, namespaceObject, policy } from '../../netpol/support.js';

async function auditYaml(yaml: string): Promise<AuditResult> {
  return auditFiles(['-'], { readStdin: async () => yaml });
}

function findingsOf(result: AuditResult, checkId: string) {
  return result.findings.filter((finding) => finding.checkId === checkId);
}

/** Builds a Deployment whose container names `address` in env, so that a flow to it is inferred. */
function client(namespace: string, name: string, labels: Record<string, string>, address: string, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels, annotations }, spec: { containers: [{ name: 'main', image: 'example/app:1', env: [{ name: 'SERVER_URL', value: address }] }] } } },
  });
}

function service(namespace: string, name: string, selector: Record<string, string>, port: number): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ port }] } });
}

describe('netpol/needed-flow-blocked', () => {
  it('names flow and isolating policy per side', async () => {
    const result = await auditYaml(
      documents(
        client('shop', 'api', { app: 'api' }, 'http://db.shop.svc:5432'),
        deployment('shop', 'db', { app: 'db' }, [{ containerPort: 5432 }]),
        service('shop', 'db', { app: 'db' }, 5432),
        policy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      ),
    );
    const findings = findingsOf(result, 'netpol/needed-flow-blocked');
    expect(findings.map((finding) => finding.messageId).sort()).toEqual(['egressBlocked', 'ingressBlocked']);
    for (const finding of findings) {
      expect(finding.data.source).toBe('shop/api[Deployment]');
      expect(finding.data.destination).toBe('shop/db[Deployment]');
      expect(finding.data.port).toBe('TCP 5432');
      expect(finding.data.policies).toBe('NetworkPolicy shop/default-deny');
      expect(finding.resource?.name).toBe('default-deny');
    }
    const ingress = findings.find((finding) => finding.messageId === 'ingressBlocked');
    expect(ingress?.remediation).toContain('{from: [{podSelector: {matchLabels: {app: "api"}}}], ports: [{protocol: TCP, port: 5432}]}');
  });

  it('selects the peer in the fix by labels that survive an upgrade', async () => {
    const helm = (name: string) => ({
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/instance': 'shop',
      'app.kubernetes.io/version': '1.2.0',
      'app.kubernetes.io/managed-by': 'Helm',
      'helm.sh/chart': `${name}-1.2.0`,
    });
    const result = await auditYaml(
      documents(
        client('shop', 'api', helm('api'), 'http://db.shop.svc:5432'),
        deployment('shop', 'db', helm('db'), [{ containerPort: 5432 }]),
        service('shop', 'db', helm('db'), 5432),
        policy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      ),
    );
    const findings = findingsOf(result, 'netpol/needed-flow-blocked');
    expect(findings).toHaveLength(2);
    const ingress = findings.find((finding) => finding.messageId === 'ingressBlocked');
    const egress = findings.find((finding) => finding.messageId === 'egressBlocked');
    expect(ingress?.remediation).toContain('{from: [{podSelector: {matchLabels: {app.kubernetes.io/name: "api"}}}], ports: [{protocol: TCP, port: 5432}]}');
    expect(egress?.remediation).toContain('{to: [{podSelector: {matchLabels: {app.kubernetes.io/name: "db"}}}], ports: [{protocol: TCP, port: 5432}]}');
    for (const finding of findings) {
      expect(finding.remediation).not.toMatch(/helm\.sh\/chart|app\.kubernetes\.io\/version|managed-by/);
    }
  });

  it('judges meshed pairs on 4143 only', async () => {
    const meshed = { 'linkerd.io/inject': 'enabled' };
    const result = await auditYaml(
      documents(
        client('shop', 'api', { app: 'api' }, 'http://db.shop.svc:5432', meshed),
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'db', namespace: 'shop' },
          spec: { selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' }, annotations: meshed }, spec: { containers: [{ name: 'db', image: 'example/db:1' }] } } },
        }),
        service('shop', 'db', { app: 'db' }, 5432),
        // Only the proxy's port is open: the application port 5432 never appears on the wire between meshed pods.
        policy('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 4143 }] }] }),
      ),
    );
    expect(findingsOf(result, 'netpol/needed-flow-blocked')).toEqual([]);
  });
});

describe('netpol/unneeded-connection', () => {
  it('counts sources of every namespace behind a rule without from', async () => {
    const sources = Array.from({ length: 7 }, (_, index) => deployment(`team-${index}`, `job-${index}`, { app: `job-${index}` }));
    const result = await auditYaml(
      documents(
        ...sources,
        deployment('shop', 'ui', { app: 'ui' }, [{ containerPort: 8443 }]),
        policy('shop', 'ui', { podSelector: { matchLabels: { app: 'ui' } }, ingress: [{ ports: [{ port: 8443 }] }] }),
        // One source is isolated for egress and may reach nothing.
        policy('team-0', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
      ),
    );
    const [finding] = findingsOf(result, 'netpol/unneeded-connection');
    expect(finding.data.destination).toBe('shop/ui[Deployment]');
    expect(finding.data.count).toBe(6);
    expect(String(finding.data.examples).split(', ')).toHaveLength(3);
    expect(finding.data.examples).toContain('(TCP 8443)');
    expect(finding.data.examples).not.toContain('team-0/');
  });

  it('agrees with pairwise evaluation', async () => {
    // Named and wildcard rules on both sides, egress isolation in some namespaces, and a needed flow.
    const yaml = documents(
      namespaceObject('front', { tier: 'edge' }),
      deployment('front', 'web', { app: 'web', tier: 'edge' }),
      deployment('front', 'cdn', { app: 'cdn' }),
      client('back', 'api', { app: 'api' }, 'http://db.back.svc:5432'),
      deployment('back', 'db', { app: 'db' }, [{ name: 'pg', containerPort: 5432 }]),
      deployment('back', 'cache', { app: 'cache' }),
      service('back', 'db', { app: 'db' }, 5432),
      deployment('ops', 'agent', { app: 'agent' }),
      policy('back', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'pg' }] }, { ports: [{ port: 9187 }] }] }),
      policy('back', 'cache', { podSelector: { matchLabels: { app: 'cache' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { tier: 'edge' } } }] }, { ports: [{ port: 6379 }] }] }),
      policy('front', 'egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 6379 }] }, { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'back' } } }], ports: [{ port: 9187 }] }] }),
      policy('ops', 'egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] }),
    );
    const result = await auditYaml(yaml);
    const reported = new Map(findingsOf(result, 'netpol/unneeded-connection').map((finding) => [finding.data.destination, finding.data.count]));

    const inventory = buildInventory(await loadInputs(['-'], { readStdin: async () => yaml }));
    const graph = workloadGraph(inventory);
    const expected = new Map<string, number>();
    for (const destination of graph.analysis.peers.workloads) {
      if (!destination.classes.every((podClass) => graph.analysis.ingress[podClass.index].policies.length > 0)) continue;
      let count = 0;
      for (const source of graph.analysis.peers.workloads) {
        if (source === destination) continue;
        let extra = workloadConnections(graph.analysis, source, destination);
        for (const flow of graph.flows) if (flow.source === source && flow.destination === destination) extra = extra.subtract(extra.intersect(portSet(flow.protocol, flow.flow.port)));
        if (!extra.isEmpty()) count++;
      }
      if (count > 0) expected.set(destination.id, count);
    }
    expect(expected.size).toBeGreaterThan(1);
    expect(reported).toEqual(expected);
  });
});

describe('netpol/peer-matches-nothing', () => {
  it('rates a typo higher than an absent namespace', async () => {
    const result = await auditYaml(
      documents(
        deployment('shop', 'db', { app: 'db' }),
        policy('shop', 'db', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }, { namespaceSelector: { matchLabels: { team: 'ops' } } }, { podSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] } }] }],
        }),
      ),
    );
    const findings = findingsOf(result, 'netpol/peer-matches-nothing');
    expect(findings.map((finding) => [finding.path, finding.messageId, finding.severity])).toEqual([
      ['spec.ingress[0].from[0]', 'noPod', 'medium'],
      ['spec.ingress[0].from[1]', 'noNamespace', 'low'],
      ['spec.ingress[0].from[2]', 'invalidSelector', 'low'],
    ]);
  });
});

describe('netpol/egress-to-everywhere', () => {
  it('sees every address behind other spellings', async () => {
    const result = await auditYaml(
      documents(
        policy('shop', 'out', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/0' } }, { ipBlock: { cidr: '0.0.0.0/0', except: ['fd00::/8'] } }, { ipBlock: { cidr: '0.0.0.0/1' } }] }],
        }),
      ),
    );
    const findings = findingsOf(result, 'netpol/egress-to-everywhere');
    expect(findings.map((finding) => finding.path).sort()).toEqual(['spec.egress[0].to[0]', 'spec.egress[0].to[1]']);
    expect(findings.map((finding) => finding.severity)).toEqual(['high', 'high']);
  });
});

describe('netpol/linkerd-proxy-port', () => {
  it('counts every meshed workload behind a wildcard rule', async () => {
    const meshedNamespace = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, annotations: { 'linkerd.io/inject': 'enabled' } } });
    const result = await auditYaml(
      documents(
        meshedNamespace('howso'),
        meshedNamespace('jobs'),
        deployment('howso', 'ui', { app: 'ui' }, [{ containerPort: 8443 }]),
        deployment('howso', 'api', { app: 'api' }),
        deployment('jobs', 'report', { app: 'report' }),
        deployment('plain', 'legacy', { app: 'legacy' }),
        policy('howso', 'ui', { podSelector: { matchLabels: { app: 'ui' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8443 }, { port: 4191 }] }, { from: [{ podSelector: { matchLabels: { app: 'api' } } }] }] }),
      ),
    );
    const [finding] = findingsOf(result, 'netpol/linkerd-proxy-port');
    expect(finding.data.destination).toBe('howso/ui[Deployment]');
    // api is admitted on every port by its own rule, so only jobs/report is cut off; legacy is not meshed.
    expect(finding.data.count).toBe(1);
    expect(finding.data.examples).toBe('jobs/report[Deployment]');
    expect(finding.data.ports).toBe('TCP 8443');
    expect(finding.path).toBe('spec.ingress[0].ports');
  });
});

function portSet(protocol: 'TCP' | 'UDP' | 'SCTP', port: number) {
  return ConnectionSet.of(protocol, IntervalSet.of(port, port));
}

describe('netpol checks on a hardened install', () => {
  for (const meshed of [false, true]) {
    it(`bundle passes${meshed ? ' when meshed' : ''}`, async () => {
      const example = readFileSync(path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml'), 'utf8');
      const namespace = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'howso', annotations: meshed ? { 'linkerd.io/inject': 'enabled' } : {} } });
      // The later of two Namespace objects with one name is the one applied, so this one replaces the example's.
      const install = documents(example, namespace);
      const inventory = buildInventory(await loadInputs(['-'], { readStdin: async () => install }));
      const bundle = synthesizeNetpol(inventory, { ingressController: DEFAULT_INGRESS_CONTROLLER });
      const policies = bundle.namespaces.map((entry) => renderPolicies(entry.policies)).join('---\n');
      expect(policies.includes('port: 4143')).toBe(meshed);
      const result = await auditYaml(documents(install, policies));
      const netpol = result.findings.filter((finding) => finding.area === 'netpol' && !finding.suppressed).map((finding) => `${finding.checkId}: ${finding.message}`);
      expect(netpol).toEqual([]);
      // The policies for the datastores outside the input select pods the audit cannot see, and their findings are suppressed.
      const suppressed = result.findings.filter((finding) => finding.area === 'netpol' && finding.suppressed).map((finding) => `${finding.checkId} ${finding.resource?.name}`);
      expect(suppressed.sort()).toEqual(['platform-minio', 'platform-nats', 'platform-postgres-postgresql', 'platform-redis-master'].map((service) => `netpol/policy-selects-nothing rampart-service-${service}-ingress`));
    });
  }
});
