import { isRecord, list } from '../../model/access.js';
import { formatPath, type PathSegment, type Resource } from '../../model/resource.js';
import { parseCidr } from '../../netpol/ipsets.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);
// A named port is an IANA service name: at most 15 lowercase letters, digits and inner hyphens, with a letter.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,14}$/;

export default defineCheck({
  id: 'netpol/invalid-policy',
  severity: 'high',
  side: 'shared',
  description: 'Every NetworkPolicy is one the API server accepts: policy types, protocols, ports, port ranges and CIDRs are valid.',
  rationale: 'The API server rejects an invalid NetworkPolicy, so it never protects anything, while the connectivity analysis has to guess what was meant; both hide that the namespace is less isolated than the file suggests.',
  remediation: 'Correct the field the finding names (protocol TCP, UDP or SCTP; ports 1 to 65535; endPort not below port; CIDRs such as 10.0.0.0/8), then audit again.',
  messages: { invalid: 'NetworkPolicy {{policy}} is invalid at {{field}}: {{problem}}.' },
  limitations: ['Selectors that the API server would reject are reported by netpol/policy-selects-nothing and netpol/peer-matches-nothing.'],
  run(inventory) {
    const findings: FindingDraft<'invalid'>[] = [];
    for (const resource of inventory.ofKind('NetworkPolicy', 'networking.k8s.io')) {
      const report = (path: PathSegment[], problem: string) =>
        findings.push({ messageId: 'invalid', data: { policy: `${resource.namespace}/${resource.name}`, field: formatPath(path), problem }, resource, path });
      validatePolicy(resource, report);
    }
    return findings;
  },
});

function validatePolicy(resource: Resource, report: (path: PathSegment[], problem: string) => void): void {
  const spec = resource.body.spec;
  if (!isRecord(spec)) {
    report(['spec'], 'spec is not a mapping');
    return;
  }
  if (spec.policyTypes !== undefined && !Array.isArray(spec.policyTypes)) report(['spec', 'policyTypes'], 'policyTypes is not a list');
  list(spec.policyTypes).forEach((type, index) => {
    if (type !== 'Ingress' && type !== 'Egress') report(['spec', 'policyTypes', index], `"${String(type)}" is neither Ingress nor Egress`);
  });
  for (const [direction, peerKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const rules = spec[direction];
    if (rules !== undefined && rules !== null && !Array.isArray(rules)) report(['spec', direction], `${direction} is not a list`);
    list(rules).forEach((rule, ruleIndex) => {
      const base: PathSegment[] = ['spec', direction, ruleIndex];
      if (!isRecord(rule)) return report(base, 'the rule is not a mapping');
      if (rule[peerKey] !== undefined && rule[peerKey] !== null && !Array.isArray(rule[peerKey])) report([...base, peerKey], `${peerKey} is not a list`);
      list(rule[peerKey]).forEach((peer, peerIndex) => validatePeer(peer, [...base, peerKey, peerIndex], report));
      if (rule.ports !== undefined && rule.ports !== null && !Array.isArray(rule.ports)) report([...base, 'ports'], 'ports is not a list');
      list(rule.ports).forEach((port, portIndex) => validatePort(port, [...base, 'ports', portIndex], report));
    });
  }
}

function validatePeer(peer: unknown, path: PathSegment[], report: (path: PathSegment[], problem: string) => void): void {
  if (!isRecord(peer)) return report(path, 'the peer is not a mapping');
  if (peer.ipBlock === undefined) return;
  if (!isRecord(peer.ipBlock) || typeof peer.ipBlock.cidr !== 'string') return report([...path, 'ipBlock'], 'ipBlock needs a cidr');
  if (!parseCidr(peer.ipBlock.cidr)) report([...path, 'ipBlock', 'cidr'], `"${peer.ipBlock.cidr}" is not a CIDR`);
  list(peer.ipBlock.except).forEach((except, index) => {
    if (typeof except !== 'string' || !parseCidr(except)) report([...path, 'ipBlock', 'except', index], `"${String(except)}" is not a CIDR`);
  });
}

function validatePort(entry: unknown, path: PathSegment[], report: (path: PathSegment[], problem: string) => void): void {
  if (!isRecord(entry)) return report(path, 'the port entry is not a mapping');
  if (entry.protocol !== undefined && !PROTOCOLS.has(String(entry.protocol))) report([...path, 'protocol'], `"${String(entry.protocol)}" is not TCP, UDP or SCTP`);
  const port = entry.port;
  if (typeof port === 'number' && (!Number.isInteger(port) || port < 1 || port > 65535)) report([...path, 'port'], `${port} is not a port from 1 to 65535`);
  if (typeof port === 'string' && !PORT_NAME.test(port)) report([...path, 'port'], `"${port}" is not a valid port name`);
  if (port !== undefined && typeof port !== 'number' && typeof port !== 'string') report([...path, 'port'], 'port is neither a number nor a name');
  if (entry.endPort === undefined) return;
  const endPort = entry.endPort;
  if (typeof port !== 'number') return report([...path, 'endPort'], 'endPort needs a numeric port');
  if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort > 65535) return report([...path, 'endPort'], `${String(endPort)} is not a port from 1 to 65535`);
  if (endPort < port) report([...path, 'endPort'], `endPort ${endPort} is below port ${port}`);
}
