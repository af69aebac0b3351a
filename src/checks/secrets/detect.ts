import { createHash } from 'node:crypto';

// Recognises credentials by key name and by value shape, for the secrets checks. Not a check itself.
// A match carries the value only so that callers can hash it; messages never print it.

/** Kind of evidence that marks a value as a credential. */
export type CredentialKind = 'named' | 'private-key' | 'url-password' | 'connection-password' | 'password-hash' | 'token' | 'high-entropy' | 'chart-script';

export interface CredentialMatch {
  kind: CredentialKind;
  /** Readable description for messages, such as "a bcrypt password hash"; never contains the value. */
  description: string;
  /** The credential as written, for `shortHash` only. */
  secret: string;
  /** True for a value published in examples or defaults (`changeme`, `your-client-secret-here`). */
  example: boolean;
  /** A values key that replaces the inline value with a reference, when the source is known. */
  switchKey?: string;
}

export interface TextMatch {
  /** 1-based line inside the text. */
  line: number;
  /** The key on that line (`password` in `password: x`), when there is one. */
  key?: string;
  match: CredentialMatch;
}

export interface ClassifyOptions {
  /** Also report long random-looking strings under any key. Off for lines of scripts and config files. */
  entropy: boolean;
}

/**
 * Returns the first 8 hex digits of the SHA-256 of a value, enough to tell two findings apart.
 * NOTE: anyone can hash a guessed weak password and compare, so this hides only strong values.
 */
export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

// ---------------------------------------------------------------------------------------------
// Key names

/** Head words that name a credential: `password` in `adminPassword`, `DB_PASSWORD`, `spring.datasource.password`. */
const CREDENTIAL_HEADS = new Set([
  'password', 'passwords', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode',
  'secret', 'token', 'tokens', 'credential', 'credentials', 'creds',
  'apikey', 'apikeys', 'accesskey', 'secretkey', 'privatekey', 'clientsecret', 'authtoken', 'accesstoken', 'apitoken', 'bearertoken', 'refreshtoken',
  // redis.conf directives that take the password itself.
  'requirepass', 'masterauth',
]);

/** Words before `key` that make it a credential (`apiKey`, `AWS_SECRET_ACCESS_KEY`) rather than a key name (`passwordKey`). */
const KEY_QUALIFIERS = new Set([
  'api', 'private', 'access', 'secret', 'encryption', 'encrypt', 'signing', 'sign', 'master', 'auth', 'authentication',
  'shared', 'session', 'hmac', 'jwt', 'client', 'account', 'ssh', 'cookie', 'license', 'licence', 'root', 'admin', 'storage',
]);

/** Words before `secret` that make the key name a Secret object (`existingSecret`, `tlsSecret`) instead of holding one. */
const SECRET_OBJECT_QUALIFIERS = new Set([
  'existing', 'tls', 'ssl', 'cert', 'certs', 'certificate', 'certificates', 'ca', 'pull', 'image', 'imagepull', 'registry', 'docker',
  'kube', 'k8s', 'kubernetes', 'config', 'env', 'mount', 'volume', 'external', 'sealed', 'license', 'licence', 'credentials', 'creds',
  'password', 'token', 'auth',
]);

/**
 * Words before `secret` that name what the secret is for (`clientSecret`, `jwtSecret`), so the key
 * contains the secret even when its value looks like an object name.
 */
const SECRET_VALUE_QUALIFIERS = new Set([
  'client', 'shared', 'jwt', 'cookie', 'session', 'webhook', 'app', 'application', 'api', 'hmac', 'signing', 'encryption', 'master',
  'admin', 'root', 'user', 'account', 'consumer', 'oauth', 'oidc', 'bootstrap', 'join',
]);
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Words anywhere in a key that make it a reference to a credential kept elsewhere (`existingSecretPasswordKey`, `passwordSecretRef`). */
const REFERENCE_WORDS = new Set(['existing', 'ref', 'from']);

/** Words before a credential head that make the key a switch or a setting: `ALLOW_EMPTY_PASSWORD`, `enablePassword`. */
const SETTING_WORDS = new Set([
  'allow', 'enable', 'enabled', 'disable', 'disabled', 'skip', 'use', 'empty', 'generate', 'generated', 'random', 'auto',
  'reset', 'rotate', 'rotation', 'change', 'min', 'max', 'show', 'hide', 'no', 'without', 'validate', 'verify', 'check', 'expose', 'require', 'required',
]);

