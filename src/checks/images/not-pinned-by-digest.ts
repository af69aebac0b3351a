import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { usedImages } from './used-images.js';

export default defineCheck({
  id: 'images/not-pinned-by-digest',
  severity: 'low',
  side: 'shared',
  description: 'Every container image is pinned by a digest (image@sha256:…).',
  rationale:
    'A tag is a name the registry owner can point at other content at any time, and only a digest names the exact image that was tested and scanned. Pinning also makes a registry or mirror that serves altered content fail the pull instead of running it.',
  remediation: 'Pin each image by the digest of the tag you tested (image:tag@sha256:…), for example from `crane digest IMAGE`, and update the digest when you upgrade.',
  messages: {
    notPinned: 'The {{container}} of {{workload}} uses image {{image}}, which is not pinned by a digest.',
  },
  limitations: ['Invalid image references are reported by images/mutable-tag, not here.'],
  run(inventory) {
    const findings: FindingDraft<'notPinned'>[] = [];
    for (const used of usedImages(inventory)) {
      if (!used.reference || used.reference.digest !== undefined) continue;
      findings.push({ messageId: 'notPinned', data: used.data, resource: used.workload.resource, path: used.path });
    }
    return findings;
  },
});
