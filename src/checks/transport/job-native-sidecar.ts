import { list } from '../../model/access.js';
import type { Workload } from '../../model/workloads.js';
import { linkerdSetting, meshOfWorkload, runsToCompletion } from '../../transport/mesh.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

/** Linkerd's native-sidecar annotation; the alpha name is the one Linkerd read before it became beta. */
const NATIVE_SIDECAR = 'config.beta.linkerd.io/proxy-enable-native-sidecar';
const NATIVE_SIDECAR_ALPHA = 'config.alpha.linkerd.io/proxy-enable-native-sidecar';

export default defineCheck({
  id: 'transport/job-native-sidecar',
  severity: 'medium',
  side: 'shared',
  description: 'Jobs, CronJobs and run-to-completion Pods meshed by Linkerd run the proxy as a native sidecar, so that their pods complete.',
  rationale:
    'A Linkerd proxy injected as an ordinary container keeps running after the Job\'s own containers exit, so the pod never completes: the Job never succeeds and a CronJob piles up active runs. With native sidecars (Kubernetes 1.29 or later) the kubelet stops the proxy once the main containers finish.',
  remediation: `Annotate the pod template (or the namespace) with ${NATIVE_SIDECAR}: "true" on Kubernetes 1.29 or later, or install Linkerd with the Helm value proxy.nativeSidecar: true.`,
  messages: {
    job: '{{workload}} is meshed by Linkerd ({{mesh}}) without native sidecars, so its pods would not complete.',
    pod: 'Pod {{workload}} (restartPolicy {{restartPolicy}}, no controller) is meshed by Linkerd ({{mesh}}) without native sidecars, so it would not complete.',
  },
  references: ['https://linkerd.io/2/features/native-sidecars', 'https://linkerd.io/2/reference/proxy-configuration'],
  limitations: [
    'The control-plane Helm value proxy.nativeSidecar, which turns native sidecars on for every pod, is not part of the audited input, so a cluster installed with it gets findings that do not apply; suppress them with the reason.',
    'Only Linkerd is checked: Istio\'s sidecar.istio.io/nativeSidecar and its defaults are not read.',
    'A Job that stops the proxy itself (linkerd-await --shutdown, or a request to the proxy\'s /shutdown endpoint) is recognised only from the literal text of its command and args.',
  ],
  run(inventory) {
    return inventory.workloads
      .filter(runsToCompletion)
      .flatMap((workload): FindingDraft<'job' | 'pod'>[] => {
        const mesh = meshOfWorkload(workload, inventory);
        if (mesh.mesh !== 'linkerd') return [];
        const setting = linkerdSetting(workload, inventory, NATIVE_SIDECAR) ?? linkerdSetting(workload, inventory, NATIVE_SIDECAR_ALPHA);
        if (setting?.value === 'true' || stopsProxyItself(workload)) return [];
        if (workload.kind === 'Pod') {
          return [
            {
              messageId: 'pod' as const,
              data: { workload: `${workload.namespace}/${workload.name}`, restartPolicy: String(workload.podSpec.restartPolicy), mesh: mesh.evidence },
              resource: workload.resource,
              path: [...workload.podMetadataPath, 'annotations'],
              fix: `Add ${NATIVE_SIDECAR}: "true" to the annotations of Pod ${workload.name} (or to its namespace), or set linkerd.io/inject: disabled on it if it needs no mesh.`,
            },
          ];
        }
        return [
          {
            messageId: 'job' as const,
            data: { workload: `${workload.kind} ${workload.namespace}/${workload.name}`, mesh: mesh.evidence },
            resource: workload.resource,
            path: [...workload.podMetadataPath, 'annotations'],
            fix: `Add ${NATIVE_SIDECAR}: "true" to the pod template of ${workload.kind} ${workload.name} (Linkerd versions that predate the beta name read ${NATIVE_SIDECAR_ALPHA}), or set linkerd.io/inject: disabled on it if it needs no mesh.`,
          },
        ];
      });
  },
});

/** True when a main container ends the proxy itself, the workaround used before native sidecars. */
function stopsProxyItself(workload: Workload): boolean {
  return workload.containers.some((container) => {
    if (container.group !== 'containers') return false;
    const words = [...list(container.container.command), ...list(container.container.args)].filter((entry): entry is string => typeof entry === 'string').join(' ');
    return /linkerd-await\b.*--shutdown/.test(words) || /localhost:4191\/shutdown/.test(words);
  });
}