/** Words that mark a value as public or as an identifier, so a random-looking value under them is not a credential. */
const PUBLIC_VALUE_WORDS = new Set([
  'checksum', 'digest', 'sha', 'sha1', 'sha256', 'sha512', 'md5', 'hash', 'fingerprint', 'thumbprint', 'uid', 'uuid', 'guid', 'id', 'kid',
  'version', 'commit', 'revision', 'image', 'tag', 'ca', 'cabundle', 'bundle', 'cert', 'certs', 'certificate', 'crt', 'pub', 'public',
  'publickey', 'nonce', 'etag', 'integrity', 'issuer', 'subject', 'jwks', 'repository', 'registry', 'host', 'hostname', 'url', 'uri',
]);

/** Splits a key into lower-case words: `MINIO_ROOT_PASSWORD`, `rootPassword` and `root-password` all give [root, password]. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** True when a key name says its value is a credential, and not a reference to one, a switch or a setting. */
export function isCredentialName(key: string): boolean {
  const words = keyWords(key);
  if (words.length === 0) return false;
  if (words.some((word) => REFERENCE_WORDS.has(word))) return false;
  const head = words[words.length - 1];
  const qualifiers = words.slice(0, -1);
  if (qualifiers.some((word) => SETTING_WORDS.has(word))) return false;

  if (head === 'secret') return !qualifiers.some((word) => SECRET_OBJECT_QUALIFIERS.has(word));
  if (CREDENTIAL_HEADS.has(head)) return true;
  if (head === 'key') return qualifiers.length > 0 && KEY_QUALIFIERS.has(qualifiers[qualifiers.length - 1]);
  // One lower-case word such as `rootpassword` or `clientsecret`.
  return words.length === 1 && /^[a-z0-9]+(password|passwd|secret|token|apikey)$/.test(head);
}

/**
 * True for `INGRESS_SECRET: platform-ingress-tls`: a key ending in `secret`, qualified by what the
 * Secret object is for rather than what the secret value is for, with a value shaped like a
 * Kubernetes object name. A bare `secret` key always counts as the value itself.
 */
function namesSecretObject(key: string, value: string): boolean {
  const words = keyWords(key);
  if (words.length < 2 || words[words.length - 1] !== 'secret') return false;
  if (SECRET_VALUE_QUALIFIERS.has(words[words.length - 2])) return false;
  return value.length <= 253 && OBJECT_NAME.test(value);
}

function isPublicValueName(key: string): boolean {
  return keyWords(key).some((word) => PUBLIC_VALUE_WORDS.has(word));
}

// ---------------------------------------------------------------------------------------------
// Values that are not credentials

const BOOLEAN_OR_NULL = /^(true|false|yes|no|on|off|y|n|null|nil|none|~|undefined)$/i;
const REFERENCE_PATTERNS: RegExp[] = [
  /^\$\{[^}]*\}$/, // ${VAR}: envsubst, Terraform, Spring
  /^\$\(.*\)$/, // $(VAR): Kubernetes env expansion, or a shell command substitution
  /^\$[A-Za-z_][A-Za-z0-9_]*$/, // $VAR
  /\{\{.*\}\}/, // Helm, Jinja or Go template
  /^<[^<>]*>$/, // <path:vault#key> of argocd-vault-plugin, or a <placeholder>
  /^ref\+[a-z0-9]+:\/\//i, // helmfile vals
  /^(vault|awssm|gcpsm|azkv|sops|env|file|secretref):/i,
  /^ENC\[[^\]]*\]$/, // a value that sops has encrypted
  /^\/[\w.@/-]*$/, // an absolute file path, for keys that take a password file
];
const MASKS = /^(\*+|x+|X+|•+|#+|\.+|\?+|-+|_+|redacted|masked|hidden|removed|omitted|n\/a)$/i;

/** True for an empty, boolean, masked or placeholder value, or a reference resolved somewhere else. */
export function isReferenceOrUnset(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '' || BOOLEAN_OR_NULL.test(trimmed) || MASKS.test(trimmed)) return true;
  return REFERENCE_PATTERNS.some((pattern) => pattern.test(trimmed));
}

