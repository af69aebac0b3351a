import { dump } from 'js-yaml';
import { audit } from '../../audit.js';
import { INGRESS_CONTROLLER_MESSAGE } from '../../checks/transport/plaintext-flow.js';
import type { Finding } from '../../checks/types.js';
import type { Json } from '../../model/access.js';
import { loadInputs, type LoadResult } from '../../load/index.js';
import type { SourceTexts } from '../../load/sources.js';
import type { Resource } from '../../model/resource.js';
import { neededFlowsOf } from '../../model/cluster-flows.js';
import type { Flow } from '../../model/flows.js';
import { buildInventory } from '../../model/inventory.js';
import { selectProfile } from '../../profiles/select.js';
import { encryptionMap, type FlowEncryption } from '../../transport/encryption.js';
import { flowEnds } from '../../transport/format.js';
import { DEFAULT_INGRESS_CONTROLLER, type IngressControllerPeer } from '../netpol.js';
import { deniedNeededFlows, type DeniedFlow } from '../verify.js';
import { applyPlatformOverlay } from './howso-platform.js';
import { applyMinioOverlay } from './minio.js';
import { applyNatsOverlay } from './nats.js';
import { kindOf, mapAt, nameOf, releaseOf, type EditableObject } from './objects.js';
import { applyPostgresOverlay } from './postgresql.js';
import { applyRedisOverlay } from './redis.js';

/** Charts whose values the hardening bundles write overlays for. */
export type OverlayChart = 'nats' | 'postgres' | 'redis' | 'minio' | 'howso-platform';

/** One values file of a bundle: the values to pass with `helm upgrade -f` for one release. */
export interface ValuesOverlay {
  release: string;
  namespace: string;
  chart: OverlayChart;
  values: Json;
  /** Comment written above a key, by the key's dotted path: which flow the key serves. */
  comments: Record<string, string>;
}

/** Returns the file name of a release's overlay inside the bundle folder. */
export function overlayFileName(release: string): string {
  return `values-${release}.yaml`;
}

/** Objects read from a bundle folder, with the texts they came from. */
export interface BundleObjects {
  resources: readonly Resource[];
  sources?: SourceTexts;
}

/** File name of the objects that an overlay changed or added, as findings on them show it. */
export const HARDENED_FILE = '<hardened install>';

/**
 * Builds the install as it would be after the bundle. Every rendered object of a release with an
 * overlay is edited by that chart's model. The bundle's plain objects (Namespaces, cert-manager
 * resources) are added, and a later object of one identity replaces the earlier, as
 * `kubectl apply` does. A chart input is rendered again with its overlay instead, so the caller
 * leaves the overlay of a rendered chart out.
 *
 * Objects that no overlay changed keep the file and line they were read from; `bundles` are
 * objects read from bundle folders. Objects an overlay changed or added, and `bundleObjects`
 * given in memory, are found in the text of the hardened install.
 */
export async function hardenedInstall(install: LoadResult, overlays: readonly ValuesOverlay[], bundleObjects: readonly Json[], bundles: readonly BundleObjects[] = []): Promise<LoadResult> {
  const origins = new Map<EditableObject, { resource: Resource; snapshot: string }>();
  const editable = (resource: Resource): EditableObject => {
    const copy = structuredClone(resource.body) as EditableObject;
    if (resource.namespace !== undefined) mapAt(copy, ['metadata']).namespace = resource.namespace;
    origins.set(copy, { resource, snapshot: JSON.stringify(copy) });
    return copy;
  };
  const objects = install.resources.map(editable);
  const readObjects = bundles.flatMap((bundle) => bundle.resources.map(editable));

  const added: EditableObject[] = [];
  // The overlay of a release that is not in the input stays a values document, as when the
  // bundle's values files are audited with the install.
  const valuesDocuments: Json[] = [];
  for (const overlay of overlays) {
    const own = objects.filter((object) => releaseOf(object) === overlay.release && mapAt(object, ['metadata']).namespace === overlay.namespace);
    if (own.length === 0 && overlay.chart !== 'howso-platform') valuesDocuments.push(overlay.values);
    if (overlay.chart === 'nats') applyNatsOverlay(own, overlay.values);
    if (overlay.chart === 'postgres') added.push(...applyPostgresOverlay(own, overlay.values, overlay.namespace));
    if (overlay.chart === 'redis') applyRedisOverlay(own, overlay.values);
    if (overlay.chart === 'minio') applyMinioOverlay(own, overlay.values);
    if (overlay.chart === 'howso-platform') applyPlatformOverlay(objects.filter((object) => mapAt(object, ['metadata']).namespace === overlay.namespace), overlay.values, overlay.namespace);
  }

  const byIdentity = new Map<string, EditableObject>();
  for (const object of [...objects, ...added, ...(bundleObjects as EditableObject[]), ...readObjects]) byIdentity.set(identityKey(object), object);
  const unchanged = new Map<string, Resource>();
  for (const [key, object] of byIdentity) {
    const origin = origins.get(object);
    if (origin && JSON.stringify(object) === origin.snapshot) unchanged.set(key, origin.resource);
  }

  const text = [...byIdentity.values(), ...valuesDocuments].map((object) => dump(object, { noRefs: true, lineWidth: -1 })).join('---\n');
  const loaded = await loadInputs(['-'], { readStdin: async () => text });
  loaded.sources.rename('<stdin>', HARDENED_FILE);
  for (const other of [install.sources, ...bundles.flatMap((bundle) => (bundle.sources ? [bundle.sources] : []))]) loaded.sources.include(other);
  const resources = loaded.resources.map((resource): Resource => {
    const original = unchanged.get(identityKey(resource.body as EditableObject));
    return { ...resource, source: original ? original.source : { ...resource.source, file: HARDENED_FILE } };
  });
  const values = loaded.values.map((document) => ({ ...document, source: { ...document.source, file: HARDENED_FILE } }));
  return { ...loaded, resources, values: [...install.values, ...values], problems: [...install.problems, ...loaded.problems] };
}

