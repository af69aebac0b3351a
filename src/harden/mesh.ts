import type { Json } from '../model/access.js';
import type { Inventory } from '../model/inventory.js';
import type { Workload } from '../model/workloads.js';
import { flowsOf } from '../model/flows.js';
import { PLATFORM_BACKING_RELEASES } from '../profiles/howso-platform.js';
import { nats, NATS_CLIENT_PORT, NATS_CLUSTER_PORT } from '../profiles/nats.js';
import { SUPPRESS_ANNOTATION } from '../checks/suppressions.js';
import { runsToCompletion } from '../transport/mesh.js';
import { overlayFileName, type ValuesOverlay } from './overlay-effects/index.js';

export type MeshKind = 'linkerd' | 'istio';

/** Namespaces of the cluster itself, which a bundle for one install never edits. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

// Linkerd's proxy injector reads config annotations from the namespace as defaults for its pods,
// so one namespace annotation gives every Job and CronJob pod a native-sidecar proxy that exits
// with the job (Kubernetes 1.29+). Linkerd 2.15 reads the alpha name; later releases read the
// beta one and keep the alpha one as deprecated.
// https://linkerd.io/2/features/native-sidecars/ and https://linkerd.io/2/reference/proxy-configuration/
export const NATIVE_SIDECAR_ANNOTATIONS = ['config.alpha.linkerd.io/proxy-enable-native-sidecar', 'config.beta.linkerd.io/proxy-enable-native-sidecar'];

const OPAQUE_PORTS = 'config.linkerd.io/opaque-ports';

const DUPLICATE_REASON = 'input/duplicate-object: replaces the Namespace of the install with its labels and annotations plus the mesh setting, as kubectl apply does';

/** A Namespace manifest of the bundle, with the reason for each key added. */
export interface MeshNamespace {
  name: string;
  manifest: Json;
  /** True when the input has this Namespace, whose labels and annotations the manifest keeps. */
  existing: boolean;
  notes: string[];
}

export interface MeshBundle {
  mesh: MeshKind;
  namespaces: MeshNamespace[];
  overlays: ValuesOverlay[];
  /** Workloads whose pods must restart to get the proxy, in the order of the README. */
  restarts: { kind: string; namespace: string; name: string }[];
  /** Jobs and CronJobs, whose next pods get the proxy without a restart. */
  jobs: { kind: string; namespace: string; name: string }[];
  problems: string[];
}

/** Returns the Helm release of a workload, from the chart's instance label. */
export function releaseOfWorkload(workload: Workload): string | undefined {
  return workload.podLabels['app.kubernetes.io/instance'] ?? workload.resource.labels['app.kubernetes.io/instance'] ?? workload.podLabels.release ?? workload.resource.labels.release;
}

/** Lists the namespaces of the install that a bundle may edit: every namespace of the input but the cluster's own. */
export function installNamespaces(inventory: Inventory): string[] {
  return [...inventory.namespaces.keys()].filter((name) => !SYSTEM_NAMESPACES.has(name)).sort();
}

/**
 * Builds the bundle that puts the install into a mesh: the injection annotation (Linkerd) or label
 * (Istio) on each namespace and native sidecars for Jobs (Linkerd). For each NATS release, an
 * overlay marks its server-speaks-first ports opaque on the Service and the pods.
 */
