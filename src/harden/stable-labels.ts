import type { Workload } from '../model/workloads.js';

/**
 * Pod labels that a policy must not select on. Controllers add the first group to each pod or
 * revision, so a selector with them stops matching after a rollout. Helm charts bump the chart and
 * version labels on every upgrade, which would leave the policies behind as well.
 */
const UNSTABLE_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-uid',
  'job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
  'helm.sh/chart',
  'chart',
  'app.kubernetes.io/version',
  'version',
]);

/** Labels tried first, so that selectors read as the charts name their components. */
const PREFERRED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'app', 'component', 'release', 'k8s-app', 'name', 'tier', 'role'];

export function isStableLabel(key: string): boolean {
  return !UNSTABLE_LABELS.has(key);
}

/**
 * Chooses the fewest stable pod labels, in a readable order, that tell a workload's pods apart
 * from the other workloads of its namespace. When no choice does, every stable label is used and
 * the selector also matches the look-alikes. Returns undefined for pods without stable labels.
 */
export function stableSelector(workload: Workload, neighbours: readonly Workload[]): Record<string, string> | undefined {
  const stable = Object.keys(workload.podLabels).filter(isStableLabel);
  if (stable.length === 0) return undefined;
  const ordered = [...PREFERRED_LABELS.filter((key) => stable.includes(key)), ...stable.filter((key) => !PREFERRED_LABELS.includes(key)).sort()];

  const others = neighbours.filter((other) => other !== workload);
  const selector: Record<string, string> = {};
  let matching = others;
  for (const key of ordered) {
    const value = workload.podLabels[key];
    const narrowed = matching.filter((other) => other.podLabels[key] === value);
    // A label that every remaining look-alike shares adds nothing, unless it is the first one.
    if (narrowed.length === matching.length && Object.keys(selector).length > 0) continue;
    selector[key] = value;
    matching = narrowed;
    if (matching.length === 0) break;
  }
  return selector;
}