function identityKey(object: EditableObject): string {
  const metadata = mapAt(object, ['metadata']);
  return `${String(object.apiVersion)}\u0000${kindOf(object)}\u0000${String(metadata.namespace ?? '')}\u0000${nameOf(object)}`;
}

/** The result of auditing the hardened install for encryption. */
export interface TransportProof {
  passed: boolean;
  flows: FlowEncryption[];
  /** Flows whose verdict is plaintext or tls-optional although the client end is known. */
  unencrypted: FlowEncryption[];
  /** Flows from the ingress controller, whose mesh membership and TLS rampart cannot see in the input. */
  undecided: FlowEncryption[];
  /** Findings of the transport checks on the hardened install. */
  findings: Finding[];
  /** Number of application flows of the install before the bundle. */
  before: number;
  /**
   * Flows of the install that the hardened install no longer has between the same two ends. A
   * changed port that the bundle did not carry over (an Ingress still naming the old Service
   * port) would otherwise drop out of the proof unseen.
   */
  lost: FlowEncryption[];
  /**
   * TLS flows that the server rejects because it requires a client certificate: the client's
   * settings show none, or the clients are not in the input and no bundle issues them one.
   */
  refused: FlowEncryption[];
  /**
   * Needed flows of the hardened install that the install's NetworkPolicies deny, while they
   * allowed the install's own flows between the same ends, so the bundle is to blame. The needed
   * flows include DNS, the Linkerd control plane and scraper, Services not in the input and the
   * ingress controller. A meshed client reaches the server's proxy on 4143, and podTLS moves a
   * flow to 8443, which policies written for the install do not admit.
   */
  blocked: DeniedFlow[];
  /** Needed flows of the hardened install that the install's policies already denied before the bundle. */
  alreadyBlocked: DeniedFlow[];
  /** Needed flows of the hardened install checked against its NetworkPolicies. */
  policyChecked: number;
}

export interface TransportProofOptions {
  /** Location of the ingress controller, for the stand-in that plays it in the NetworkPolicy check. */
  ingressController?: IngressControllerPeer;
}

/**
 * Proves a hardening bundle: every flow of the hardened install is mesh mTLS or TLS, and the
 * transport checks find nothing. A flow from the ingress controller counts only when its verdict
 * is already encrypted, because the controller itself is not in the input. The proof also fails
 * when a flow of the install (before the bundle) is missing from the hardened install, and when
 * the install's NetworkPolicies deny a needed flow of the hardened install that they allowed
 * before.
 */
export async function proveTransport(hardened: LoadResult, install: LoadResult, now: Date, options: TransportProofOptions = {}): Promise<TransportProof> {
  const result = audit(hardened, { now, checkOptions: { allowedRegistries: [] } });
  const flows = applicationFlows(encryptionMap(result.inventory, result.profile?.name === 'howso-platform'));
  const encrypted = (entry: FlowEncryption) => entry.verdict === 'mesh-mtls' || entry.verdict === 'tls';
  const undecided = flows.filter((entry) => !encrypted(entry) && entry.flow.source.type === 'ingress-controller');
  const unencrypted = flows.filter((entry) => !encrypted(entry) && entry.flow.source.type !== 'ingress-controller');
  // A flow from the ingress controller to a meshed server is listed as undecided, not failed.
  const findings = result.findings.filter((finding) => finding.checkId.startsWith('transport/') && !finding.suppressed && !(finding.checkId === 'transport/plaintext-flow' && finding.messageId === INGRESS_CONTROLLER_MESSAGE));
  const inventory = buildInventory(install);
  const installIsPlatform = selectProfile(inventory, 'auto')?.name === 'howso-platform';
  const original = applicationFlows(encryptionMap(inventory, installIsPlatform));
  const lost = lostFlows(original, flows);
  const refused = flows.filter((entry) => entry.verdict === 'tls' && (entry.refused !== undefined || (entry.tls?.verifiesClients === true && entry.flow.source.type !== 'workload')));
  const controller = options.ingressController ?? DEFAULT_INGRESS_CONTROLLER;
  const after = await deniedNeededFlows(hardened, neededFlowsOf(result.inventory, result.profile?.name === 'howso-platform'), controller);
  const before = await deniedNeededFlows(install, neededFlowsOf(inventory, installIsPlatform), controller);
  const { blocked, alreadyBlocked } = splitBlocked(after.denied, before.denied, neededFlowsOf(inventory, installIsPlatform));
  const passed = unencrypted.length === 0 && findings.length === 0 && lost.length === 0 && refused.length === 0 && blocked.length === 0;
  return { passed, flows, unencrypted, undecided, findings, lost, refused, blocked, alreadyBlocked, policyChecked: after.checked, before: original.length };
}

