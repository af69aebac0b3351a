import yaml from 'js-yaml';

// Kubernetes and Helm read YAML with go-yaml v2 rules (YAML 1.1 scalars), see
// https://github.com/kubernetes/kubernetes/issues/34146. js-yaml 4 follows YAML 1.2,
// where `runAsNonRoot: yes` would stay a string, so the scalar types are redefined here.
// Timestamps are left as strings, as they are after Kubernetes converts YAML to JSON.

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

const bool11 = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string) => TRUE_WORDS.has(data) || FALSE_WORDS.has(data),
  construct: (data: string) => TRUE_WORDS.has(data),
  predicate: (value: unknown) => typeof value === 'boolean',
});

const DECIMAL = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const OCTAL_LEGACY = /^[-+]?0[0-7_]+$/;
const OCTAL = /^[-+]?0o[0-7_]+$/;
const HEX = /^[-+]?0x[0-9a-fA-F_]+$/;
const BINARY = /^[-+]?0b[01_]+$/;

function startsLikeNumber(data: string): boolean {
  const first = data.charCodeAt(0);
  // 0-9, '+', '-'
  return (first >= 48 && first <= 57) || first === 43 || first === 45;
}

function parseInt11(data: string): number | undefined {
  if (!startsLikeNumber(data)) return undefined;
  const sign = data[0] === '-' ? -1 : 1;
  const unsigned = data[0] === '-' || data[0] === '+' ? data.slice(1) : data;
  const digits = unsigned.replace(/_/g, '');
  if (DECIMAL.test(data)) return sign * Number.parseInt(digits, 10);
  if (HEX.test(data)) return sign * Number.parseInt(digits.slice(2), 16);
  if (OCTAL.test(data)) return sign * Number.parseInt(digits.slice(2), 8);
  if (BINARY.test(data)) return sign * Number.parseInt(digits.slice(2), 2);
  if (OCTAL_LEGACY.test(data)) return sign * Number.parseInt(digits, 8);
  return undefined;
}

const int11 = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) => parseInt11(data) !== undefined,
  construct: (data: string) => parseInt11(data) ?? 0,
  predicate: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
});

const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INFINITY = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;

function parseFloat11(data: string): number | undefined {
  if (FLOAT.test(data)) return Number.parseFloat(data);
  if (INFINITY.test(data)) return data[0] === '-' ? -Infinity : Infinity;
  if (NAN.test(data)) return Number.NaN;
  return undefined;
}

const float11 = new yaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string) => parseFloat11(data) !== undefined,
  construct: (data: string) => parseFloat11(data) ?? 0,
  predicate: (value: unknown) => typeof value === 'number' && !Number.isInteger(value),
});

const null11 = new yaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string) => data === '' || data === '~' || data === 'null' || data === 'Null' || data === 'NULL',
  construct: () => null,
  predicate: (value: unknown) => value === null,
});

// js-yaml's loader merges the mapping of any key resolved to this tag.
const merge = new yaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: string) => data === '<<',
});

/** The schema Kubernetes effectively uses: YAML 1.1 null, bool, int, float and `<<` merge keys. */
export const KUBERNETES_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [null11, bool11, int11, float11, merge],
});
