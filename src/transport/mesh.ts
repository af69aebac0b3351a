import type { Inventory, NamespaceInfo } from '../model/inventory.js';
import type { Workload } from '../model/workloads.js';

export type MeshName = 'linkerd' | 'istio' | 'istio-ambient';

export interface MeshMembership {
  mesh?: MeshName;
  /** Why: "namespace howso has linkerd.io/inject: enabled", "pod template sets linkerd.io/inject: disabled". */
  evidence: string;
}

const NOT_MESHED: MeshMembership = { evidence: 'no mesh injection on the namespace or the pod template' };

/**
 * Decides whether the pods of a workload get a mesh proxy. Linkerd: `linkerd.io/inject` on the pod
 * template overrides the namespace's (https://linkerd.io/2/features/proxy-injection/). Istio:
 * the pod label `sidecar.istio.io/inject` overrides the namespace label `istio-injection` or
 * `istio.io/rev`; ambient mode comes from `istio.io/dataplane-mode` on the namespace or pod.
 */
export function meshOfWorkload(workload: Workload, inventory: Inventory): MeshMembership {
  const namespace = inventory.namespaces.get(workload.namespace);
  // The injector skips host-network pods, whose traffic a sidecar could not capture.
  if (workload.podSpec.hostNetwork === true) return { evidence: 'hostNetwork pods are not injected' };

  const linkerdPod = workload.podAnnotations['linkerd.io/inject'];
  if (linkerdPod === 'enabled' || linkerdPod === 'ingress') return { mesh: 'linkerd', evidence: `pod template sets linkerd.io/inject: ${linkerdPod}` };
  if (linkerdPod === 'disabled') return { evidence: 'pod template sets linkerd.io/inject: disabled' };

  const istioPod = workload.podLabels['sidecar.istio.io/inject'] ?? workload.podAnnotations['sidecar.istio.io/inject'];
  if (istioPod === 'true') return { mesh: 'istio', evidence: 'pod template sets sidecar.istio.io/inject: "true"' };
  const ambientPod = workload.podLabels['istio.io/dataplane-mode'];
  if (ambientPod === 'ambient') return { mesh: 'istio-ambient', evidence: 'pod template sets istio.io/dataplane-mode: ambient' };

  const fromNamespace = namespace ? meshOfNamespace(namespace) : NOT_MESHED;
  if (fromNamespace.mesh === 'istio' && istioPod === 'false') return { evidence: 'pod template sets sidecar.istio.io/inject: "false"' };
  if (fromNamespace.mesh === 'istio-ambient' && ambientPod === 'none') return { evidence: 'pod template sets istio.io/dataplane-mode: none' };
  return fromNamespace;
}

/** Reads the mesh injection set on a namespace, for its workloads and for clients outside the input. */
export function meshOfNamespace(namespace: NamespaceInfo): MeshMembership {
  const linkerd = namespace.annotations['linkerd.io/inject'];
  if (linkerd === 'enabled') return { mesh: 'linkerd', evidence: `namespace ${namespace.name} has linkerd.io/inject: enabled` };
  if (namespace.labels['istio.io/dataplane-mode'] === 'ambient') return { mesh: 'istio-ambient', evidence: `namespace ${namespace.name} has istio.io/dataplane-mode: ambient` };
  if (namespace.labels['istio-injection'] === 'enabled') return { mesh: 'istio', evidence: `namespace ${namespace.name} has istio-injection: enabled` };
  const revision = namespace.labels['istio.io/rev'];
  if (revision && namespace.labels['istio-injection'] !== 'disabled') return { mesh: 'istio', evidence: `namespace ${namespace.name} has istio.io/rev: ${revision}` };
  if (!namespace.resource) return { evidence: `namespace ${namespace.name} is not in the input, so its injection setting is unknown` };
  return { evidence: `namespace ${namespace.name} enables no mesh injection` };
}

/** Parses the ports of a Linkerd ports annotation: "4222,6222" or ranges "4000-4100". */
export function parsePortList(value: string | undefined): { from: number; to: number }[] {
  if (!value) return [];
  const ranges: { from: number; to: number }[] = [];
  for (const part of value.split(',')) {
    const match = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!match) continue;
    const from = Number(match[1]);
    ranges.push({ from, to: match[2] ? Number(match[2]) : from });
  }
  return ranges;
}

export function portListed(ranges: { from: number; to: number }[], port: number): boolean {
  return ranges.some((range) => port >= range.from && port <= range.to);
}
