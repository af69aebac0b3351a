// `node bench/netpol.js`: times `netpol connlist` on generated clusters. The largest has
// 5,000 workloads in 200 namespaces with 2,000 NetworkPolicies; the smaller ones keep the
// same shape (25 workloads and 10 policies per namespace) so that the growth shows.
// Each namespace has a default-deny policy for both directions, DNS egress to kube-system,
// allow rules between tiers of the namespace, ingress from a monitoring namespace by
// namespaceSelector plus podSelector, an ipBlock egress with an except, and named ports.
// Prints a Markdown table on stdout; progress goes to stderr.
//
//   npm run build && node bench/netpol.js [--sizes 500,1000,2500,5000]

import { parseArgs } from 'node:util';
import { loadInputs } from '../dist/load/index.js';
import { buildInventory } from '../dist/model/inventory.js';
import { connlist } from '../dist/netpol/connlist.js';

const WORKLOADS_PER_NAMESPACE = 25;
const POLICIES_PER_NAMESPACE = 10;
const GOAL_SECONDS = 10;
const GOAL_WORKLOADS = 5000;

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '500,1000,2500,5000' } } });
const sizes = values.sizes.split(',').map(Number);
if (sizes.some((size) => !Number.isInteger(size) || size < WORKLOADS_PER_NAMESPACE)) {
  process.stderr.write(`bench: --sizes must be workload counts of at least ${WORKLOADS_PER_NAMESPACE}, separated by commas\n`);
  process.exit(2);
}

/** Builds the cluster as JSON documents, one per line, which the loader reads as YAML. */
function generateCluster(workloadCount) {
  const namespaceCount = Math.ceil(workloadCount / WORKLOADS_PER_NAMESPACE);
  const documents = [];
  const tiers = ['web', 'api', 'worker', 'db', 'cache'];
  for (let n = 0; n < namespaceCount; n++) {
    const namespace = `team-${n}`;
    documents.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { team: `t${n}`, role: n % 10 === 0 ? 'monitoring' : 'app' } } });
    for (let w = 0; w < WORKLOADS_PER_NAMESPACE && n * WORKLOADS_PER_NAMESPACE + w < workloadCount; w++) {
      const labels = { app: `app-${w}`, tier: tiers[w % tiers.length] };
      documents.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${w}`, namespace },
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example/app:1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] } } },
      });
    }
    const policy = (name, spec) => documents.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] });
    for (let t = 0; t + 1 < tiers.length; t++) {
      policy(`${tiers[t]}-to-${tiers[t + 1]}-out`, { podSelector: { matchLabels: { tier: tiers[t] } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { tier: tiers[t + 1] } } }], ports: [{ port: 'http' }] }] });
    }
    policy('tiers-in', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: tiers.slice(1) }] },
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['cache'] }] } }], ports: [{ port: 'http' }] }],
    });
    policy('metrics-in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { role: 'monitoring' } }, podSelector: { matchLabels: { tier: 'worker' } } }], ports: [{ port: 'metrics' }] }] });
    policy('web-in', { podSelector: { matchLabels: { tier: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: [`10.${n % 256}.0.0/16`] } }], ports: [{ port: 8080, endPort: 8090 }] }] });
    policy('worker-out', { podSelector: { matchLabels: { tier: 'worker' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: `172.16.${n % 256}.0/24` } }, { namespaceSelector: { matchLabels: { team: `t${(n + 1) % namespaceCount}` } } }], ports: [{ port: 443 }, { port: 'http' }] }] });
  }
  return documents.map((document) => JSON.stringify(document)).join('\n---\n');
}

const rows = [];
for (const size of sizes) {
  const text = generateCluster(size);
  const load = await loadInputs(['-'], { readStdin: async () => text });
  const inventory = buildInventory(load);
  const policies = inventory.ofKind('NetworkPolicy').length;
  globalThis.gc?.();
  const started = process.hrtime.bigint();
  const connections = connlist(inventory);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = process.memoryUsage().rss;
  process.stderr.write(`bench: ${size} workloads, ${policies} policies: ${seconds.toFixed(2)} s\n`);
  rows.push({ size, namespaces: inventory.namespaces.size, policies, connections: connections.length, seconds, rss });
}

const lines = ['| workloads | namespaces | policies | connections listed | connlist (s) | × smallest | RSS (MiB) |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
for (const row of rows) {
  lines.push(`| ${row.size} | ${row.namespaces} | ${row.policies} | ${row.connections} | ${row.seconds.toFixed(2)} | ${(row.seconds / rows[0].seconds).toFixed(1)} | ${Math.round(row.rss / 2 ** 20)} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
const goal = rows.find((row) => row.size === GOAL_WORKLOADS);
if (goal) process.stdout.write(`\nGoal: connlist of ${GOAL_WORKLOADS} workloads under ${GOAL_SECONDS} s and 2 GiB: ${goal.seconds < GOAL_SECONDS && goal.rss < 2 ** 31 ? 'met' : 'missed'} (${goal.seconds.toFixed(2)} s, ${Math.round(goal.rss / 2 ** 20)} MiB).\n`);
