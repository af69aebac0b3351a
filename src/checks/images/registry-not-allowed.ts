import { formatImageReference, matchesRegistryPattern, parseImageReference, parseRegistryPattern, type RegistryPattern } from '../../images/reference.js';
import { at, text } from '../../model/access.js';
import type { ValuesDocument } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { usedImages } from './used-images.js';

type MessageId = 'container' | 'values';

export default defineCheck({
  id: 'images/registry-not-allowed',
  severity: 'high',
  side: 'shared',
  description: 'Every container image comes from a registry in the allowed list (--allowed-registry), when one is given.',
  rationale:
    'An image from a registry outside the approved ones bypasses the scanning, signing and mirroring that those registries provide, and in an air-gapped cluster it cannot be pulled at all.',
  remediation: 'Point the chart at an allowed registry (for the platform, images.registry and images.registryNamespace) and mirror the image there, or add the registry to the allowed list if it is approved.',
  messages: {
    container: 'The {{container}} of {{workload}} pulls {{resolved}}, which is not under the allowed registries ({{allowed}}).',
    values: 'The values key {{key}} sends image pulls to {{location}}, which is not under the allowed registries ({{allowed}}).',
  },
  limitations: [
    'Does not run when no allowed registry is given.',
    'An image without a registry host is matched as docker.io (Docker Hub), with library/ added to one-component names, as container runtimes resolve it. A registry mirror configured on the nodes is not seen.',
    'In values documents only the platform keys images.registry with images.registryNamespace, and imageLoader.pauseImage, are read.',
  ],
  run(inventory, context) {
    const patterns = context.options.allowedRegistries.map(parseRegistryPattern).filter((pattern): pattern is RegistryPattern => pattern !== undefined);
    if (patterns.length === 0) return [];
    const allowed = context.options.allowedRegistries.map((entry) => entry.trim()).filter((entry) => entry !== '').join(', ');
    const isAllowed = (registry: string, repository: string) => patterns.some((pattern) => matchesRegistryPattern(pattern, registry, repository));

    const findings: FindingDraft<MessageId>[] = [];
    for (const used of usedImages(inventory)) {
      const { reference } = used;
      if (!reference || isAllowed(reference.registry, reference.repository)) continue;
      findings.push({
        messageId: 'container',
        data: { ...used.data, resolved: formatImageReference(reference), allowed },
        resource: used.workload.resource,
        path: used.path,
      });
    }
    for (const values of inventory.values) findings.push(...checkValues(values, isAllowed, allowed));
    return findings;
  },
});

function checkValues(values: ValuesDocument, isAllowed: (registry: string, repository: string) => boolean, allowed: string): FindingDraft<MessageId>[] {
  const findings: FindingDraft<MessageId>[] = [];

  // The platform chart builds every image name as images.registry / images.registryNamespace / name.
  const registry = text(at(values.data, 'images', 'registry'))?.trim();
  if (registry) {
    const namespace = (text(at(values.data, 'images', 'registryNamespace')) ?? '').trim().replace(/^\/+|\/+$/g, '');
    const target = parseRegistryPattern(namespace ? `${registry}/${namespace}` : registry);
    // The image name follows the namespace, so one more component takes its place.
    const repository = target?.pathPrefix ? `${target.pathPrefix}/image` : 'image';
    if (target && !isAllowed(target.host, repository)) {
      const location = target.pathPrefix ? `${target.host}/${target.pathPrefix}` : target.host;
      findings.push({ messageId: 'values', data: { key: 'images.registry', location, allowed }, values, path: ['images', 'registry'] });
    }
  }

  const pauseImage = text(at(values.data, 'imageLoader', 'pauseImage'))?.trim();
  const pause = pauseImage ? parseImageReference(pauseImage) : undefined;
  if (pause && !isAllowed(pause.registry, pause.repository)) {
    findings.push({ messageId: 'values', data: { key: 'imageLoader.pauseImage', location: formatImageReference(pause), allowed }, values, path: ['imageLoader', 'pauseImage'] });
  }
  return findings;
}
