import type { Inventory } from '../../model/inventory.js';
import { formatPath } from '../../model/resource.js';
import { matchesSelector, type LabelSelector } from '../../model/selectors.js';
import { analyse, matchPeer } from '../../netpol/connectivity.js';
import { networkPolicies, rulePath, type NetworkPolicyInfo, type Peer } from '../../netpol/policy.js';
import { rulesOf } from '../../netpol/rules.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { isRejectedSelector } from './workload-graph.js';

type MessageId = 'noNamespace' | 'noPod' | 'invalidSelector';
type PodPeer = Extract<Peer, { type: 'pods' }>;

export default defineCheck({
  id: 'netpol/peer-matches-nothing',
  severity: 'low',
  side: 'shared',
  description: 'Every from/to peer of a NetworkPolicy rule matches some pod or namespace of the input.',
  rationale: 'A peer that matches nothing admits nothing: when it names clients or servers by a mistyped or outdated label, the connection it was written for is dropped; when it names pods that are not part of the install, it cannot be verified.',
  remediation: 'Compare the peer\'s selectors with the labels of the pods and namespaces it is meant for and correct them, or remove the peer when its pods no longer exist.',
  messages: {
    noNamespace: 'Peer {{peer}} of NetworkPolicy {{policy}} selects namespaces by {{selector}}, and no namespace in the input has such labels; namespaces and pods outside the input are not seen, so it may match them in the cluster.',
    noPod: 'Peer {{peer}} of NetworkPolicy {{policy}} selects pods by {{selector}} in {{namespaces}}, and no pod of the input there has such labels; pods outside the input are not seen, so it may match them in the cluster.',
    invalidSelector: 'Peer {{peer}} of NetworkPolicy {{policy}} has a selector the API server rejects (a label value or expression of the wrong type, or an unknown operator), so it matches nothing.',
  },
  limitations: [
    'Policies labelled app.kubernetes.io/managed-by: rampart (written by harden netpol) are skipped.',
    'A namespaceSelector that names namespaces by kubernetes.io/metadata.name, none of which is in the input, is taken as aimed at pods installed elsewhere (kube-dns, the ingress controller) and is not reported.',
    'Only the input is seen: a peer that selects pods or namespaces installed by other means by other labels is reported although it may match in the cluster.',
  ],
  run(inventory) {
    const analysis = analyse(inventory);
    const findings: FindingDraft<MessageId>[] = [];
    const namespacesBySelector = new Map<string, string[]>();
    for (const policy of networkPolicies(inventory)) {
      // Policies from `rampart harden netpol` name clients by labels the operator adds later
      // (client-of.rampart.dev/…), and their proof already checks them.
      if (policy.resource.labels['app.kubernetes.io/managed-by'] === 'rampart') continue;
      for (const direction of ['ingress', 'egress'] as const) {
        // Rules of a direction the policy does not isolate are ignored by the API server's semantics.
        if (!policy.isolates[direction]) continue;
        for (const rule of rulesOf(policy, direction)) {
          for (const peer of rule.peers ?? []) {
            if (peer.type !== 'pods') continue;
            // The engine's match also counts the ingress controller, which a peer of every namespace admits.
            if (matchPeer(analysis, policy, peer).length > 0) continue;
            const path = rulePath(direction, rule, peer);
            const finding = judgePeer(inventory, policy, peer, formatPath(path), namespacesBySelector);
            if (finding) findings.push({ ...finding, resource: policy.resource, path });
          }
        }
      }
    }
    return findings;
  },
});

/** Explains why a peer that the engine matched to no pod matches nothing, or returns undefined when it names a namespace outside the input. */
function judgePeer(inventory: Inventory, policy: NetworkPolicyInfo, peer: PodPeer, at: string, namespacesBySelector: Map<string, string[]>): FindingDraft<MessageId> | undefined {
  const name = `${policy.namespace}/${policy.resource.name}`;
  if ((peer.podSelector && isRejectedSelector(peer.podSelector)) || (peer.namespaceSelector && isRejectedSelector(peer.namespaceSelector))) return { messageId: 'invalidSelector', data: { peer: at, policy: name } };

  let namespaces: string[];
  if (!peer.namespaceSelector) namespaces = [policy.namespace];
  else {
    const selector = peer.namespaceSelector;
    const key = JSON.stringify(selector);
    let matched = namespacesBySelector.get(key);
    if (!matched) {
      matched = [...inventory.namespaces.values()].filter((namespace) => matchesSelector(selector, namespace.labels)).map((namespace) => namespace.name);
      namespacesBySelector.set(key, matched);
    }
    namespaces = matched;
    if (namespaces.length === 0) {
      if (namesOnlyAbsentNamespaces(inventory, selector)) return undefined;
      return { messageId: 'noNamespace', data: { peer: at, policy: name, selector: describeSelector(selector) } };
    }
  }
  // A typo is likely when the namespaces have workloads in the input; otherwise the pods are installed elsewhere.
  const withWorkloads = namespaces.some((namespace) => inventory.workloadsIn(namespace).length > 0);
  const shown = namespaces.length > 3 ? `${namespaces.slice(0, 3).join(', ')} and ${namespaces.length - 3} more namespace(s)` : `namespace(s) ${namespaces.join(', ')}`;
  return {
    messageId: 'noPod',
    data: { peer: at, policy: name, selector: peer.podSelector ? describeSelector(peer.podSelector) : 'any labels', namespaces: shown },
    severity: withWorkloads ? 'medium' : 'low',
  };
}

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/**
 * Tells whether a namespaceSelector picks namespaces by name and none of them is in the input.
 * Such a peer is aimed on purpose at pods installed elsewhere, such as kube-dns or the ingress controller.
 */
function namesOnlyAbsentNamespaces(inventory: Inventory, selector: LabelSelector): boolean {
  const names: string[] = [];
  const byLabel = selector.matchLabels[NAMESPACE_NAME];
  if (byLabel !== undefined) names.push(byLabel);
  for (const expression of selector.matchExpressions) if (expression.key === NAMESPACE_NAME && expression.operator === 'In') names.push(...expression.values);
  return names.length > 0 && names.every((name) => !inventory.namespaces.has(name));
}

function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions) parts.push(`${expression.key} ${expression.operator}${expression.values.length > 0 ? ` (${expression.values.join(', ')})` : ''}`);
  return parts.length > 0 ? parts.join(', ') : '{}';
}
