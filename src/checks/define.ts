import { AREAS, type Area, type Check, type CheckDefinition } from './types.js';

/** Declares a check; the area comes from its id so that the two cannot disagree. */
export function defineCheck<MessageId extends string>(definition: CheckDefinition<MessageId>): Check<MessageId> {
  const area = definition.id.slice(0, definition.id.indexOf('/')) as Area;
  if (!AREAS.includes(area)) throw new Error(`check ${definition.id}: unknown area "${area}"`);
  if (!/^[a-z]+\/[a-z0-9]+(?:-[a-z0-9]+)*$/.test(definition.id)) throw new Error(`check ${definition.id}: the id must be area/kebab-case-slug`);
  return { ...definition, area };
}

/** Fills `{{name}}` placeholders; a missing value is an error in the check, not in the input. */
export function renderMessage(template: string, data: Record<string, string | number>, checkId: string): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    if (!(key in data)) throw new Error(`check ${checkId}: message needs "${key}" but the finding has no such data`);
    return String(data[key]);
  });
}
