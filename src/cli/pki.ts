import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { loadCertificateAuthority } from '../pki/authority.js';
import { createCaFiles, DEFAULT_CA_DAYS, DEFAULT_CA_PATH_LENGTH } from '../pki/ca.js';
import { bracketedForm, fetchPeerCertificates, parseEndpoint } from '../pki/endpoint.js';
import { PkiInputError } from '../pki/errors.js';
import { writeOutputFiles, type OutputFile } from '../pki/files.js';
import {
  createIngressFiles,
  DEFAULT_INGRESS_DAYS,
  DEFAULT_INGRESS_NAMESPACE,
  DEFAULT_INGRESS_SECRET,
  ingressNames,
  parseSubdomain,
  PLATFORM_SUBDOMAINS,
  validateDomain,
  validateNamespace,
  validateObjectName,
  validateSan,
} from '../pki/ingress.js';
import { KEY_TYPES, parseKeyType } from '../pki/keys.js';
import { createLinkerdFiles, DEFAULT_ANCHOR_DAYS, DEFAULT_ISSUER_DAYS, LINKERD_VALUES_FILE } from '../pki/linkerd.js';
import { formatInspectionJson, formatInspectionText, inspectDerChain, inspectPemText, type Inspection } from '../pki/report.js';
import { EXIT, note, UsageError } from './io.js';

interface OutFlags {
  out: string;
  force?: boolean;
}

interface LinkerdFlags extends OutFlags {
  validityDays: string;
  anchorDays: string;
  certManager?: boolean;
}

interface IngressFlags extends OutFlags {
  domain: string;
  caCert?: string;
  caKey?: string;
  namespace: string;
  secretName: string;
  days: string;
  key: string;
  san: string[];
  subdomain: string[];
}

interface CaFlags extends OutFlags {
  name: string;
  days: string;
  pathLength: string;
  key: string;
}

interface InspectFlags {
  format: string;
  timeout: string;
}

const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 600;
/** Validity periods are capped at 100 years, far beyond any sensible certificate and inside what X.509 dates can hold. */
const MAX_DAYS = 36500;

/** `rampart pki`: create certificates (Linkerd identity, ingress, CA) and inspect certificates in files or served by endpoints. */
export function registerPki(program: Command, setExitCode: (code: number) => void): void {
  const pki = program.command('pki').description('create and inspect certificates');

  pki
    .command('linkerd')
    .description('write a Linkerd trust anchor and identity issuer (ECDSA P-256) and a values file for the linkerd-control-plane chart')
    .requiredOption('--out <folder>', 'folder for the files (created if missing)')
    .option('--validity-days <days>', 'validity of the identity issuer, in days', String(DEFAULT_ISSUER_DAYS))
    .option('--anchor-days <days>', 'validity of the trust anchor, in days', String(DEFAULT_ANCHOR_DAYS))
    .option('--cert-manager', 'write cert-manager resources that issue and rotate the identity issuer, instead of a static issuer')
    .option('--force', 'overwrite files of an earlier run in --out')
    .action((flags: LinkerdFlags) =>
      runPki(async () => {
        const files = await createLinkerdFiles({
          now: new Date(),
          issuerDays: parseDays(flags.validityDays, '--validity-days'),
          anchorDays: parseDays(flags.anchorDays, '--anchor-days'),
          certManager: Boolean(flags.certManager),
        });
        writeAndList(flags, files);
        note(`install with: helm install linkerd-control-plane -n linkerd -f ${flags.out}/${LINKERD_VALUES_FILE} linkerd/linkerd-control-plane`);
      }),
    );

  pki
    .command('ingress')
    .description(`write an ingress certificate for a domain and its ${Object.values(PLATFORM_SUBDOMAINS).join(', ')} subdomains, as files and as a kubernetes.io/tls Secret`)
    .requiredOption('--domain <name>', 'the platform domain, e.g. platform.example.com')
    .option('--subdomain <component=label>', `a subdomain renamed in the platform chart's <component>.subdomain value, e.g. ui2=app (components: ${Object.keys(PLATFORM_SUBDOMAINS).join(', ')}); repeatable`, collect, [])
    .option('--san <name>', 'another DNS name or IP address for the certificate; repeatable', collect, [])
    .requiredOption('--out <folder>', 'folder for the files (created if missing)')
    .option('--ca-cert <file>', 'PEM certificate of the CA that signs the certificate (with --ca-key); without it the certificate is self-signed')
    .option('--ca-key <file>', 'PEM private key of that CA, unencrypted')
    .option('--namespace <name>', 'namespace of the Secret', DEFAULT_INGRESS_NAMESPACE)
    .option('--secret-name <name>', 'name of the Secret, set as overrideIngressCerts.secretName', DEFAULT_INGRESS_SECRET)
    .option('--days <days>', 'validity of the certificate, in days', String(DEFAULT_INGRESS_DAYS))
    .option('--key <type>', `key type: ${KEY_TYPES.join(', ')}`, 'ecdsa-p256')
    .option('--force', 'overwrite files of an earlier run in --out')
    .action((flags: IngressFlags) =>
      runPki(async () => {
        const domain = validateDomain(flags.domain);
        const names = ingressNames(domain, Object.fromEntries(flags.subdomain.map(parseSubdomain)), flags.san.map(validateSan));
        const namespace = validateNamespace(flags.namespace, '--namespace');
        const secretName = validateObjectName(flags.secretName, '--secret-name');
        const days = parseDays(flags.days, '--days');
        const keyType = parseKeyType(flags.key);
        if (Boolean(flags.caCert) !== Boolean(flags.caKey)) throw new PkiInputError('--ca-cert and --ca-key must be given together: give both, or neither for a self-signed certificate');
        const now = new Date();
        const ca = flags.caCert && flags.caKey ? await loadCertificateAuthority(readInput(flags.caCert, '--ca-cert'), flags.caCert, readInput(flags.caKey, '--ca-key'), flags.caKey, now) : undefined;

        const files = await createIngressFiles({ domain, names, namespace, secretName, days, keyType, now, ...(ca ? { ca } : {}) });
        writeAndList(flags, files);
      }),
    );

  pki
    .command('ca')
    .description('write a self-signed root CA certificate and key')
    .requiredOption('--out <folder>', 'folder for ca.crt and ca.key (created if missing)')
    .requiredOption('--name <common-name>', 'common name (CN) of the CA')
    .option('--days <days>', 'validity, in days', String(DEFAULT_CA_DAYS))
    .option('--path-length <n>', 'how many CAs may sit below this one (0: it signs leaf certificates only)', String(DEFAULT_CA_PATH_LENGTH))
    .option('--key <type>', `key type: ${KEY_TYPES.join(', ')}`, 'ecdsa-p256')
    .option('--force', 'overwrite files of an earlier run in --out')
    .action((flags: CaFlags) =>
      runPki(async () => {
        const files = await createCaFiles({
          commonName: flags.name,
          days: parseDays(flags.days, '--days'),
          pathLength: parseCount(flags.pathLength, '--path-length'),
          keyType: parseKeyType(flags.key),
          now: new Date(),
        });
        writeAndList(flags, files);
      }),
    );

  pki
    .command('inspect')
    .description('show the certificates in a PEM file or served by a TLS endpoint, with warnings; exit 1 when there is any warning')
    .argument('<target>', 'PEM file, or HOST:PORT of a TLS endpoint')
    .option('--format <format>', 'output format: text or json', 'text')
    .option('--timeout <seconds>', 'seconds to wait for the TLS handshake', String(DEFAULT_TIMEOUT_SECONDS))
    .action((target: string, flags: InspectFlags) =>
      runPki(async () => {
        if (flags.format !== 'text' && flags.format !== 'json') throw new PkiInputError(`invalid --format "${flags.format}": use text or json`);
        const timeoutSeconds = Number(flags.timeout);
        if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
          throw new PkiInputError(`invalid --timeout "${flags.timeout}": give a number of seconds greater than 0 and at most ${MAX_TIMEOUT_SECONDS}`);
        }

        const inspection = await inspectTarget(target, timeoutSeconds * 1000);
        process.stdout.write(flags.format === 'json' ? formatInspectionJson(inspection) : formatInspectionText(inspection));
        setExitCode(inspection.warnings.length > 0 ? EXIT.findings : EXIT.ok);
      }),
    );

  for (const command of pki.commands) command.option('--debug', 'show stack traces of internal errors');
}

