// Rules that flows.ts uses to read addresses in env values, args and ConfigMap keys: which host
// names and ports count, which setting names read as addresses, and which hosts are the
// Kubernetes API server rather than a Service with pods.

/**
 * A host name with an optional port, on its own or inside a URL. The look-ahead keeps a URL
 * scheme (`nats://`), the user of `user@host` or `user:password@host` and a host followed by
 * a port out of range (`svc:123456`) from being taken for a host.
 */
export const HOST_PATTERN = /(?<![A-Za-z0-9.\-_])([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::(\d{1,5}))?(?![A-Za-z0-9.\-_@]|:\/\/|:[A-Za-z\d])/g;

/** Names of settings that hold an address of one of the platform's datastores: PGHOST, NATS_URL, S3_ENDPOINT, redisServer… */
export const DATASTORE_ADDRESS_SETTING = /(host|url|uri|endpoint|addr|server|dsn|broker)s?$/i;

/**
 * Last words of a setting name that reads as an address, for Services not in the input. The word
 * follows `_`, `.` or `-` (CATALOG_ADDR, nats.url, --auth-server) or starts a capitalised word
 * (redisHost), or is the whole name (--server).
 */
const ADDRESS_WORDS = ['addr', 'address', 'addresses', 'host', 'hosts', 'url', 'urls', 'uri', 'endpoint', 'endpoints', 'server', 'servers', 'service'];
const ADDRESS_SETTING = new RegExp(`(^|[_.-])(${ADDRESS_WORDS.join('|')})$`, 'i');
const CAMEL_ADDRESS_SETTING = new RegExp(`[a-z0-9](${ADDRESS_WORDS.map((word) => word[0].toUpperCase() + word.slice(1)).join('|')}|URL|URI)$`);

/** Tells whether a setting's name (an env name, ConfigMap key or command-line flag) reads as an address. */
export function isAddressSetting(name: string | undefined): boolean {
  return name !== undefined && (ADDRESS_SETTING.test(name) || CAMEL_ADDRESS_SETTING.test(name));
}

/** Returns the part of an address setting's name before its address word: `CATALOG` of CATALOG_HOST. */
export function addressSettingPrefix(name: string): string | undefined {
  return new RegExp(`^(.+)[_.-](${ADDRESS_WORDS.join('|')})$`, 'i').exec(name)?.[1];
}

/**
 * Hosts that never name a Service although they read as one: local names, YAML booleans, and
 * log levels, so that `LOG_LEVEL=info:2` or `LEVEL_SERVICE=debug:1` makes no flow.
 */
export const NOT_SERVICES = new Set(['localhost', 'true', 'false', 'yes', 'no', 'on', 'off', 'none', 'null', 'trace', 'debug', 'info', 'notice', 'warn', 'warning', 'error', 'err', 'crit', 'critical', 'fatal', 'panic', 'verbose', 'silent']);

/** One item of a list of addresses: a URL, or `host:port` with an optional user and path. */
const ADDRESS_ITEM = /^(?:[a-z][a-z0-9+.-]*:\/\/\S+|(?:[^\s@/]+@)?[A-Za-z0-9.-]+:\d{1,5}(?:\/\S*)?)$/;

/**
 * Tells whether a value is one address or a list of them (`a:4222,b:4222`, `a:9092 b:9092`),
 * rather than a sentence that mentions one (`connect to svc:1234 please`).
 */
export function isAddressList(value: string): boolean {
  const items = value.trim().split(/[\s,;]+/).filter((item) => item !== '');
  return items.length > 0 && items.every((item) => ADDRESS_ITEM.test(item));
}

/** Tells whether a port taken from text is a TCP or UDP port number: 1 to 65535. */
export function isPortNumber(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/**
 * Names by which pods reach the Kubernetes API server through the `kubernetes` Service of namespace
 * default. Its endpoints are the API server's addresses, not pods, so a NetworkPolicy reaches it
 * only through an ipBlock.
 */
const API_SERVER_HOSTS = new Set(['kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']);

/** Tells whether a host names the API server: `kubernetes` from namespace default, or `kubernetes.default[.svc[.cluster.local]]` from anywhere. */
export function isApiServerHost(host: string, clientNamespace: string): boolean {
  return API_SERVER_HOSTS.has(host) || (host === 'kubernetes' && clientNamespace === 'default');
}

/** A command-line argument as a setting: `--server=nats:4222` gives the name `server` and the value `nats:4222`. */
export interface ArgumentSetting {
  name?: string;
  value: string;
}

/**
 * Splits a container's args into settings. The name of `--flag=value` is `flag`, and an argument
 * after a lone `--flag` takes `flag` as its name. Other arguments have no name.
 */
export function argumentSettings(args: readonly string[]): ArgumentSetting[] {
  const settings: ArgumentSetting[] = [];
  let pendingFlag: string | undefined;
  for (const argument of args) {
    const withValue = /^--?([A-Za-z][\w.-]*)=([\s\S]*)$/.exec(argument);
    const lone = /^--?([A-Za-z][\w.-]*)$/.exec(argument);
    if (withValue) settings.push({ name: withValue[1], value: withValue[2] });
    else if (lone) settings.push({ value: argument });
    else settings.push(pendingFlag === undefined ? { value: argument } : { name: pendingFlag, value: argument });
    pendingFlag = lone?.[1];
  }
  return settings;
}