export function synthesizeMesh(inventory: Inventory, mesh: MeshKind): MeshBundle {
  const problems: string[] = [];
  const names = installNamespaces(inventory);
  for (const name of inventory.namespaces.keys()) {
    if (SYSTEM_NAMESPACES.has(name)) problems.push(`namespace ${name} belongs to the cluster, so the bundle leaves its injection setting alone`);
  }

  const namespaces = names.map((name) => meshNamespace(inventory, name, mesh));
  const workloads = inventory.workloads.filter((workload) => names.includes(workload.namespace));
  const restarts = workloads.filter((workload) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(workload.kind)).map(({ kind, namespace, name }) => ({ kind, namespace, name }));
  const jobs = workloads.filter((workload) => workload.kind === 'Job' || workload.kind === 'CronJob').map(({ kind, namespace, name }) => ({ kind, namespace, name }));
  for (const workload of workloads) {
    if (workload.kind === 'Pod' && runsToCompletion(workload)) {
      const sidecar = mesh === 'linkerd' ? 'its namespace\'s native-sidecar annotation lets it complete (Kubernetes 1.29+)' : 'it completes only if istiod runs native sidecars (ENABLE_NATIVE_SIDECARS=true, Kubernetes 1.29+)';
      problems.push(`Pod ${workload.namespace}/${workload.name} runs to completion (restartPolicy ${String(workload.podSpec.restartPolicy)}) and no controller owns it: it gets the proxy only when it is created again (a Helm test Pod at the next helm test), and ${sidecar}`);
      continue;
    }
    if (workload.kind === 'Pod' || workload.kind === 'ReplicaSet' || workload.kind === 'ReplicationController') {
      problems.push(`${workload.kind} ${workload.namespace}/${workload.name} is not managed by a Deployment, StatefulSet or DaemonSet, so it gets the proxy only when it is recreated`);
    }
  }

  const overlays = mesh === 'linkerd' ? [...natsOverlays(inventory, names), ...absentNatsOverlays(inventory, names, problems)] : [];
  return { mesh, namespaces, overlays, restarts, jobs, problems };
}

function meshNamespace(inventory: Inventory, name: string, mesh: MeshKind): MeshNamespace {
  const info = inventory.namespaces.get(name);
  const labels: Record<string, string> = { ...(info?.resource ? info.resource.labels : {}) };
  const annotations: Record<string, string> = { ...(info?.resource ? info.resource.annotations : {}) };
  const notes: string[] = [];
  if (mesh === 'linkerd') {
    annotations['linkerd.io/inject'] = 'enabled';
    notes.push('linkerd.io/inject: enabled makes the proxy injector add a proxy to every new pod of the namespace');
    const hasJobs = inventory.workloadsIn(name).some(runsToCompletion);
    if (hasJobs) {
      for (const key of NATIVE_SIDECAR_ANNOTATIONS) annotations[key] = 'true';
      notes.push('proxy-enable-native-sidecar runs the proxy as a native sidecar, so Job pods and other run-to-completion pods complete when their containers exit (Kubernetes 1.29+)');
    }
  } else {
    labels['istio-injection'] = 'enabled';
    notes.push('istio-injection: enabled makes the sidecar injector add a proxy to every new pod of the namespace');
    if (labels['istio.io/rev'] !== undefined) {
      delete labels['istio.io/rev'];
      notes.push('istio.io/rev is removed, because istio-injection takes precedence and the two together confuse the injector');
    }
  }
  if (info?.resource) {
    // The manifest replaces the install's Namespace (kubectl apply keeps one object per name), so
    // an audit of install plus bundle finds it twice. The annotation marks the duplicate as intended.
    const earlier = annotations[SUPPRESS_ANNOTATION];
    annotations[SUPPRESS_ANNOTATION] = [earlier, DUPLICATE_REASON].filter((line) => line !== undefined && line !== '').join('\n');
    notes.push('rampart.dev/suppress marks this manifest as the intended replacement of the Namespace in the install, so that auditing the two together does not report input/duplicate-object');
  }
  const metadata: Json = { name };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  metadata.annotations = annotations;
  return { name, manifest: { apiVersion: 'v1', kind: 'Namespace', metadata }, existing: Boolean(info?.resource), notes };
}

/**
 * Builds the overlay for each NATS release that clients of the input name but the input does not
 * contain, when the platform's release names tell which release serves the Service. Whether that
 * NATS is clustered cannot be seen, so the overlay marks the cluster port opaque too. An opaque
 * port that nothing listens on changes nothing. Services of unknown releases get a note instead.
 */
