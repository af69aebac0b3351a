/**
 * C0 and C1 control characters, DEL and bidirectional marks (such as U+202E). Input text containing them
 * could move the cursor, retitle the terminal, forge report lines or reorder a line, so reports escape them.
 */
export const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`, 'g');

/** Replaces each control character or bidirectional mark with a visible `\xNN` (or `\u{NNNN}`) escape. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Escapes each line of a multi-line text with escapeControl, keeping its line breaks. */
export function escapeLines(text: string): string {
  return text.split('\n').map(escapeControl).join('\n');
}
