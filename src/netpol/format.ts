import { escapeControl } from '../report/escape.js';
import { endpointName, type Connection } from './connlist.js';

export const CONNLIST_FORMATS = ['text', 'json', 'csv', 'dot', 'md'] as const;
export type ConnlistFormat = (typeof CONNLIST_FORMATS)[number];

interface Row {
  source: string;
  destination: string;
  connections: string;
}

const rowsOf = (connections: readonly Connection[]): Row[] =>
  connections.map((connection) => ({ source: endpointName(connection.source), destination: endpointName(connection.destination), connections: connection.connections.toString() }));

/** The rows with control characters and bidirectional marks of the input's names shown escaped, for every format but JSON. */
const escapedRowsOf = (connections: readonly Connection[]): Row[] =>
  rowsOf(connections).map((row) => ({ source: escapeControl(row.source), destination: escapeControl(row.destination), connections: row.connections }));

/**
 * Writes the connection list in one of CONNLIST_FORMATS; the text form is np-guard's `SRC => DST : CONNS`.
 * Names come from the input, so every format but JSON shows their control characters escaped.
 */
export function formatConnlist(connections: readonly Connection[], format: ConnlistFormat): string {
  const rows = format === 'json' ? rowsOf(connections) : escapedRowsOf(connections);
  switch (format) {
    case 'text':
      return rows.map((row) => `${row.source} => ${row.destination} : ${row.connections}\n`).join('');
    case 'json':
      return JSON.stringify(rows.map((row, index) => ({ ...row, ports: connections[index].connections.entries() })), null, 2) + '\n';
    case 'csv':
      return ['src,dst,conn', ...rows.map((row) => [row.source, row.destination, row.connections].map(csvField).join(','))].join('\n') + '\n';
    case 'md':
      return ['| src | dst | conn |', '|-----|-----|------|', ...rows.map((row) => `| ${row.source} | ${row.destination} | ${row.connections} |`)].join('\n') + '\n';
    case 'dot':
      return formatDot(rows);
  }
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function formatDot(rows: Row[]): string {
  const nodes = [...new Set(rows.flatMap((row) => [row.source, row.destination]))].sort();
  const lines = ['digraph {'];
  for (const node of nodes) {
    const shape = node.endsWith('[External]') ? 'box' : node.startsWith('{') ? 'diamond' : 'ellipse';
    lines.push(`\t${JSON.stringify(node)} [label=${JSON.stringify(node)} shape=${shape}]`);
  }
  for (const row of rows) lines.push(`\t${JSON.stringify(row.source)} -> ${JSON.stringify(row.destination)} [label=${JSON.stringify(row.connections)}]`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
