import type { Inventory, NamespaceInfo } from '../model/inventory.js';
import { controllerOf, type Workload } from '../model/workloads.js';

export type MeshName = 'linkerd' | 'istio' | 'istio-ambient';

export interface MeshMembership {
  mesh?: MeshName;
  /** Why: "namespace howso has linkerd.io/inject: enabled", "pod template sets linkerd.io/inject: disabled". */
  evidence: string;
  /** Where the decisive setting is: the pod template or the namespace; undefined when nothing decides. */
  setBy?: 'pod-template' | 'namespace';
}

const NOT_MESHED: MeshMembership = { evidence: 'no mesh injection on the namespace or the pod template' };

/** Linkerd's injection annotation, on a namespace or a pod template. */
export const LINKERD_INJECT = 'linkerd.io/inject';

/**
 * Decides whether the pods of a workload get a mesh proxy. Linkerd: `linkerd.io/inject` on the pod
 * template overrides the namespace's (https://linkerd.io/2/features/proxy-injection/). Istio:
 * the pod label `sidecar.istio.io/inject` overrides the namespace label `istio-injection` or
 * `istio.io/rev`, except that `istio-injection: disabled` on the namespace wins; ambient mode comes
 * from `istio.io/dataplane-mode` on the namespace or pod, and a sidecar takes precedence over it.
 */
export function meshOfWorkload(workload: Workload, inventory: Inventory): MeshMembership {
  const namespace = inventory.namespaces.get(workload.namespace);
  // The injector skips host-network pods, whose traffic a sidecar could not capture.
  if (workload.podSpec.hostNetwork === true) return { evidence: 'hostNetwork pods are not injected', setBy: 'pod-template' };

  const linkerdPod = workload.podAnnotations[LINKERD_INJECT];
  if (linkerdPod === 'enabled' || linkerdPod === 'ingress') return { mesh: 'linkerd', evidence: `pod template sets ${LINKERD_INJECT}: ${linkerdPod}`, setBy: 'pod-template' };
  if (linkerdPod === 'disabled') return { evidence: `pod template sets ${LINKERD_INJECT}: disabled`, setBy: 'pod-template' };

  const istioPod = workload.podLabels['sidecar.istio.io/inject'] ?? workload.podAnnotations['sidecar.istio.io/inject'];
  const istioDisabledByNamespace = namespace?.labels['istio-injection'] === 'disabled';
  if (istioPod === 'true' && !istioDisabledByNamespace) return { mesh: 'istio', evidence: 'pod template sets sidecar.istio.io/inject: "true"', setBy: 'pod-template' };
  const ambientPod = workload.podLabels['istio.io/dataplane-mode'];
  if (ambientPod === 'ambient') return { mesh: 'istio-ambient', evidence: 'pod template sets istio.io/dataplane-mode: ambient', setBy: 'pod-template' };

  const fromNamespace = namespace ? meshOfNamespace(namespace) : NOT_MESHED;
  if (fromNamespace.mesh === 'istio' && istioPod === 'false') return { evidence: 'pod template sets sidecar.istio.io/inject: "false"', setBy: 'pod-template' };
  if (fromNamespace.mesh === 'istio-ambient' && ambientPod === 'none') return { evidence: 'pod template sets istio.io/dataplane-mode: none', setBy: 'pod-template' };
  return fromNamespace;
}

/** Reads the mesh injection set on a namespace, for its workloads and for clients outside the input. */
export function meshOfNamespace(namespace: NamespaceInfo): MeshMembership {
  const linkerd = namespace.annotations[LINKERD_INJECT];
  if (linkerd === 'enabled') return { mesh: 'linkerd', evidence: `namespace ${namespace.name} has ${LINKERD_INJECT}: enabled`, setBy: 'namespace' };
  // Sidecar injection comes before ambient: Istio leaves pods that have a sidecar out of ambient capture.
  if (namespace.labels['istio-injection'] === 'enabled') return { mesh: 'istio', evidence: `namespace ${namespace.name} has istio-injection: enabled`, setBy: 'namespace' };
  const revision = namespace.labels['istio.io/rev'];
  if (revision && namespace.labels['istio-injection'] !== 'disabled') return { mesh: 'istio', evidence: `namespace ${namespace.name} has istio.io/rev: ${revision}`, setBy: 'namespace' };
  if (namespace.labels['istio.io/dataplane-mode'] === 'ambient') return { mesh: 'istio-ambient', evidence: `namespace ${namespace.name} has istio.io/dataplane-mode: ambient`, setBy: 'namespace' };
  if (!namespace.resource) return { evidence: `namespace ${namespace.name} is not in the input, so its injection setting is unknown` };
  return { evidence: `namespace ${namespace.name} enables no mesh injection` };
}

/** True when both ends are in one mesh: Istio sidecars and ambient workloads exchange mTLS with each other. */
export function sameMesh(a: MeshName, b: MeshName): boolean {
  return a === b || (a.startsWith('istio') && b.startsWith('istio'));
}

const MESH_TITLES: Record<MeshName, string> = { linkerd: 'Linkerd', istio: 'Istio (sidecar)', 'istio-ambient': 'Istio (ambient)' };

/** Names a mesh for messages. */
export function meshTitle(mesh: MeshName): string {
  return MESH_TITLES[mesh];
}

/**
 * Reads a Linkerd proxy setting (`config.linkerd.io/…`) of a workload: the pod template's
 * annotation, else the namespace's, which Linkerd applies to the pods that set none.
 */
export function linkerdSetting(workload: Workload, inventory: Inventory, name: string): { value: string; setBy: 'pod-template' | 'namespace' } | undefined {
  const own = workload.podAnnotations[name];
  if (own !== undefined) return { value: own, setBy: 'pod-template' };
  const inherited = inventory.namespaces.get(workload.namespace)?.annotations[name];
  return inherited !== undefined ? { value: inherited, setBy: 'namespace' } : undefined;
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

/**
 * Tells whether a workload's pods are meant to exit: Jobs and CronJobs, and a Pod that no
 * controller owns with restartPolicy Never or OnFailure (a Helm test Pod, for example). A proxy
 * that runs as an ordinary container keeps such a pod from completing.
 */
export function runsToCompletion(workload: Workload): boolean {
  if (workload.kind === 'Job' || workload.kind === 'CronJob') return true;
  if (workload.kind !== 'Pod' || controllerOf(workload.resource)) return false;
  const policy = workload.podSpec.restartPolicy;
  return policy === 'Never' || policy === 'OnFailure';
}
