import { list, stringMap } from '../../model/access.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import type { Workload } from '../../model/workloads.js';
import { parseFlags } from './controllers.js';

// ingress-nginx settings that decide redirects and HSTS. The defaults are those of the
// controller's NewDefault() in internal/ingress/controller/config/config.go and of
// docs/user-guide/nginx-configuration/configmap.md: ssl-redirect "true" (redirect hosts
// that have a TLS certificate), force-ssl-redirect "false", hsts "true",
// hsts-max-age "31536000", allow-snippet-annotations "false".

export const NGINX_DEFAULTS: Readonly<Record<string, string>> = {
  'ssl-redirect': 'true',
  'force-ssl-redirect': 'false',
  hsts: 'true',
  'hsts-max-age': '31536000',
  'allow-snippet-annotations': 'false',
};

const DEFAULT_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io';
const DEFAULT_INGRESS_CLASS = 'nginx';

export interface NginxSettings {
  /** The controller's ConfigMap, when the input has it. */
  configMap?: Resource;
  /** ConfigMap data, or empty when the ConfigMap is not in the input (the defaults apply). */
  data: Record<string, string>;
  /** Prefix of the controller's annotations (`--annotations-prefix`). */
  annotationPrefix: string;
}

interface NginxController {
  workload: Workload;
  ingressClass: string;
  annotationPrefix: string;
  configMap?: { namespace: string; name: string };
}

const cache = new WeakMap<Inventory, NginxController[]>();

const settingsCache = new WeakMap<Inventory, Map<string, NginxSettings>>();

/**
 * Finds the settings of the ingress-nginx controller that serves a class: the controller
 * in the input whose --ingress-class matches (or the only one), and the ConfigMap its
 * --configmap flag names. Without a controller in the input, a ConfigMap labelled as the
 * chart labels the controller's is used when there is exactly one.
 * Each class is worked out once per Inventory, because the checks ask once per Ingress.
 */
export function nginxSettings(inventory: Inventory, className: string | undefined): NginxSettings {
  let byClass = settingsCache.get(inventory);
  if (!byClass) {
    byClass = new Map();
    settingsCache.set(inventory, byClass);
  }
  const key = className ?? '';
  let settings = byClass.get(key);
  if (!settings) {
    settings = readNginxSettings(inventory, className);
    byClass.set(key, settings);
  }
  return settings;
}

function readNginxSettings(inventory: Inventory, className: string | undefined): NginxSettings {
  const controllers = findControllers(inventory);
  const controller = controllers.length === 1 ? controllers[0] : controllers.find((candidate) => candidate.ingressClass === className);

  let configMap: Resource | undefined;
  if (controller?.configMap) {
    configMap = inventory.find('ConfigMap', controller.configMap.namespace, controller.configMap.name);
  } else if (controllers.length === 0) {
    const labelled = inventory.ofKind('ConfigMap', '').filter((resource) => resource.labels['app.kubernetes.io/name'] === 'ingress-nginx' && resource.labels['app.kubernetes.io/component'] === 'controller');
    if (labelled.length === 1) configMap = labelled[0];
  }

  const settings: NginxSettings = {
    data: configMap ? stringMap(configMap.body.data) : {},
    annotationPrefix: controller?.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX,
  };
  if (configMap) settings.configMap = configMap;
  return settings;
}

/** Reads a ConfigMap key, or returns the controller's default when the key is not set. */
export function nginxValue(settings: NginxSettings, key: string): string {
  return settings.data[key] ?? NGINX_DEFAULTS[key];
}

function findControllers(inventory: Inventory): NginxController[] {
  const cached = cache.get(inventory);
  if (cached) return cached;

  const controllers: NginxController[] = [];
  for (const workload of inventory.workloads) {
    for (const container of workload.containers) {
      const args = list(container.container.args).filter((arg): arg is string => typeof arg === 'string');
      // The chart runs the binary /nginx-ingress-controller as the first argument.
      if (!args.includes('/nginx-ingress-controller') && !/\/ingress-nginx\/controller[:@]/.test(container.image)) continue;
      const flags = parseFlags(args);
      const controller: NginxController = {
        workload,
        ingressClass: flags.get('ingress-class') ?? DEFAULT_INGRESS_CLASS,
        annotationPrefix: flags.get('annotations-prefix') ?? DEFAULT_ANNOTATION_PREFIX,
      };
      const configMapFlag = flags.get('configmap')?.replace('$(POD_NAMESPACE)', workload.namespace);
      if (configMapFlag) {
        const slash = configMapFlag.indexOf('/');
        controller.configMap = slash < 0 ? { namespace: workload.namespace, name: configMapFlag } : { namespace: configMapFlag.slice(0, slash), name: configMapFlag.slice(slash + 1) };
      }
      controllers.push(controller);
    }
  }
  cache.set(inventory, controllers);
  return controllers;
}
