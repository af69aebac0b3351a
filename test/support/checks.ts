import { defineCheck } from '../../src/checks/define.js';

/** A check that always throws, for tests of how reports carry checks that could not run. */
export const explodingCheck = defineCheck({
  id: 'input/explodes',
  severity: 'low',
  side: 'shared',
  description: 'A check that always throws, to test outcome reporting.',
  rationale: 'Reports must carry checks that could not run.',
  remediation: 'Nothing to fix.',
  messages: { never: 'Never reported.' },
  run() {
    throw new Error('unexpected input');
  },
});
