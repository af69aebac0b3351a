import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInputs, type LoadOptions, type LoadResult } from '../../src/load/index.js';
import { InputError } from '../../src/load/problems.js';
import type { Resource } from '../../src/model/resource.js';
import { auditFiles } from '../support/audit.js';
import { ensureHelm } from '../support/helm.js';

// The loader renders charts with the real helm binary, so these tests build small charts in
// a temporary folder and load them as the CLI does.

const helm = process.env.RAMPART_HELM ?? ensureHelm().helm;

const CHART_YAML = 'apiVersion: v2\nname: demo\nversion: 0.1.0\n';

const VALUES_YAML = `greeting: hello
replicas: 1
widget:
  enabled: true
`;

// Neither object names a namespace, so both land in the one the loader is given. The
// ConfigMap also records the release namespace that helm rendered with.
const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: demo-config
data:
  greeting: {{ .Values.greeting | quote }}
  releaseNamespace: {{ .Release.Namespace | quote }}
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

const FIXED_NAMESPACE = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: fixed
  namespace: elsewhere
`;

// An object of a kind no CustomResourceDefinition declares, so input/unknown-kind reports it.
const WIDGET = `{{- if .Values.widget.enabled }}
apiVersion: example.com/v1
kind: Widget
metadata:
  name: demo-widget
{{- end }}
`;

let workDir: string;
let chartDir: string;
let packagedChart: string;
let brokenChart: string;
let valuesFile: string;

function writeChart(folder: string, templates: Record<string, string>): void {
  mkdirSync(path.join(folder, 'templates'), { recursive: true });
  writeFileSync(path.join(folder, 'Chart.yaml'), CHART_YAML);
  writeFileSync(path.join(folder, 'values.yaml'), VALUES_YAML);
  for (const [name, text] of Object.entries(templates)) writeFileSync(path.join(folder, 'templates', name), text);
}

function load(inputs: string[], options: LoadOptions = {}): Promise<LoadResult> {
  return loadInputs(inputs, { helmBinary: helm, release: 'demo', namespace: 'apps', ...options });
}

function find(result: LoadResult, kind: string, name: string): Resource {
  const resource = result.resources.find((candidate) => candidate.kind === kind && candidate.name === name);
  expect(resource, `${kind} ${name} is loaded`).toBeDefined();
  return resource as Resource;
}

function dataOf(resource: Resource): Record<string, unknown> {
  return resource.body.data as Record<string, unknown>;
}

async function loadError(inputs: string[], options: LoadOptions = {}): Promise<InputError> {
  try {
    await load(inputs, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`loading ${inputs.join(' ')} succeeded but should have failed`);
}

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'rampart-helm-'));

  chartDir = path.join(workDir, 'demo');
  writeChart(chartDir, { 'configmap.yaml': CONFIGMAP, 'deployment.yaml': DEPLOYMENT, 'serviceaccount.yaml': FIXED_NAMESPACE, 'widget.yaml': WIDGET });

  const packaged = spawnSync(helm, ['package', chartDir, '--destination', workDir], { encoding: 'utf8' });
  expect(packaged.stderr).toBe('');
  expect(packaged.status).toBe(0);
  packagedChart = path.join(workDir, 'demo-0.1.0.tgz');

  brokenChart = path.join(workDir, 'broken');
  // The action is never closed, which is a template syntax error that `helm template` rejects.
  writeChart(brokenChart, { 'configmap.yaml': CONFIGMAP, 'broken.yaml': 'kind: ConfigMap\nname: {{ .Values.greeting\n' });

  valuesFile = path.join(workDir, 'values-override.yaml');
  writeFileSync(valuesFile, 'greeting: from-file\nreplicas: 2\n');
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('loading a Helm chart', () => {
  it('renders a chart folder', async () => {
    const result = await load([chartDir]);
    const config = find(result, 'ConfigMap', 'demo-config');

    expect(dataOf(config).greeting).toBe('hello');
    expect(config.source.file).toBe(path.join(chartDir, 'templates', 'configmap.yaml'));
    expect(config.source.chart).toBe(chartDir);
    expect(find(result, 'Deployment', 'demo-web').source.file).toBe(path.join(chartDir, 'templates', 'deployment.yaml'));
    expect(result.problems).toEqual([]);
  });

  it('renders a packaged chart', async () => {
    const result = await load([packagedChart]);
    const config = find(result, 'ConfigMap', 'demo-config');

    expect(dataOf(config).greeting).toBe('hello');
    expect(config.source.file).toBe(`${packagedChart}#templates/configmap.yaml`);
    expect(config.source.chart).toBe(packagedChart);
  });

  it('uses the release name', async () => {
    const result = await load([chartDir], { release: 'other' });
    expect(find(result, 'Deployment', 'other-web').kind).toBe('Deployment');
  });

  it('passes values files and --set to helm', async () => {
    const result = await load([chartDir], { valuesFiles: [valuesFile], set: ['replicas=5', 'widget.enabled=false'] });

    expect(dataOf(find(result, 'ConfigMap', 'demo-config')).greeting).toBe('from-file');
    expect((find(result, 'Deployment', 'demo-web').body.spec as Record<string, unknown>).replicas).toBe(5);
    expect(result.resources.some((resource) => resource.kind === 'Widget')).toBe(false);
  });

  it('passes values files to a packaged chart', async () => {
    const result = await load([packagedChart], { valuesFiles: [valuesFile] });
    expect(dataOf(find(result, 'ConfigMap', 'demo-config')).greeting).toBe('from-file');
  });

  it('audits the values file itself', async () => {
    const result = await load([chartDir], { valuesFiles: [valuesFile] });

    expect(result.values).toHaveLength(1);
    expect(result.values[0].source.file).toBe(valuesFile);
    expect(result.values[0].source.line).toBe(1);
    expect(result.values[0].data).toEqual({ greeting: 'from-file', replicas: 2 });
    expect(result.sources.get(valuesFile)).toContain('greeting: from-file');
  });

  it('places objects in the namespace given', async () => {
    const result = await load([chartDir], { namespace: 'howso' });
    const config = find(result, 'ConfigMap', 'demo-config');

    expect(config.namespace).toBe('howso');
    expect(dataOf(config).releaseNamespace).toBe('howso');
    expect(find(result, 'Deployment', 'demo-web').namespace).toBe('howso');
    expect(find(result, 'ServiceAccount', 'fixed').namespace).toBe('elsewhere');
  });

  it('reports a failing chart with helm stderr', async () => {
    const direct = spawnSync(helm, ['template', 'demo', brokenChart, '--namespace', 'apps'], { encoding: 'utf8' });
    expect(direct.status).not.toBe(0);
    const firstLine = direct.stderr.trim().split('\n')[0];
    expect(firstLine).toContain('parse error');
    expect(firstLine).toContain('broken.yaml');

    const error = await loadError([brokenChart]);
    expect(error.message).toContain(`helm template failed for chart ${brokenChart}`);
    expect(error.message).toContain(firstLine);
  });

  it('reports a missing helm binary', async () => {
    const missing = path.join(workDir, 'no-such-dir', 'helm');
    const error = await loadError([chartDir], { helmBinary: missing });

    expect(error.message).toContain(missing);
    expect(error.message).toContain(chartDir);
  });

  it('puts the template path on findings', async () => {
    const result = await auditFiles([chartDir], { helmBinary: helm, release: 'demo', namespace: 'apps' });
    const unknownKind = result.findings.filter((finding) => finding.checkId === 'input/unknown-kind');

    expect(unknownKind).toHaveLength(1);
    expect(unknownKind[0].data.kind).toBe('Widget');
    expect(unknownKind[0].file).toBe(path.join(chartDir, 'templates', 'widget.yaml'));
    expect(unknownKind[0].line).toBeGreaterThan(0);
  });

  it('puts the packaged template path on findings', async () => {
    const result = await auditFiles([packagedChart], { helmBinary: helm, release: 'demo', namespace: 'apps' });
    const unknownKind = result.findings.filter((finding) => finding.checkId === 'input/unknown-kind');

    expect(unknownKind.map((finding) => finding.file)).toEqual([`${packagedChart}#templates/widget.yaml`]);
  });
});
