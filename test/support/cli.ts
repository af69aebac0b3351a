import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from './audit.js';

export interface CliRun {
  stdout: string;
  stderr: string;
  /** Exit code of the process; null only if a signal ended it. */
  code: number | null;
}

export interface CliOptions {
  /** Working directory; a folder with no .rampart.yaml keeps the default config out of the test. */
  cwd?: string;
  /** Extra environment variables, on top of the test process's own. */
  env?: Record<string, string | undefined>;
  /** Text for standard input. */
  input?: string;
  /** Milliseconds before the run is killed and the test fails. */
  timeout?: number;
}

const BUILD_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 30_000;
/** Builds for older sources are removed once they are this old, so .cache does not grow without bound. */
const STALE_BUILD_MS = 24 * 3600 * 1000;

let binary: string | undefined;

/**
 * Compiles src with tsconfig.build.json into a private copy of the package layout (bin/, dist/,
 * package.json) under .cache, named by a hash of the sources. A private copy keeps a concurrent
 * `npm run build` from replacing dist/ while a CLI run reads it. Test workers and later runs
 * with the same sources reuse the copy.
 */
export function buildCli(): string {
  if (binary) return binary;
  const cacheRoot = path.join(ROOT, '.cache');
  mkdirSync(cacheRoot, { recursive: true });
  const packageRoot = path.join(cacheRoot, `cli-${sourceHash()}`);
  if (!existsSync(path.join(packageRoot, 'bin', 'rampart.js'))) buildInto(cacheRoot, packageRoot);
  removeStaleBuilds(cacheRoot, packageRoot);
  binary = path.join(packageRoot, 'bin', 'rampart.js');
  return binary;
}

/** Builds in a staging folder and renames it into place, so that no worker reads a partial build. */
function buildInto(cacheRoot: string, packageRoot: string): void {
  const staging = mkdtempSync(path.join(cacheRoot, 'cli-staging-'));
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(staging, 'dist')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: BUILD_TIMEOUT_MS,
    });
    if (build.error) throw new Error(`tsc failed to start or timed out: ${build.error.message}`);
    if (build.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed with exit code ${build.status}:\n${build.stdout}${build.stderr}`);

    mkdirSync(path.join(staging, 'bin'));
    copyFileSync(path.join(ROOT, 'package.json'), path.join(staging, 'package.json'));
    copyFileSync(path.join(ROOT, 'bin', 'rampart.js'), path.join(staging, 'bin', 'rampart.js'));
    try {
      renameSync(staging, packageRoot);
    } catch (error) {
      // Another worker renamed its identical build into place first.
      if (!existsSync(path.join(packageRoot, 'bin', 'rampart.js'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Hashes every input of the build: the sources, the compiler settings, package.json and the bin script. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json', path.join('bin', 'rampart.js'), ...sourceFiles(path.join(ROOT, 'src'))];
  for (const file of files) {
    hash.update(file).update('\0').update(readFileSync(path.resolve(ROOT, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.isFile()) files.push(path.relative(ROOT, full));
  }
  return files;
}

function removeStaleBuilds(cacheRoot: string, keep: string): void {
  for (const entry of readdirSync(cacheRoot)) {
    const full = path.join(cacheRoot, entry);
    if (!entry.startsWith('cli-') || full === keep) continue;
    // Another worker may remove the same entry between readdirSync and statSync.
    const modified = statSync(full, { throwIfNoEntry: false })?.mtimeMs;
    if (modified !== undefined && Date.now() - modified > STALE_BUILD_MS) rmSync(full, { recursive: true, force: true });
  }
}

/** Runs `node bin/rampart.js ARGS` from the built copy and returns its output and exit code. */
export function runCli(args: string[], options: CliOptions = {}): CliRun {
  const timeout = options.timeout ?? RUN_TIMEOUT_MS;
  const run = spawnSync(process.execPath, [buildCli(), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout,
  });
  if (run.error) throw new Error(`rampart ${args.join(' ')} did not finish within ${timeout} ms: ${run.error.message}`);
  return { stdout: run.stdout, stderr: run.stderr, code: run.status };
}
