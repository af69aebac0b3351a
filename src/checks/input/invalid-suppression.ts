import { defineCheck } from '../define.js';
import { parseSuppressAnnotation, SUPPRESS_ANNOTATION } from '../suppressions.js';

export default defineCheck({
  id: 'input/invalid-suppression',
  severity: 'low',
  side: 'shared',
  description: `Every ${SUPPRESS_ANNOTATION} annotation entry names a check, gives a reason and, if it expires, a valid date.`,
  rationale: 'A suppression without a reason cannot be reviewed, and a malformed one silently suppresses nothing; both are ignored and reported here.',
  remediation: `Write each entry on its own line as "CHECK-ID: reason" or "CHECK-ID until YYYY-MM-DD: reason".`,
  messages: { invalid: 'Ignored suppression: {{problem}}.' },
  run(inventory, context) {
    const known = context.knownCheckIds;
    const isKnown = (pattern: string) => !known || (pattern.endsWith('/*') ? [...known].some((id) => id.startsWith(pattern.slice(0, -1))) : known.has(pattern));
    return inventory.resources.flatMap((resource) => {
      const value = resource.annotations[SUPPRESS_ANNOTATION];
      if (value === undefined) return [];
      const parsed = parseSuppressAnnotation(value);
      // A misspelt check id would suppress nothing while looking like it does.
      const unknown = parsed.rules.filter((rule) => !isKnown(rule.check)).map((rule) => `no check has the id ${rule.check}`);
      return [...parsed.errors, ...unknown].map((problem) => ({
        messageId: 'invalid' as const,
        data: { problem },
        resource,
        path: ['metadata', 'annotations', SUPPRESS_ANNOTATION],
      }));
    });
  },
});
