// Kinds rampart recognises. Anything else is counted as unknown, so that a typo in `kind`
// or an operator that rampart has no model for is visible instead of silently ignored.

const CORE_NAMESPACED = [
  'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'PersistentVolumeClaim', 'Pod', 'PodTemplate',
  'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount', 'Binding',
];
const CORE_CLUSTER = ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'];

const BUILTIN: Record<string, { namespaced: string[]; cluster: string[] }> = {
  '': { namespaced: CORE_NAMESPACED, cluster: CORE_CLUSTER },
  apps: { namespaced: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'], cluster: [] },
  batch: { namespaced: ['Job', 'CronJob'], cluster: [] },
  autoscaling: { namespaced: ['HorizontalPodAutoscaler'], cluster: [] },
  policy: { namespaced: ['PodDisruptionBudget'], cluster: ['PodSecurityPolicy'] },
  'networking.k8s.io': { namespaced: ['NetworkPolicy', 'Ingress'], cluster: ['IngressClass', 'IPAddress', 'ServiceCIDR'] },
  'rbac.authorization.k8s.io': { namespaced: ['Role', 'RoleBinding'], cluster: ['ClusterRole', 'ClusterRoleBinding'] },
  'storage.k8s.io': { namespaced: ['CSIStorageCapacity'], cluster: ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'] },
  'apiextensions.k8s.io': { namespaced: [], cluster: ['CustomResourceDefinition'] },
  'admissionregistration.k8s.io': {
    namespaced: [],
    cluster: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'],
  },
  'scheduling.k8s.io': { namespaced: [], cluster: ['PriorityClass'] },
  'node.k8s.io': { namespaced: [], cluster: ['RuntimeClass'] },
  'coordination.k8s.io': { namespaced: ['Lease'], cluster: [] },
  'discovery.k8s.io': { namespaced: ['EndpointSlice'], cluster: [] },
  'apiregistration.k8s.io': { namespaced: [], cluster: ['APIService'] },
  'certificates.k8s.io': { namespaced: [], cluster: ['CertificateSigningRequest', 'ClusterTrustBundle'] },
  'flowcontrol.apiserver.k8s.io': { namespaced: [], cluster: ['FlowSchema', 'PriorityLevelConfiguration'] },
  // Custom resources of the projects a hardened install of the platform uses.
  'cert-manager.io': { namespaced: ['Certificate', 'Issuer', 'CertificateRequest'], cluster: ['ClusterIssuer'] },
  'acme.cert-manager.io': { namespaced: ['Order', 'Challenge'], cluster: [] },
  'trust.cert-manager.io': { namespaced: [], cluster: ['Bundle'] },
  'external-secrets.io': { namespaced: ['ExternalSecret', 'SecretStore', 'PushSecret'], cluster: ['ClusterSecretStore', 'ClusterExternalSecret'] },
  'policy.linkerd.io': { namespaced: ['Server', 'ServerAuthorization', 'AuthorizationPolicy', 'MeshTLSAuthentication', 'NetworkAuthentication', 'HTTPRoute'], cluster: [] },
  'linkerd.io': { namespaced: ['ServiceProfile'], cluster: [] },
  'networking.istio.io': { namespaced: ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'EnvoyFilter'], cluster: [] },
  'security.istio.io': { namespaced: ['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication'], cluster: [] },
  'gateway.networking.k8s.io': { namespaced: ['Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'ReferenceGrant'], cluster: ['GatewayClass'] },
  'traefik.io': { namespaced: ['IngressRoute', 'IngressRouteTCP', 'Middleware', 'ServersTransport', 'TLSOption', 'TLSStore'], cluster: [] },
  'traefik.containo.us': { namespaced: ['IngressRoute', 'IngressRouteTCP', 'Middleware', 'ServersTransport', 'TLSOption', 'TLSStore'], cluster: [] },
  'monitoring.coreos.com': { namespaced: ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'], cluster: [] },
  'wgpolicyk8s.io': { namespaced: ['PolicyReport'], cluster: ['ClusterPolicyReport'] },
  'kyverno.io': { namespaced: ['Policy'], cluster: ['ClusterPolicy'] },
};

const namespacedKinds = new Set<string>();
const clusterKinds = new Set<string>();
for (const [group, kinds] of Object.entries(BUILTIN)) {
  for (const kind of kinds.namespaced) namespacedKinds.add(`${group}/${kind}`);
  for (const kind of kinds.cluster) clusterKinds.add(`${group}/${kind}`);
}

/** Kinds defined by CustomResourceDefinitions found in the input. */
export interface KindRegistry {
  isKnown(group: string, kind: string): boolean;
  isNamespaced(group: string, kind: string): boolean;
  addCustom(group: string, kind: string, namespaced: boolean): void;
}

export function createKindRegistry(): KindRegistry {
  const custom = new Map<string, boolean>();
  return {
    isKnown: (group, kind) => {
      const key = `${group}/${kind}`;
      return namespacedKinds.has(key) || clusterKinds.has(key) || custom.has(key) || (kind.endsWith('List') && group === '');
    },
    isNamespaced: (group, kind) => {
      const key = `${group}/${kind}`;
      if (clusterKinds.has(key)) return false;
      const declared = custom.get(key);
      // An unknown kind is taken to be namespaced, as most custom resources are.
      return declared ?? true;
    },
    addCustom: (group, kind, namespaced) => {
      custom.set(`${group}/${kind}`, namespaced);
    },
  };
}
