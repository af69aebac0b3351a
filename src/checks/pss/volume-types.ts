import { isRecord, list, text } from '../../model/access.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

/**
 * Volume sources restricted allows: ephemeral and projected data, and storage claimed through
 * PersistentVolumeClaims or CSI, whose access the cluster operator controls. `image` is allowed
 * since Kubernetes 1.33.
 */
export const ALLOWED_VOLUME_TYPES: ReadonlySet<string> = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

export default defineCheck({
  id: 'pss/volume-types',
  severity: 'medium',
  side: 'chart',
  description: 'Pods use only the volume types restricted allows: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret.',
  rationale: 'In-tree volume types such as nfs, iscsi, rbd or gitRepo let a pod mount storage the cluster operator never provisioned, with credentials or host access of its own, and gitRepo even runs git on the node. Pod Security Standards restricted allows only types whose access goes through the cluster\'s own objects.',
  remediation: 'Replace the volume with a PersistentVolumeClaim backed by a StorageClass (or a CSI volume), and clone repositories in an init container into an emptyDir instead of using gitRepo.',
  messages: {
    restrictedType: 'Volume "{{volume}}" uses volume type {{type}}, which restricted does not allow.',
  },
  limitations: [
    'hostPath volumes are reported by pss/host-path-volumes, not again here.',
    'A volume with no source counts as emptyDir, which the API server fills in for it. A field that is not a known volume source is reported as a restricted type.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_restrictedVolumes.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'restrictedType'>[] = [];
    for (const workload of inventory.workloads) {
      list(workload.podSpec.volumes).forEach((volume, index) => {
        if (!isRecord(volume)) return;
        // A source set to null is absent, as it is for the API server.
        const sources = Object.keys(volume).filter((key) => key !== 'name' && volume[key] !== null && volume[key] !== undefined);
        if (sources.length === 0 || sources.some((source) => ALLOWED_VOLUME_TYPES.has(source))) return;
        const type = sources.find((source) => source !== 'hostPath');
        if (type === undefined) return;
        const data = { volume: text(volume.name) ?? `#${index}`, type };
        findings.push({ messageId: 'restrictedType', data, resource: workload.resource, path: [...workload.podSpecPath, 'volumes', index, type] });
      });
    }
    return findings;
  },
});
