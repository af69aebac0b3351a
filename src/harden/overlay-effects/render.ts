import { Document, isMap, isScalar } from 'yaml';
import type { Json } from '../../model/access.js';
import type { ValuesOverlay } from './index.js';

/** Renders a values overlay as YAML, each commented key preceded by its comment. */
export function renderOverlay(overlay: ValuesOverlay, header: string): string {
  const document = new Document(overlay.values);
  document.commentBefore = header
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
  for (const [dotted, comment] of Object.entries(overlay.comments)) {
    const path = splitPath(dotted);
    const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) continue;
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1]);
    if (pair && isScalar(pair.key)) pair.key.commentBefore = ` ${comment}`;
  }
  return document.toString({ lineWidth: 0 });
}

/** Renders plain manifests as one multi-document YAML file, with a comment above each. */
export function renderManifests(manifests: readonly { manifest: Json; comment: string }[]): string {
  return manifests
    .map(({ manifest, comment }) => {
      const document = new Document(manifest);
      document.commentBefore = comment
        .split('\n')
        .map((line) => ` ${line}`)
        .join('\n');
      return document.toString({ lineWidth: 0 });
    })
    .join('---\n');
}

/** Splits a dotted values path. A segment in brackets may contain dots, as in `podTemplate.merge.metadata.annotations.[config.linkerd.io/opaque-ports]`. */
export function splitPath(dotted: string): string[] {
  const segments: string[] = [];
  for (const match of dotted.matchAll(/\[([^\]]+)\]|([^.[\]]+)/g)) segments.push(match[1] ?? match[2]);
  return segments;
}
