import { isRecord, list, stringMap, text } from './access.js';

/** A Kubernetes LabelSelector: matchLabels and matchExpressions, ANDed. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
  /** Set when the selector is malformed (the API server would reject it); it then matches nothing. */
  invalid?: true;
}

export function parseLabelSelector(value: unknown): LabelSelector {
  const selector: LabelSelector = { matchLabels: {}, matchExpressions: [] };
  if (value === undefined || value === null) return selector;
  if (!isRecord(value) || (value.matchLabels != null && !isRecord(value.matchLabels)) || (value.matchExpressions != null && !Array.isArray(value.matchExpressions))) {
    return { ...selector, invalid: true };
  }
  const labels = value.matchLabels ?? {};
  // A label value that is a list, a map or null is rejected by the API server.
  if (Object.values(labels as Record<string, unknown>).some((entry) => typeof entry !== 'string' && typeof entry !== 'number' && typeof entry !== 'boolean')) {
    return { ...selector, invalid: true };
  }
  selector.matchLabels = stringMap(labels);
  for (const expression of list(value.matchExpressions)) {
    if (!isRecord(expression)) return { ...selector, invalid: true };
    const key = text(expression.key);
    const operator = text(expression.operator);
    if (!key || !operator) return { ...selector, invalid: true };
    if (expression.values !== undefined && expression.values !== null && !Array.isArray(expression.values)) return { ...selector, invalid: true };
    selector.matchExpressions.push({ key, operator, values: list(expression.values).map(String) });
  }
  return selector;
}

/** True when the selector selects everything (`{}`). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return !selector.invalid && Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  if (selector.invalid) return false;
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
    switch (expression.operator) {
      case 'In':
        if (!has || !expression.values.includes(labels[expression.key])) return false;
        break;
      case 'NotIn':
        // A pod without the key matches NotIn, as in the API server's selector semantics.
        if (has && expression.values.includes(labels[expression.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // An unknown operator is rejected by the API server, so such a selector matches nothing.
        return false;
    }
  }
  return true;
}

/** Matches a Service-style selector (a plain map); an empty one selects nothing, unlike a LabelSelector. */
export function matchesServiceSelector(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => labels[key] === value);
}
