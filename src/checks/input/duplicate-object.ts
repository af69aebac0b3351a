import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'input/duplicate-object',
  severity: 'medium',
  side: 'shared',
  description: 'No two objects share API group, kind, namespace and name.',
  rationale: 'Applying both makes the later one silently replace the earlier, so what runs is not what the first one says; rampart audits the later one, the one that would run.',
  remediation: 'Remove or rename one of the two objects; with Helm, check for two releases or templates that render the same name.',
  messages: { duplicate: '{{object}} is defined again, replacing the earlier definition at {{firstAt}}; the later one is audited.' },
  run(inventory) {
    return inventory.duplicates.map(({ first, duplicate }) => ({
      messageId: 'duplicate' as const,
      data: { object: describeRef(duplicate), firstAt: `${first.source.file}:${first.source.line}` },
      resource: duplicate,
    }));
  },
});
