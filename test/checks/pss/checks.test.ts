import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/checks/index.js';
import { pssChecks, pssChecksFor, pssLevels } from '../../../src/checks/pss/index.js';
import type { Finding } from '../../../src/checks/types.js';
import { WORKLOAD_KINDS } from '../../../src/model/workloads.js';
import { auditFiles } from '../../support/audit.js';

/** Audits YAML given as text, the way `rampart audit -` reads standard input. */
async function auditYaml(yaml: string): Promise<Finding[]> {
  const result = await auditFiles(['-'], { readStdin: async () => yaml });
  return result.findings;
}

/** Returns the findings of one check in document order (line, then path), reduced to what tests compare. */
async function findingsOf(checkId: string, yaml: string) {
  const findings = await auditYaml(yaml);
  return findings
    .filter((finding) => finding.checkId === checkId)
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.path ?? '').localeCompare(b.path ?? ''))
    .map((finding) => ({ messageId: finding.messageId, data: finding.data, path: finding.path }));
}

/** Builds a Pod manifest around spec lines that are already indented under `spec:`. */
function pod(spec: string, metadata = ''): string {
  return ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: app', '  namespace: howso', metadata, 'spec:', spec].filter((line) => line !== '').join('\n');
}

describe('pss registry', () => {
  it('gives every pss check a level', () => {
    for (const check of pssChecks) expect(pssLevels.get(check.id), check.id).toBeDefined();
    expect([...pssLevels.keys()].sort()).toEqual(pssChecks.map((check) => check.id).sort());
  });

  it('lists the checks alphabetically', () => {
    const ids = pssChecks.map((check) => check.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('restricted includes every baseline check', () => {
    const baseline = pssChecksFor('baseline').map((check) => check.id);
    const restricted = pssChecksFor('restricted').map((check) => check.id);
    for (const id of baseline) expect(restricted).toContain(id);
    expect(restricted.length).toBe(pssChecks.length);
    expect(baseline.length).toBeLessThan(restricted.length);
  });

  it('registers every pss check in the catalog', () => {
    const catalogIds = CATALOG.map((check) => check.id);
    for (const check of pssChecks) expect(catalogIds).toContain(check.id);
  });

  it('rates baseline above restricted', () => {
    for (const check of pssChecks) {
      if (pssLevels.get(check.id) === 'restricted') expect(check.severity, check.id).toBe('medium');
      else expect(['critical', 'high'], check.id).toContain(check.severity);
    }
  });

  it('documents limitations for every check', () => {
    for (const check of pssChecks) expect(check.limitations?.length ?? 0, check.id).toBeGreaterThan(0);
  });
});

describe('pss on every workload kind', () => {
  const templates: Record<string, (spec: string) => string> = {
    Pod: (spec) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n${spec}`,
    Deployment: (spec) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${indent(spec, 4)}`,
    StatefulSet: (spec) => `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${indent(spec, 4)}`,
    DaemonSet: (spec) => `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${indent(spec, 4)}`,
    ReplicaSet: (spec) => `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${indent(spec, 4)}`,
    ReplicationController: (spec) => `apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${indent(spec, 4)}`,
    Job: (spec) => `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${indent(spec, 4)}`,
    CronJob: (spec) =>
      `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: w\nspec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${indent(spec, 8)}`,
  };
  const podSpecPaths: Record<string, string> = {
    Pod: 'spec',
    CronJob: 'spec.jobTemplate.spec.template.spec',
  };

  it('covers every kind the model knows', () => {
    expect(Object.keys(templates).sort()).toEqual([...WORKLOAD_KINDS].sort());
  });

  for (const kind of WORKLOAD_KINDS) {
    it(`reports a privileged container in a ${kind}`, async () => {
      const spec = '  containers:\n    - name: app\n      image: example/app:1\n      securityContext:\n        privileged: true';
      const yaml = templates[kind](spec);
      const findings = await auditYaml(yaml);
      const own = findings.filter((finding) => finding.checkId === 'pss/privileged');
      expect(own).toHaveLength(1);
      expect(own[0].resource?.kind).toBe(kind);
      expect(own[0].path).toBe(`${podSpecPaths[kind] ?? 'spec.template.spec'}.containers[0].securityContext.privileged`);
      const privilegedLine = yaml.split('\n').findIndex((line) => line.includes('privileged: true')) + 1;
      expect(own[0].line).toBe(privilegedLine);
    });
  }
});

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');
}

describe('pss/run-as-non-root', () => {
  it('passes containers that inherit the pod value', async () => {
    const spec = '  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: api\n      image: a\n    - name: web\n      image: w';
    expect(await findingsOf('pss/run-as-non-root', pod(spec))).toEqual([]);
  });

  it('reports a container overriding the pod', async () => {
    const spec = '  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: api\n      image: a\n      securityContext:\n        runAsNonRoot: false';
    expect(await findingsOf('pss/run-as-non-root', pod(spec))).toEqual([
      { messageId: 'containerNotTrue', data: { container: 'api', value: 'false' }, path: 'spec.containers[0].securityContext.runAsNonRoot' },
    ]);
  });

  it('reports a pod-level false once', async () => {
    const spec = '  securityContext:\n    runAsNonRoot: false\n  containers:\n    - name: api\n      image: a\n    - name: web\n      image: w';
    expect(await findingsOf('pss/run-as-non-root', pod(spec))).toEqual([{ messageId: 'podNotTrue', data: { value: 'false' }, path: 'spec.securityContext.runAsNonRoot' }]);
  });

  it('reports every container when nothing is set', async () => {
    const spec = '  initContainers:\n    - name: init\n      image: i\n  containers:\n    - name: api\n      image: a\n  ephemeralContainers:\n    - name: debug\n      image: d';
    const findings = await findingsOf('pss/run-as-non-root', pod(spec));
    expect(findings.map((finding) => finding.messageId)).toEqual(['unset', 'unset', 'unset']);
    expect(findings.map((finding) => finding.data.container)).toEqual(['init', 'api', 'debug']);
    expect(findings.map((finding) => finding.path)).toEqual([
      'spec.initContainers[0].securityContext.runAsNonRoot',
      'spec.containers[0].securityContext.runAsNonRoot',
      'spec.ephemeralContainers[0].securityContext.runAsNonRoot',
    ]);
  });

  it('reads YAML 1.1 booleans', async () => {
    const spec = '  securityContext:\n    runAsNonRoot: yes\n  containers:\n    - name: api\n      image: a';
    expect(await findingsOf('pss/run-as-non-root', pod(spec))).toEqual([]);
  });

  it('reports a quoted string as not true', async () => {
    const spec = '  containers:\n    - name: api\n      image: a\n      securityContext:\n        runAsNonRoot: "true"';
    expect(await findingsOf('pss/run-as-non-root', pod(spec))).toEqual([
      { messageId: 'containerNotTrue', data: { container: 'api', value: 'true' }, path: 'spec.containers[0].securityContext.runAsNonRoot' },
    ]);
  });

  it('skips pods with their own user namespace', async () => {
    const spec = '  hostUsers: false\n  containers:\n    - name: api\n      image: a\n      securityContext:\n        runAsNonRoot: false';
    expect(await findingsOf('pss/run-as-non-root', pod(spec))).toEqual([]);
  });
});

describe('pss/run-as-user', () => {
  it('reports UID 0 on the pod and the container', async () => {
    const spec = '  securityContext:\n    runAsUser: 0\n  containers:\n    - name: api\n      image: a\n      securityContext:\n        runAsUser: 0\n    - name: web\n      image: w\n      securityContext:\n        runAsUser: 1000';
    expect(await findingsOf('pss/run-as-user', pod(spec))).toEqual([
      { messageId: 'pod', data: {}, path: 'spec.securityContext.runAsUser' },
      { messageId: 'container', data: { container: 'api' }, path: 'spec.containers[0].securityContext.runAsUser' },
    ]);
  });

  it('skips pods with their own user namespace', async () => {
    const spec = '  hostUsers: false\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: api\n      image: a';
    expect(await findingsOf('pss/run-as-user', pod(spec))).toEqual([]);
  });
});

describe('pss/seccomp-restricted and pss/seccomp-baseline', () => {
  it('passes containers under a pod-level Localhost profile', async () => {
    const spec = '  securityContext:\n    seccompProfile:\n      type: Localhost\n      localhostProfile: p.json\n  containers:\n    - name: api\n      image: a';
    expect(await findingsOf('pss/seccomp-restricted', pod(spec))).toEqual([]);
    expect(await findingsOf('pss/seccomp-baseline', pod(spec))).toEqual([]);
  });

  it('reports only the container without a profile', async () => {
    const spec = '  containers:\n    - name: api\n      image: a\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n    - name: web\n      image: w';
    expect(await findingsOf('pss/seccomp-restricted', pod(spec))).toEqual([
      { messageId: 'unset', data: { container: 'web' }, path: 'spec.containers[1].securityContext.seccompProfile.type' },
    ]);
  });

  it('reports an Unconfined pod once, in baseline', async () => {
    const spec = '  securityContext:\n    seccompProfile:\n      type: Unconfined\n  containers:\n    - name: api\n      image: a';
    expect(await findingsOf('pss/seccomp-restricted', pod(spec))).toEqual([]);
    expect(await findingsOf('pss/seccomp-baseline', pod(spec))).toEqual([{ messageId: 'podType', data: { type: 'Unconfined' }, path: 'spec.securityContext.seccompProfile.type' }]);
  });

  it('reports a profile without a type in baseline', async () => {
    const spec = '  containers:\n    - name: api\n      image: a\n      securityContext:\n        seccompProfile: {}';
    expect(await findingsOf('pss/seccomp-baseline', pod(spec))).toEqual([
      { messageId: 'containerType', data: { container: 'api', type: 'unset' }, path: 'spec.containers[0].securityContext.seccompProfile.type' },
    ]);
  });

  it('exempts Windows pods in restricted', async () => {
    const spec = '  os:\n    name: windows\n  containers:\n    - name: api\n      image: a';
    expect(await findingsOf('pss/seccomp-restricted', pod(spec))).toEqual([]);
  });
});

describe('pss/capabilities-baseline and pss/capabilities-restricted', () => {
  const spec = '  containers:\n    - name: api\n      image: a\n      securityContext:\n        capabilities:\n          drop: [NET_RAW]\n          add: [NET_RAW, CHOWN, NET_BIND_SERVICE, chown]';

  it('reports each capability outside the baseline set', async () => {
    expect(await findingsOf('pss/capabilities-baseline', pod(spec))).toEqual([
      { messageId: 'added', data: { container: 'api', capability: 'NET_RAW' }, path: 'spec.containers[0].securityContext.capabilities.add[0]' },
      { messageId: 'added', data: { container: 'api', capability: 'chown' }, path: 'spec.containers[0].securityContext.capabilities.add[3]' },
    ]);
  });

  it('reports the missing drop and the baseline capabilities restricted forbids', async () => {
    expect(await findingsOf('pss/capabilities-restricted', pod(spec))).toEqual([
      { messageId: 'missingDropAll', data: { container: 'api', dropped: '[NET_RAW]' }, path: 'spec.containers[0].securityContext.capabilities.drop' },
      { messageId: 'added', data: { container: 'api', capability: 'CHOWN' }, path: 'spec.containers[0].securityContext.capabilities.add[1]' },
    ]);
  });

  it('shortens a long drop list', async () => {
    const longSpec = '  containers:\n    - name: api\n      image: a\n      securityContext:\n        capabilities:\n          drop: [A, B, C, D, E, F]';
    const [finding] = await findingsOf('pss/capabilities-restricted', pod(longSpec));
    expect(finding.data.dropped).toBe('[A, B, C, D, … 2 more]');
  });

  it('reports a container without a security context', async () => {
    expect(await findingsOf('pss/capabilities-restricted', pod('  containers:\n    - name: api\n      image: a'))).toEqual([
      { messageId: 'missingDropAll', data: { container: 'api', dropped: 'unset' }, path: 'spec.containers[0].securityContext.capabilities.drop' },
    ]);
  });

  it('exempts Windows pods only in restricted', async () => {
    const windows = `  os:\n    name: windows\n${spec}`;
    expect(await findingsOf('pss/capabilities-restricted', pod(windows))).toEqual([]);
    expect((await findingsOf('pss/capabilities-baseline', pod(windows))).length).toBe(2);
  });
});

describe('pss/proc-mount and pss/proc-mount-restricted', () => {
  const unmasked = (hostUsers: string) => `${hostUsers}  containers:\n    - name: build\n      image: b\n      securityContext:\n        procMount: Unmasked`;

  it('reports Unmasked without a user namespace in baseline only', async () => {
    const yaml = pod(unmasked('  hostUsers: true\n'));
    expect(await findingsOf('pss/proc-mount', yaml)).toEqual([{ messageId: 'unmasked', data: { container: 'build', procMount: 'Unmasked' }, path: 'spec.containers[0].securityContext.procMount' }]);
    expect(await findingsOf('pss/proc-mount-restricted', yaml)).toEqual([]);
  });

  it('reports Unmasked with a user namespace in restricted only', async () => {
    const yaml = pod(unmasked('  hostUsers: false\n'));
    expect(await findingsOf('pss/proc-mount', yaml)).toEqual([]);
    expect(await findingsOf('pss/proc-mount-restricted', yaml)).toEqual([
      { messageId: 'unmasked', data: { container: 'build', procMount: 'Unmasked' }, path: 'spec.containers[0].securityContext.procMount' },
    ]);
  });
});

describe('pss/apparmor-profile', () => {
  it('reports the field on pod and container and the annotation', async () => {
    const metadata = '  annotations:\n    container.apparmor.security.beta.kubernetes.io/api: unconfined\n    container.apparmor.security.beta.kubernetes.io/web: runtime/default';
    const spec = '  securityContext:\n    appArmorProfile:\n      type: Unconfined\n  containers:\n    - name: api\n      image: a\n      securityContext:\n        appArmorProfile:\n          type: Unconfined\n    - name: web\n      image: w';
    expect(await findingsOf('pss/apparmor-profile', pod(spec, metadata))).toEqual([
      {
        messageId: 'annotation',
        data: { annotation: 'container.apparmor.security.beta.kubernetes.io/api', container: 'api', profile: 'unconfined' },
        path: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/api"]',
      },
      { messageId: 'podType', data: { type: 'Unconfined' }, path: 'spec.securityContext.appArmorProfile.type' },
      { messageId: 'containerType', data: { container: 'api', type: 'Unconfined' }, path: 'spec.containers[0].securityContext.appArmorProfile.type' },
    ]);
  });

  it('reads the annotations of a Deployment pod template', async () => {
    const yaml = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      '  annotations:',
      '    container.apparmor.security.beta.kubernetes.io/api: unconfined',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        container.apparmor.security.beta.kubernetes.io/api: localhost/api',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          image: a',
    ].join('\n');
    expect(await findingsOf('pss/apparmor-profile', yaml)).toEqual([]);
  });
});

describe('pss/selinux-options', () => {
  it('reports type, user and role separately', async () => {
    const spec = '  containers:\n    - name: api\n      image: a\n      securityContext:\n        seLinuxOptions:\n          type: spc_t\n          user: system_u\n          role: system_r\n          level: s0';
    expect(await findingsOf('pss/selinux-options', pod(spec))).toEqual([
      { messageId: 'containerType', data: { container: 'api', type: 'spc_t' }, path: 'spec.containers[0].securityContext.seLinuxOptions.type' },
      { messageId: 'containerUserOrRole', data: { container: 'api', field: 'user', value: 'system_u' }, path: 'spec.containers[0].securityContext.seLinuxOptions.user' },
      { messageId: 'containerUserOrRole', data: { container: 'api', field: 'role', value: 'system_r' }, path: 'spec.containers[0].securityContext.seLinuxOptions.role' },
    ]);
  });
});

describe('pss/host-path-volumes', () => {
  it('rates node-critical paths critical', async () => {
    const spec = [
      '  containers:',
      '    - name: api',
      '      image: a',
      '  volumes:',
      '    - name: socket',
      '      hostPath:',
      '        path: /var/run/docker.sock',
      '    - name: root',
      '      hostPath:',
      '        path: /',
      '    - name: data',
      '      hostPath:',
      '        path: /data/platform',
      '    - name: runner',
      '      hostPath:',
      '        path: /runner',
    ].join('\n');
    const findings = (await auditYaml(pod(spec))).filter((finding) => finding.checkId === 'pss/host-path-volumes');
    const severityByVolume = Object.fromEntries(findings.map((finding) => [finding.data.volume, finding.severity]));
    expect(severityByVolume).toEqual({ socket: 'critical', root: 'critical', data: 'high', runner: 'high' });
  });
});

describe('pss/sysctls', () => {
  it('reports each unsafe sysctl by name', async () => {
    const spec = '  securityContext:\n    sysctls:\n      - name: kernel.shm_rmid_forced\n        value: "1"\n      - name: kernel.msgmax\n        value: "65536"\n      - name: net/ipv4/tcp_syncookies\n        value: "1"\n  containers:\n    - name: api\n      image: a';
    expect(await findingsOf('pss/sysctls', pod(spec))).toEqual([
      { messageId: 'unsafe', data: { sysctl: 'kernel.msgmax' }, path: 'spec.securityContext.sysctls[1].name' },
      { messageId: 'unsafe', data: { sysctl: 'net/ipv4/tcp_syncookies' }, path: 'spec.securityContext.sysctls[2].name' },
    ]);
  });

  it('allows the sysctls added in policy v1.37', async () => {
    const spec = '  securityContext:\n    sysctls:\n      - name: net.ipv4.tcp_slow_start_after_idle\n        value: "0"\n      - name: net.ipv4.tcp_notsent_lowat\n        value: "16384"\n  containers:\n    - name: api\n      image: a';
    expect(await findingsOf('pss/sysctls', pod(spec))).toEqual([]);
  });
});

describe('pss/host-probes-and-lifecycle', () => {
  it('names the handler and the host', async () => {
    const spec = [
      '  containers:',
      '    - name: api',
      '      image: a',
      '      startupProbe:',
      '        tcpSocket:',
      '          host: 10.0.0.1',
      '          port: 80',
      '      lifecycle:',
      '        postStart:',
      '          httpGet:',
      '            host: example.com',
      '            port: 80',
    ].join('\n');
    expect(await findingsOf('pss/host-probes-and-lifecycle', pod(spec))).toEqual([
      { messageId: 'host', data: { container: 'api', handler: 'startupProbe.tcpSocket', host: '10.0.0.1' }, path: 'spec.containers[0].startupProbe.tcpSocket.host' },
      { messageId: 'host', data: { container: 'api', handler: 'lifecycle.postStart.httpGet', host: 'example.com' }, path: 'spec.containers[0].lifecycle.postStart.httpGet.host' },
    ]);
  });
});

describe('pss/volume-types', () => {
  it('ignores sources set to null', async () => {
    const spec = '  containers:\n    - name: api\n      image: a\n  volumes:\n    - name: data\n      nfs: null\n      emptyDir: {}';
    expect(await findingsOf('pss/volume-types', pod(spec))).toEqual([]);
  });

  it('names the volume and its type', async () => {
    const spec = '  containers:\n    - name: api\n      image: a\n  volumes:\n    - name: data\n      cephfs:\n        monitors: [m]';
    expect(await findingsOf('pss/volume-types', pod(spec))).toEqual([{ messageId: 'restrictedType', data: { volume: 'data', type: 'cephfs' }, path: 'spec.volumes[0].cephfs' }]);
  });
});

describe('pss/privilege-escalation', () => {
  it('tells unset from true', async () => {
    const spec = '  containers:\n    - name: api\n      image: a\n    - name: web\n      image: w\n      securityContext:\n        allowPrivilegeEscalation: true';
    expect(await findingsOf('pss/privilege-escalation', pod(spec))).toEqual([
      { messageId: 'unset', data: { container: 'api' }, path: 'spec.containers[0].securityContext.allowPrivilegeEscalation' },
      { messageId: 'allowed', data: { container: 'web', value: 'true' }, path: 'spec.containers[1].securityContext.allowPrivilegeEscalation' },
    ]);
  });
});

describe('pss/host-namespaces and pss/windows-host-process', () => {
  it('reports each host namespace', async () => {
    const spec = '  hostNetwork: true\n  hostPID: true\n  hostIPC: false\n  containers:\n    - name: api\n      image: a';
    expect(await findingsOf('pss/host-namespaces', pod(spec))).toEqual([
      { messageId: 'hostNamespace', data: { field: 'hostNetwork', namespace: 'network' }, path: 'spec.hostNetwork' },
      { messageId: 'hostNamespace', data: { field: 'hostPID', namespace: 'process ID' }, path: 'spec.hostPID' },
    ]);
  });

  it('reports a HostProcess pod and container', async () => {
    const spec = '  securityContext:\n    windowsOptions:\n      hostProcess: true\n  containers:\n    - name: api\n      image: a\n      securityContext:\n        windowsOptions:\n          hostProcess: true';
    expect(await findingsOf('pss/windows-host-process', pod(spec))).toEqual([
      { messageId: 'pod', data: {}, path: 'spec.securityContext.windowsOptions.hostProcess' },
      { messageId: 'container', data: { container: 'api' }, path: 'spec.containers[0].securityContext.windowsOptions.hostProcess' },
    ]);
  });
});

describe('pss on malformed input', () => {
  const malformed = [
    '  securityContext: "none"\n  containers: "api"',
    '  securityContext:\n    sysctls: {name: x}\n    seLinuxOptions: []\n    seccompProfile: 3\n  containers:\n    - 42\n    - name: api\n      securityContext:\n        capabilities:\n          add: {a: b}\n          drop: ALL\n      ports: {hostPort: 80}\n      livenessProbe: [1]\n  volumes: {a: b}',
    '  containers:\n    - name: api\n      securityContext:\n        capabilities:\n          add: [1, null, {x: y}]\n      ports: [null, {hostPort: "80"}]\n  volumes: [null, 3, {name: v, hostPath: null}]',
  ];

  for (const [index, spec] of malformed.entries()) {
    it(`runs every check on case ${index}`, async () => {
      const result = await auditFiles(['-'], { readStdin: async () => pod(spec) });
      const failed = result.outcomes.filter((outcome) => outcome.id.startsWith('pss/') && outcome.status === 'failed');
      expect(failed).toEqual([]);
    });
  }
});
