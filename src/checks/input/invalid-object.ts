import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'input/invalid-object',
  severity: 'medium',
  side: 'shared',
  description: 'Every input document is a Kubernetes object with apiVersion, kind and metadata.name, or a Helm values mapping.',
  rationale: 'An object without kind or name cannot be applied and cannot be audited; it often means a template rendered to something unexpected.',
  remediation: 'Give the object its apiVersion, kind and metadata.name, or remove the document.',
  messages: { invalid: '{{reason}}.' },
  run(inventory) {
    return inventory.problems
      .filter((problem) => problem.code === 'invalid-object')
      .map((problem) => ({
        messageId: 'invalid' as const,
        data: { reason: problem.message.charAt(0).toUpperCase() + problem.message.slice(1) },
        location: { file: problem.file, line: problem.line },
      }));
  },
});
