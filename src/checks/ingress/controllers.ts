import { record, text } from '../../model/access.js';
import type { Inventory, IngressInfo } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';

/** The ingress controllers whose redirect and HSTS settings rampart models. */
export type Controller = 'ingress-nginx' | 'traefik' | 'unknown';

/** `spec.controller` values of the IngressClasses that the two controllers' charts create. */
const CONTROLLER_BY_CLASS_CONTROLLER: Record<string, Controller> = {
  'k8s.io/ingress-nginx': 'ingress-nginx',
  'traefik.io/ingress-controller': 'traefik',
};

/** Class names that the two controllers use when no IngressClass in the input names the controller. */
const CONTROLLER_BY_CLASS_NAME: Record<string, Controller> = {
  nginx: 'ingress-nginx',
  traefik: 'traefik',
};

export interface ResolvedClass {
  controller: Controller;
  /** The class name as written, or the input's default IngressClass when the Ingress names none. */
  className?: string;
}

/**
 * Finds the controller of an Ingress: by the IngressClass in the input when there is one,
 * otherwise by the conventional class names `nginx` and `traefik`.
 */
export function resolveIngressClass(inventory: Inventory, ingress: IngressInfo): ResolvedClass {
  const classes = inventory.ofKind('IngressClass', 'networking.k8s.io');
  const className = ingress.className ?? classes.find(isDefaultIngressClass)?.name;
  if (className === undefined) return { controller: 'unknown' };

  const ingressClass = classes.find((candidate) => candidate.name === className);
  if (ingressClass) {
    const controller = text(record(ingressClass.body.spec).controller) ?? '';
    return { controller: CONTROLLER_BY_CLASS_CONTROLLER[controller] ?? 'unknown', className };
  }
  return { controller: CONTROLLER_BY_CLASS_NAME[className] ?? 'unknown', className };
}

function isDefaultIngressClass(ingressClass: Resource): boolean {
  return ingressClass.annotations['ingressclass.kubernetes.io/is-default-class'] === 'true';
}

/** Reads command-line flags written as `--name=value` or `--name value`, with names in lower case. */
export function parseFlags(args: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (!arg.startsWith('--')) continue;
    const equals = arg.indexOf('=');
    if (equals >= 0) {
      flags.set(arg.slice(2, equals).toLowerCase(), arg.slice(equals + 1));
    } else if (index + 1 < args.length && !args[index + 1].startsWith('--')) {
      flags.set(arg.slice(2).toLowerCase(), args[index + 1]);
      index++;
    } else {
      flags.set(arg.slice(2).toLowerCase(), '');
    }
  }
  return flags;
}

/** Parses a boolean the way Go's strconv.ParseBool does, which both controllers use. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}