function absentNatsOverlays(inventory: Inventory, namespaces: string[], problems: string[]): ValuesOverlay[] {
  const overlays = new Map<string, ValuesOverlay>();
  for (const flow of flowsOf(inventory, true)) {
    if (flow.destination || flow.target.chart?.id !== 'nats' || flow.source.type !== 'workload' || !namespaces.includes(flow.target.namespace)) continue;
    const service = flow.target.service;
    const key = `${flow.target.namespace}/${service}`;
    if (overlays.has(key)) continue;
    const release = PLATFORM_BACKING_RELEASES.find((entry) => entry.chart === 'nats' && entry.service === service)?.release;
    if (!release) {
      problems.push(`NATS Service ${key} is not in the input and its Helm release is unknown: set ${OPAQUE_PORTS}: "${NATS_CLIENT_PORT},${NATS_CLUSTER_PORT}" through that release's service.merge and podTemplate.merge values`);
      overlays.set(key, { release: '', namespace: flow.target.namespace, chart: 'nats', values: {}, comments: {} });
      continue;
    }
    const ports = `${NATS_CLIENT_PORT},${NATS_CLUSTER_PORT}`;
    const annotation = { metadata: { annotations: { [OPAQUE_PORTS]: ports } } };
    problems.push(`NATS release ${release} in ${flow.target.namespace} is not in the input; ${overlayFileName(release)} is written for it from the platform's release names and marks ${ports} opaque, because whether it is clustered cannot be seen`);
    overlays.set(key, {
      release,
      namespace: flow.target.namespace,
      chart: 'nats',
      values: { service: { merge: structuredClone(annotation) }, podTemplate: { merge: structuredClone(annotation) } },
      comments: {
        'service.merge': `NATS clients on ${NATS_CLIENT_PORT} and cluster routes on ${NATS_CLUSTER_PORT} (if clustered): meshed clients skip protocol detection for these ports, because NATS speaks first.`,
        'podTemplate.merge': `The server's own proxy skips protocol detection for these ports.`,
      },
    });
  }
  return [...overlays.values()].filter((overlay) => overlay.release !== '');
}

/**
 * Builds one overlay per NATS release. NATS speaks first on its client and cluster ports, so
 * Linkerd's protocol detection would wait for the client's first bytes until it times out. An
 * opaque port skips detection. The Service needs the annotation for meshed clients, the pods for
 * the server's own proxy.
 */
function natsOverlays(inventory: Inventory, namespaces: string[]): ValuesOverlay[] {
  const overlays = new Map<string, ValuesOverlay>();
  for (const workload of inventory.workloads) {
    if (!namespaces.includes(workload.namespace) || !nats.isServer(workload)) continue;
    const release = releaseOfWorkload(workload) ?? workload.name;
    const key = `${workload.namespace}/${release}`;
    if (overlays.has(key)) continue;
    const clustered = nats.ports(workload).some((port) => port.port === NATS_CLUSTER_PORT);
    const ports = clustered ? `${NATS_CLIENT_PORT},${NATS_CLUSTER_PORT}` : `${NATS_CLIENT_PORT}`;
    const annotation = { metadata: { annotations: { [OPAQUE_PORTS]: ports } } };
    const flows = clustered ? `clients on ${NATS_CLIENT_PORT} and cluster routes on ${NATS_CLUSTER_PORT}` : `clients on ${NATS_CLIENT_PORT}`;
    overlays.set(key, {
      release,
      namespace: workload.namespace,
      chart: 'nats',
      values: { service: { merge: structuredClone(annotation) }, podTemplate: { merge: structuredClone(annotation) } },
      comments: {
        'service.merge': `NATS ${flows}: meshed clients skip protocol detection for these ports, because NATS speaks first.`,
        'podTemplate.merge': `NATS ${flows}: the server's own proxy skips protocol detection for these ports.`,
      },
    });
  }
  return [...overlays.values()];
}