/**
 * Splits the flows that the hardened install's policies deny into those the bundle blocks and
 * those already blocked. A denied flow was already blocked when the install had the same flow
 * (ends, protocol and port) and its policies denied it. A flow the bundle moved to another port
 * or added was already blocked when the install's policies denied every flow between its ends.
 */
function splitBlocked(after: readonly DeniedFlow[], before: readonly DeniedFlow[], installFlows: readonly Flow[]): { blocked: DeniedFlow[]; alreadyBlocked: DeniedFlow[] } {
  const deniedBefore = new Set(before.map((entry) => portKey(entry.flow)));
  const installPorts = new Set(installFlows.map(portKey));
  const endsBefore = new Map<string, boolean>();
  for (const flow of installFlows) {
    const allowed = !deniedBefore.has(portKey(flow));
    endsBefore.set(endsKey(flow), (endsBefore.get(endsKey(flow)) ?? false) || allowed);
  }
  const blocked: DeniedFlow[] = [];
  const alreadyBlocked: DeniedFlow[] = [];
  for (const entry of after) {
    const key = portKey(entry.flow);
    const already = installPorts.has(key) ? deniedBefore.has(key) : endsBefore.get(endsKey(entry.flow)) === false;
    (already ? alreadyBlocked : blocked).push(entry);
  }
  return { blocked, alreadyBlocked };
}

/** Returns a key for the two ends of a flow without the port: the destination workload, pods or Service. */
function endsKey(flow: Flow): string {
  return `${sourceKey(flow)}\u0000${destinationKey(flow)}`;
}

function sourceKey(flow: Flow): string {
  const source = flow.source;
  if (source.type === 'workload') return `${source.workload.namespace}/${source.workload.kind}/${source.workload.name}`;
  if (source.type === 'pods') return `pods ${source.pods.namespace}/${source.pods.name}`;
  if (source.type === 'clients') return `clients ${source.namespace}`;
  return source.type;
}

function destinationKey(flow: Flow): string {
  if (flow.destination) return `${flow.destination.namespace}/${flow.destination.kind}/${flow.destination.name}`;
  if (flow.destinationPods) return `pods ${flow.destinationPods.namespace}/${flow.destinationPods.name}`;
  return `service ${flow.target.namespace}/${flow.target.service}`;
}

function portKey(flow: Flow): string {
  return `${endsKey(flow)}\u0000${flow.protocol}/${flow.port}`;
}

function applicationFlows(map: readonly FlowEncryption[]): FlowEncryption[] {
  return map.filter((entry) => entry.flow.purpose === undefined || entry.flow.purpose === 'application');
}

/**
 * Returns the flows of `before` that `after` lacks, counted by their two ends. A bundle may move a
 * flow to another port (podTLS moves HTTP on 8080 to HTTPS on 8443), but the two ends keep as many
 * flows as they had. Of the flows between two ends, those whose port is gone are named first.
 */
function lostFlows(before: readonly FlowEncryption[], after: readonly FlowEncryption[]): FlowEncryption[] {
  const afterByEnds = new Map<string, FlowEncryption[]>();
  for (const entry of after) {
    const key = flowEnds(entry.flow);
    afterByEnds.set(key, [...(afterByEnds.get(key) ?? []), entry]);
  }
  const beforeByEnds = new Map<string, FlowEncryption[]>();
  for (const entry of before) {
    const key = flowEnds(entry.flow);
    beforeByEnds.set(key, [...(beforeByEnds.get(key) ?? []), entry]);
  }
  const lost: FlowEncryption[] = [];
  for (const [key, group] of beforeByEnds) {
    const kept = afterByEnds.get(key) ?? [];
    const missing = group.length - kept.length;
    if (missing <= 0) continue;
    const keptPorts = new Set(kept.map((entry) => entry.flow.port));
    const ordered = [...group.filter((entry) => !keptPorts.has(entry.flow.port)), ...group.filter((entry) => keptPorts.has(entry.flow.port))];
    lost.push(...ordered.slice(0, missing));
  }
  return lost;
}
