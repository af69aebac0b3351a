// C0 and C1 control characters (and DEL) from the input could move the cursor, retitle the
// terminal or forge report lines, so text meant for a terminal shows them escaped.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Replaces each control character with a visible `\xNN` escape. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
