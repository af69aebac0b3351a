import { AREAS, type Check } from '../checks/types.js';

/** Renders docs/checks.md from the catalog, so that the docs cannot drift from the checks. */
export function renderChecksDoc(catalog: readonly Check[]): string {
  const lines: string[] = [
    '# Check catalog',
    '',
    '<!-- Generated from the catalog by `npm run docs`; do not edit by hand. -->',
    '',
    `rampart runs ${catalog.length} checks. Each states a condition that should be true, and a finding shows where it is not.`,
    'The side says who answers for it under the shared security model: the `chart` vendor, the cluster `operator`, or both (`shared`).',
    '',
    '| id | severity | side | holds when |',
    '| --- | --- | --- | --- |',
    ...catalog.map((check) => `| [${check.id}](#${anchor(check.id)}) | ${check.severity} | ${check.side} | ${escapeCell(check.description)} |`),
    '',
  ];
  for (const area of AREAS) {
    const inArea = catalog.filter((check) => check.area === area);
    if (inArea.length === 0) continue;
    lines.push(`## ${area}`, '');
    for (const check of inArea) {
      lines.push(`### ${check.id}`, '', `**Severity** ${check.severity} · **side** ${check.side}`, '', `**Holds when:** ${check.description}`, '', `**Why:** ${check.rationale}`, '', `**Fix:** ${check.remediation}`, '');
      lines.push('**Messages:**', '', ...Object.entries(check.messages).map(([id, template]) => `- \`${id}\`: ${template}`), '');
      if (check.limitations?.length) lines.push('**Limits:**', '', ...check.limitations.map((limit) => `- ${limit}`), '');
      if (check.references?.length) lines.push('**References:**', '', ...check.references.map((reference) => `- ${reference}`), '');
    }
  }
  return lines.join('\n');
}

/** GitHub's heading anchor for an id: `pss/run-as-non-root` → `pssrun-as-non-root`. */
function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 -]/g, '');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
