// Writes docs/checks.md from the built catalog (run through `npm run docs`).
import { writeFileSync } from 'node:fs';
import { CATALOG } from '../dist/checks/index.js';
import { renderChecksDoc } from '../dist/report/checks-doc.js';

writeFileSync(new URL('../docs/checks.md', import.meta.url), renderChecksDoc(CATALOG));
console.log(`docs/checks.md: ${CATALOG.length} checks`);