const EXAMPLE_VALUES = new Set([
  'changeme', 'changeit', 'password', 'passw0rd', 'secret', 'admin', 'administrator', 'root', 'test', 'testing', 'example', 'default',
  'demo', 'sample', 'dummy', 'placeholder', 'replaceme', 'todo', 'fixme', 'letmein', 'qwerty', '123456', '12345678', 'foobar', 'foo',
  'bar', 'pass', 'mypassword', 'mysecret', 'yourpassword', 'yoursecret', 'supersecret', 's3cr3t', 'minio123', 'minioadmin', 'console123',
]);

/** True for values that examples and chart defaults publish, so anyone who read them can sign in. */
export function isExampleValue(value: string): boolean {
  const normalised = value.trim().toLowerCase();
  if (EXAMPLE_VALUES.has(normalised.replace(/[^a-z0-9]/g, ''))) return true;
  return /^(your|my)([-_ ]|[A-Z])/.test(value.trim()) || /^(your|my)[-_ ]/.test(normalised) || /[-_ ]here$/.test(normalised) || /(change|replace)[-_ ]?me/.test(normalised) || normalised.includes('example');
}

// ---------------------------------------------------------------------------------------------
// Value shapes

const PEM_PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----/;
const PEM_ANY = /-----BEGIN [A-Z0-9 ]+-----/;
// scheme://user:password@host, with an empty user allowed (redis://:password@host).
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@'"]*:([^\s/?#@'"]+)@[^\s/?#'"]+/gi;
// `Password=...;` in ADO.NET and JDBC strings, `password=...` in libpq key/value strings.
const CONNECTION_PASSWORD = /(?:^|[\s;?&])(?:password|pwd)\s*=\s*("[^"]*"|'[^']*'|[^\s;&]+)/gi;

const PASSWORD_HASHES: { pattern: RegExp; description: string }[] = [
  { pattern: /\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/, description: 'a bcrypt password hash' },
  { pattern: /\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+/, description: 'an Argon2 password hash' },
  { pattern: /\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}/, description: 'a SHA-crypt password hash' },
  { pattern: /\$(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}/, description: 'an MD5-crypt password hash' },
  { pattern: /\{SHA\}[A-Za-z0-9+/]{27}=/, description: 'an htpasswd SHA-1 password hash' },
];

// Formats that providers publish for their tokens, so that scanners can find them.
const TOKEN_FORMATS: { pattern: RegExp; description: string }[] = [
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, description: 'an AWS access key ID' },
  { pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/, description: 'a GitHub token' },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/, description: 'a GitLab access token' },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, description: 'a Slack token' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, description: 'a Google API key' },
  { pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}\b/, description: 'a Stripe live key' },
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/, description: 'an npm access token' },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/, description: 'a JSON Web Token' },
];

/**
 * Finds a credential by its shape anywhere in a string, under whatever key: a PEM private
 * key, a URL or connection string with a password, a password hash, or a provider's token format.
 */
export function findByShape(value: string): CredentialMatch | undefined {
  const pem = PEM_PRIVATE_KEY.exec(value);
  if (pem) return match('private-key', `a PEM ${pem[1] ? `${pem[1].trim()} ` : ''}private key`, value);

  for (const found of value.matchAll(URL_WITH_PASSWORD)) {
    if (!isReferenceOrUnset(decodeURIComponentSafe(found[1])) && !found[1].startsWith('$')) return match('url-password', 'a URL with a password', found[1]);
  }
  for (const found of value.matchAll(CONNECTION_PASSWORD)) {
    const password = unquote(found[1]);
    if (!isReferenceOrUnset(password) && !password.startsWith('$')) return match('connection-password', 'a connection string with a password', password);
  }
  for (const { pattern, description } of PASSWORD_HASHES) {
    const found = pattern.exec(value);
    if (found) return match('password-hash', description, found[0]);
  }
  for (const { pattern, description } of TOKEN_FORMATS) {
    const found = pattern.exec(value);
    if (found) return match('token', description, found[0]);
  }
  return undefined;
}

