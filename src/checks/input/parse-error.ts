import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'input/parse-error',
  severity: 'high',
  side: 'shared',
  description: 'Every input document is valid YAML or JSON.',
  rationale: 'A document that does not parse is not audited, so anything wrong in it goes unseen; the API server or Helm would reject it too.',
  remediation: 'Fix the syntax at the given line, then audit again.',
  messages: { parse: 'Document {{document}} does not parse: {{reason}}.' },
  limitations: ['The other documents of the same file are still audited; the broken one is not.'],
  run(inventory) {
    return inventory.problems
      .filter((problem) => problem.code === 'parse-error')
      .map((problem) => ({
        messageId: 'parse' as const,
        data: { document: problem.documentIndex + 1, reason: problem.message },
        location: { file: problem.file, line: problem.line },
      }));
  },
});
