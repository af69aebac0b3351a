import type { Check } from '../types.js';
import apparmorProfile from './apparmor-profile.js';
import capabilitiesBaseline from './capabilities-baseline.js';
import capabilitiesRestricted from './capabilities-restricted.js';
import hostNamespaces from './host-namespaces.js';
import hostPathVolumes from './host-path-volumes.js';
import hostPorts from './host-ports.js';
import hostProbesAndLifecycle from './host-probes-and-lifecycle.js';
import type { PssLevel } from './pod-security.js';
import privilegeEscalation from './privilege-escalation.js';
import privileged from './privileged.js';
import procMount from './proc-mount.js';
import procMountRestricted from './proc-mount-restricted.js';
import runAsNonRoot from './run-as-non-root.js';
import runAsUser from './run-as-user.js';
import seccompBaseline from './seccomp-baseline.js';
import seccompRestricted from './seccomp-restricted.js';
import selinuxOptions from './selinux-options.js';
import sysctls from './sysctls.js';
import volumeTypes from './volume-types.js';
import windowsHostProcess from './windows-host-process.js';

export type { PssLevel } from './pod-security.js';

export const pssChecks: Check[] = [
  apparmorProfile,
  capabilitiesBaseline,
  capabilitiesRestricted,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndLifecycle,
  privilegeEscalation,
  privileged,
  procMount,
  procMountRestricted,
  runAsNonRoot,
  runAsUser,
  seccompBaseline,
  seccompRestricted,
  selinuxOptions,
  sysctls,
  volumeTypes,
  windowsHostProcess,
];

/**
 * The Pod Security Standards level of each pss check. A pod meets restricted when the baseline
 * and the restricted checks all pass. The restricted checks report only what the baseline
 * checks leave out, so one setting gives one finding.
 */
export const pssLevels: ReadonlyMap<string, PssLevel> = new Map<string, PssLevel>([
  [apparmorProfile.id, 'baseline'],
  [capabilitiesBaseline.id, 'baseline'],
  [hostNamespaces.id, 'baseline'],
  [hostPathVolumes.id, 'baseline'],
  [hostPorts.id, 'baseline'],
  [hostProbesAndLifecycle.id, 'baseline'],
  [privileged.id, 'baseline'],
  [procMount.id, 'baseline'],
  [seccompBaseline.id, 'baseline'],
  [selinuxOptions.id, 'baseline'],
  [sysctls.id, 'baseline'],
  [windowsHostProcess.id, 'baseline'],
  [capabilitiesRestricted.id, 'restricted'],
  [privilegeEscalation.id, 'restricted'],
  [procMountRestricted.id, 'restricted'],
  [runAsNonRoot.id, 'restricted'],
  [runAsUser.id, 'restricted'],
  [seccompRestricted.id, 'restricted'],
  [volumeTypes.id, 'restricted'],
]);

/** The checks a pod must pass to meet `level`: baseline's, plus restricted's for restricted. */
export function pssChecksFor(level: PssLevel): Check[] {
  return pssChecks.filter((check) => level === 'restricted' || pssLevels.get(check.id) === 'baseline');
}
