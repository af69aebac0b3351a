import { defineConfig } from 'vitest/config';
import { ensureHelm } from './test/support/helm.js';

const { helm } = ensureHelm();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { RAMPART_HELM: helm, NO_COLOR: '1' },
  },
});