async function inspectTarget(target: string, timeoutMs: number): Promise<Inspection> {
  const now = new Date();
  if (existsSync(target)) return inspectPemText(readInput(target, 'the file'), target, now);
  const endpoint = parseEndpoint(target);
  if (!endpoint) {
    const bracketed = bracketedForm(target);
    if (bracketed) throw new PkiInputError(`${target} is neither a file nor HOST:PORT; an IPv6 address takes its port after brackets, as ${bracketed}`);
    throw new PkiInputError(`${target} is neither a file nor HOST:PORT; give a PEM file path or an endpoint such as example.com:443`);
  }
  const chain = await fetchPeerCertificates(endpoint, timeoutMs);
  return inspectDerChain(chain, target, now);
}

/** Runs a pki action, turning its input errors into usage errors (one line on stderr, exit 2). */
async function runPki(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof PkiInputError) throw new UsageError(error.message);
    throw error;
  }
}

function writeAndList(flags: OutFlags, files: OutputFile[]): void {
  const written = writeOutputFiles(flags.out, files, Boolean(flags.force));
  const lines = written.map((file, index) => (files[index].secret ? `${file}  (private key, mode 0600)` : file));
  process.stdout.write(lines.join('\n') + '\n');
  note(`wrote ${files.length} files to ${flags.out}`);
}

function readInput(file: string, what: string): string {
  try {
    if (statSync(file).isDirectory()) throw new PkiInputError(`${what} ${file} is a folder: give a file path`);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof PkiInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    let reason = (error as Error).message;
    if (code === 'ENOENT') reason = 'not found';
    if (code === 'EACCES') reason = 'permission denied';
    throw new PkiInputError(`cannot read ${what} ${file}: ${reason}`);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseDays(value: string, flag: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < 1 || days > MAX_DAYS) throw new PkiInputError(`invalid ${flag} "${value}": give a whole number of days from 1 to ${MAX_DAYS}`);
  return days;
}

function parseCount(value: string, flag: string): number {
  if (!/^\d{1,2}$/.test(value)) throw new PkiInputError(`invalid ${flag} "${value}": give a whole number from 0 to 99`);
  return Number(value);
}