const RANDOM_CHARACTERS = /^[A-Za-z0-9+/_-]{32,}={0,2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Two tests tell random strings from long identifiers. Entropy is in bits per character of the
// string's own character distribution. Class changes are the share of neighbouring characters
// that differ in class (lower case, upper case, digit, other): random strings change class at
// about 0.64, camelCase identifiers at 0.26 to 0.37. In a simulation with 5,000 random strings
// of 32 and 40 base64 or alphanumeric characters each, the two limits together missed 1 to 2 %.
const MIN_ENTROPY_BITS = 4.0;
const MIN_CLASS_CHANGES = 0.45;

/**
 * Finds a long, random-looking single token: at least 32 characters of the base64 or base64url
 * alphabet, mixing upper case, lower case and digits. Hex strings (checksums, digests) and
 * UUIDs are left out because they are far more often identifiers than credentials.
 */
export function findHighEntropy(value: string): CredentialMatch | undefined {
  const trimmed = value.trim();
  if (!RANDOM_CHARACTERS.test(trimmed) || UUID.test(trimmed) || /^[0-9a-f]+$/i.test(trimmed)) return undefined;

  // A base64-encoded PEM block is judged by what it encodes: a certificate is public.
  if (BASE64.test(trimmed) && trimmed.length >= 60) {
    const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
    if (PEM_PRIVATE_KEY.test(decoded)) return match('private-key', 'a base64-encoded PEM private key', trimmed);
    if (PEM_ANY.test(decoded)) return undefined;
  }

  if (!/[a-z]/.test(trimmed) || !/[A-Z]/.test(trimmed) || !/[0-9]/.test(trimmed)) return undefined;
  if (shannonEntropy(trimmed) < MIN_ENTROPY_BITS || classChanges(trimmed) < MIN_CLASS_CHANGES) return undefined;
  return match('high-entropy', 'a long random-looking string', trimmed);
}

function classChanges(value: string): number {
  const classOf = (character: string) => (/[a-z]/.test(character) ? 0 : /[A-Z]/.test(character) ? 1 : /[0-9]/.test(character) ? 2 : 3);
  let changes = 0;
  for (let index = 1; index < value.length; index++) {
    if (classOf(value[index]) !== classOf(value[index - 1])) changes++;
  }
  return changes / (value.length - 1);
}

function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const probability = count / value.length;
    bits -= probability * Math.log2(probability);
  }
  return bits;
}

// ---------------------------------------------------------------------------------------------
// Key and value together

/**
 * Decides whether a key/value pair contains a credential: by the value's shape first, then by the
 * key's name, then (when asked) by the value's randomness. Booleans, empty strings, placeholders
 * and references are never credentials. Numbers count only under a credential name.
 */
export function classifyEntry(key: string | undefined, value: unknown, options: ClassifyOptions): CredentialMatch | undefined {
  let textValue: string;
  if (typeof value === 'string') textValue = value;
  else if (typeof value === 'number' && Number.isFinite(value) && key !== undefined && isCredentialName(key)) textValue = String(value);
  else return undefined;
  if (isReferenceOrUnset(textValue)) return undefined;

  const byShape = findByShape(textValue);
  if (byShape) return byShape;

  if (key !== undefined && isCredentialName(key) && !namesSecretObject(key, textValue)) {
    const example = isExampleValue(textValue);
    return { kind: 'named', description: example ? 'a well-known example or default value' : 'a credential', secret: textValue, example };
  }

  if (options.entropy && !(key !== undefined && isPublicValueName(key))) return findHighEntropy(textValue);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Text: config files, scripts and property files inside a ConfigMap or a values string

// `key: value`, `KEY=value`, `export KEY=value`, `"key": "value",`, `key = "value"`.
const ASSIGNMENT = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*(?::=|:|=)\s*(.*?)\s*,?\s*$/;
// `requirepass value` (redis.conf) and other `directive value` lines.
const DIRECTIVE = /^\s*([A-Za-z][\w-]*)\s+("[^"]*"|'[^']*'|\S+)\s*;?\s*$/;
// `--password=value` or `--password value` on a command line.
const FLAG = /(?:^|\s)--([A-Za-z][\w-]*)(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)/g;
// The MinIO chart (minio/minio helm/minio) writes each user's and service account's secret key
// into its ConfigMap as the second line of this file, unless the entry names an existingSecret.
const MINIO_SECRET_KEY_LINE = /^\s*echo\s+(.+?)\s*>>\s*"?\$\{?MINIO_ACCESSKEY_SECRETKEY_TMP\}?"?\s*$/;
const COMMENT = /^\s*(#|\/\/|;|--\s)/;

/** Finds credentials line by line in a text file held as a string; at most one per line. */
export function scanText(content: string): TextMatch[] {
  const found: TextMatch[] = [];
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === '') continue;

    if (PEM_PRIVATE_KEY.test(line)) {
      // Hash the whole block, and skip its base64 lines.
      const end = lines.findIndex((candidate, at) => at > index && /-----END [A-Z0-9 ]*PRIVATE KEY/.test(candidate));
      const last = end < 0 ? index : end;
      const block = lines.slice(index, last + 1).join('\n');
      found.push({ line: index + 1, match: findByShape(block) ?? match('private-key', 'a PEM private key', block) });
      index = last;
      continue;
    }
    if (COMMENT.test(line)) continue;

    const result = scanLine(line);
    if (result) found.push({ line: index + 1, ...result });
  }
  return found;
}

