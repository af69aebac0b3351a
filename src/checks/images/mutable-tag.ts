import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { usedImages } from './used-images.js';

type MessageId = 'noTag' | 'latest' | 'invalid';

export default defineCheck({
  id: 'images/mutable-tag',
  severity: 'medium',
  side: 'shared',
  description: 'Every container image names a version tag other than latest, or a digest.',
  rationale:
    'An image without a tag means latest, and latest moves with every push. Nodes that pull at different times then run different code, a rollback does not restore the old image, and a compromised push reaches the cluster at the next restart.',
  remediation: 'Set a fixed version tag in the chart values (for example image.tag), or pin the image by digest.',
  messages: {
    noTag: 'The {{container}} of {{workload}} uses image {{image}} without a tag, so it runs whatever latest points to when the node pulls it.',
    latest: 'The {{container}} of {{workload}} uses image {{image}} with the tag latest, which moves with every push.',
    invalid: 'The {{container}} of {{workload}} has image {{image}}, which is not a valid image reference, so its tag cannot be checked.',
  },
  limitations: [
    'Other tags can be moved too (stable, 3, main), and images/not-pinned-by-digest covers those.',
    'Images that a workload starts at run time (an operator\'s worker pods, images named in ConfigMaps) are not in the pod templates and are not checked.',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const used of usedImages(inventory)) {
      const { reference } = used;
      if (!reference) {
        findings.push({ messageId: 'invalid', data: used.data, resource: used.workload.resource, path: used.path });
        continue;
      }
      // A digest fixes the content whatever the tag is, because the runtime pulls by digest.
      if (reference.digest !== undefined) continue;
      if (reference.tag === undefined) {
        findings.push({ messageId: 'noTag', data: used.data, resource: used.workload.resource, path: used.path });
      } else if (reference.tag === 'latest') {
        findings.push({ messageId: 'latest', data: used.data, resource: used.workload.resource, path: used.path });
      }
    }
    return findings;
  },
});
