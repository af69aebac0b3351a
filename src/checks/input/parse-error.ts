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
        fix: fixFor(problem.message),
      }));
  },
});

/** Returns a fix that fits the kind of parse failure; refused documents are not syntax errors. */
function fixFor(reason: string): string {
  if (reason.includes('alias')) return 'Write the repeated content out or use fewer nested aliases; a document whose aliases expand this far is refused to keep the audit bounded.';
  if (reason.includes('nested')) return 'Flatten the document: Kubernetes objects do not nest this deep, so it is probably generated wrongly.';
  if (reason.includes('binary')) return 'Remove the file from the input or give the manifests it was meant to contain.';
  return 'Fix the syntax at the given line, then audit again.';
}
