import type { Command } from 'commander';
import { DEFAULT_INGRESS_CONTROLLER } from '../harden/netpol.js';
import type { IngressControllerLocation } from '../netpol/connectivity.js';
import { UsageError } from './io.js';
import { collect } from './options.js';

/** Namespace and pod labels of the cluster's ingress controller, as `--ingress-namespace` and `--ingress-label` give them. */
export interface IngressControllerFlags {
  ingressNamespace?: string;
  ingressLabel: string[];
}

const DEFAULT_INGRESS_NAMESPACE = DEFAULT_INGRESS_CONTROLLER.namespace;
const DEFAULT_INGRESS_LABELS = DEFAULT_INGRESS_CONTROLLER.podLabels;

/** A namespace name as the API server accepts it: an RFC 1123 label of at most 63 characters. */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A label key with an optional DNS-subdomain prefix, and a label value, as the API server accepts them. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Adds `--ingress-namespace` and the repeatable `--ingress-label` to a command; `note` ends the namespace option's help. */
export function addIngressControllerOptions(command: Command, note?: string): Command {
  return command
    .option('--ingress-namespace <name>', `namespace of the ingress controller (default ${DEFAULT_INGRESS_NAMESPACE})${note ? `; ${note}` : ''}`)
    .option('--ingress-label <key=value>', `pod label of the ingress controller, repeatable (default ${labelsText(DEFAULT_INGRESS_LABELS)})`, collect, []);
}

/** Reads the ingress controller's location from the flags, with the default for a flag not given. */
export function ingressControllerFrom(flags: IngressControllerFlags): IngressControllerLocation {
  const namespace = flags.ingressNamespace ?? DEFAULT_INGRESS_NAMESPACE;
  if (!NAMESPACE_NAME.test(namespace)) {
    throw new UsageError(`invalid --ingress-namespace "${namespace}": give a namespace name of at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
  const podLabels = flags.ingressLabel.length > 0 ? parseLabels(flags.ingressLabel) : { ...DEFAULT_INGRESS_LABELS };
  return { namespace, podLabels };
}

/** Reads the ingress controller's location as ingressControllerFrom does, or undefined when neither flag is given. */
export function optionalIngressController(flags: IngressControllerFlags): IngressControllerLocation | undefined {
  if (flags.ingressNamespace === undefined && flags.ingressLabel.length === 0) return undefined;
  return ingressControllerFrom(flags);
}

function parseLabels(entries: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of entries) {
    const separator = entry.indexOf('=');
    const key = separator < 0 ? entry : entry.slice(0, separator);
    const value = separator < 0 ? undefined : entry.slice(separator + 1);
    if (value === undefined || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) throw new UsageError(`invalid --ingress-label "${entry}": give key=value with a valid label key and value, e.g. app.kubernetes.io/name=ingress-nginx`);
    labels[key] = value;
  }
  return labels;
}

function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}
