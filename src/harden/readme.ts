/** Ends a bundle README: a Notes section listing what the bundle could not do, then one final newline. */
export function finishReadme(lines: string[], notes: readonly string[]): string {
  const all = [...lines];
  if (notes.length > 0) all.push('## Notes', '', ...notes.map((note) => `- ${note}`), '');
  return all.join('\n').trimEnd() + '\n';
}