function scanLine(line: string): { key?: string; match: CredentialMatch } | undefined {
  const minio = MINIO_SECRET_KEY_LINE.exec(line);
  if (minio) {
    const secret = unquote(minio[1]);
    if (!isShellReference(secret)) {
      return {
        match: { kind: 'chart-script', description: 'the secret key of a MinIO user or service account', secret, example: isExampleValue(secret), switchKey: 'users[].existingSecret and users[].existingSecretKey (svcaccts[] likewise)' },
      };
    }
  }

  const assignment = ASSIGNMENT.exec(line);
  if (assignment) {
    const value = stripTrailingComment(assignment[2]);
    if (!/^[|>][-+]?$/.test(value) && !isShellReference(value)) {
      const result = classifyEntry(assignment[1], unquote(value), { entropy: false });
      if (result) return { key: assignment[1], match: result };
    }
  }

  for (const flag of line.matchAll(FLAG)) {
    const value = unquote(flag[2]);
    if (isShellReference(value)) continue;
    const result = classifyEntry(flag[1], value, { entropy: false });
    if (result) return { key: `--${flag[1]}`, match: result };
  }

  const directive = DIRECTIVE.exec(line);
  if (directive && isCredentialName(directive[1])) {
    const value = unquote(directive[2]);
    if (!isShellReference(value)) {
      const result = classifyEntry(directive[1], value, { entropy: false });
      if (result) return { key: directive[1], match: result };
    }
  }

  const byShape = findByShape(line);
  return byShape ? { match: byShape } : undefined;
}

/** In scripts, anything that starts with `$` is expanded by the shell, not a literal. */
function isShellReference(value: string): boolean {
  const trimmed = unquote(value.trim());
  return trimmed.startsWith('$') || isReferenceOrUnset(trimmed);
}

function stripTrailingComment(value: string): string {
  if (value.startsWith('"') || value.startsWith("'")) return value;
  const hash = value.search(/\s#/);
  return hash < 0 ? value : value.slice(0, hash).trimEnd();
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && (trimmed[0] === '"' || trimmed[0] === "'") && trimmed[trimmed.length - 1] === trimmed[0]) return trimmed.slice(1, -1);
  return trimmed;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function match(kind: CredentialKind, description: string, secret: string): CredentialMatch {
  return { kind, description, secret, example: isExampleValue(secret) };
}

// ---------------------------------------------------------------------------------------------
// Files

/** File names that by themselves mark key material or a credential store (`id_rsa`, `.pgpass`, `keystore.p12`). */
const CREDENTIAL_FILE = /^(?:\.?htpasswd|\.pgpass|\.netrc|\.git-credentials|credentials|\.dockerconfigjson|\.dockercfg|id_(?:rsa|dsa|ecdsa|ed25519)|.*\.(?:p12|pfx|jks|keystore|jceks|kdbx|key))$/i;

export function isCredentialFileName(name: string): boolean {
  return CREDENTIAL_FILE.test(name);
}
