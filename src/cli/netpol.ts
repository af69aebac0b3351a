import type { Command } from 'commander';
import { isIPv6 } from 'node:net';
import { buildInventory } from '../model/inventory.js';
import { connlist } from '../netpol/connlist.js';
import { EndpointError, explain, formatExplanation, parsePortQuery, policyName, type Explanation, type PortQuery } from '../netpol/explain.js';
import { CONNLIST_FORMATS, formatConnlist, type ConnlistFormat } from '../netpol/format.js';
import { FLOW_FORMATS, formatFlows, type FlowFormat } from '../netpol/flows-format.js';
import { neededFlowsOf } from '../model/cluster-flows.js';
import { assertOutputWritable, EXIT, UsageError, writeResult } from './io.js';
import { addInputOptions, loadWithFlags, reportInputProblems, type InputFlags } from './options.js';

interface OutputFlags extends InputFlags {
  output?: string;
  force?: boolean;
}

const INPUT_ARGUMENT = 'manifest file, folder, "-" for standard input, chart folder or packaged chart (.tgz)';

/** `rampart netpol connlist|explain|flows`: what the NetworkPolicies allow and why, and what the platform needs. */
export function registerNetpol(program: Command, setExitCode: (code: number) => void): void {
  const netpol = program.command('netpol').description('NetworkPolicy connectivity: list allowed connections, or explain one');

  addInputOptions(netpol.command('connlist').description('list every connection the NetworkPolicies allow between workloads, outside addresses and the ingress controller').argument('<input...>', INPUT_ARGUMENT))
    .option('--format <format>', `output format: ${CONNLIST_FORMATS.join(', ')}`, 'text')
    .option('-o, --output <file>', 'write the list to a file instead of standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .action(async (inputs: string[], flags: OutputFlags & { format: string }) => {
      if (!(CONNLIST_FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`unknown format "${flags.format}"; use one of ${CONNLIST_FORMATS.join(', ')}`);
      assertOutputWritable(flags.output, Boolean(flags.force));
      const load = await loadWithFlags(inputs, flags);
      reportInputProblems(load, false);
      const inventory = buildInventory(load);
      writeResult(flags.output, formatConnlist(connlist(inventory), flags.format as ConnlistFormat), Boolean(flags.force));
    });

  addInputOptions(
    netpol
      .command('explain')
      .description('say whether one connection is allowed (exit 0) or denied (exit 1), and which policies and rules decide it in each direction')
      .argument('<input...>', INPUT_ARGUMENT),
  )
    .requiredOption('--from <source>', 'source: namespace/name, namespace/name[Kind], an IP address, or {ingress-controller}')
    .requiredOption('--to <destination>', 'destination: namespace/name or namespace/name[Kind] or an IP address, optionally with :port or :port/protocol (TCP by default)')
    .option('--format <format>', 'output format: text or json', 'text')
    .option('-o, --output <file>', 'write the explanation to a file instead of standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .action(async (inputs: string[], flags: OutputFlags & { from: string; to: string; format: string }) => {
      if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`unknown format "${flags.format}"; use text or json`);
      const { destination, port } = splitDestination(flags.to);
      assertOutputWritable(flags.output, Boolean(flags.force));
      const load = await loadWithFlags(inputs, flags);
      reportInputProblems(load, false);
      const inventory = buildInventory(load);
      let explanation: Explanation;
      try {
        explanation = explain(inventory, flags.from, destination, port);
      } catch (error) {
        if (error instanceof EndpointError) throw new UsageError(error.message);
        throw error;
      }
      writeResult(flags.output, flags.format === 'json' ? JSON.stringify(explanationJson(explanation), null, 2) + '\n' : formatExplanation(explanation), Boolean(flags.force));
      setExitCode(explanation.allowed ? EXIT.ok : EXIT.findings);
    });

  addInputOptions(netpol.command('flows').description('list the connections the install needs (application, DNS and mesh), each with the evidence it was inferred from').argument('<input...>', INPUT_ARGUMENT))
    .option('--format <format>', `output format: ${FLOW_FORMATS.join(', ')}`, 'text')
    .option('-o, --output <file>', 'write the list to a file instead of standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .action(async (inputs: string[], flags: OutputFlags & { format: string }) => {
      if (!(FLOW_FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`unknown format "${flags.format}"; use one of ${FLOW_FORMATS.join(', ')}`);
      assertOutputWritable(flags.output, Boolean(flags.force));
      const load = await loadWithFlags(inputs, flags);
      reportInputProblems(load, false);
      const inventory = buildInventory(load);
      writeResult(flags.output, formatFlows(neededFlowsOf(inventory), flags.format as FlowFormat), Boolean(flags.force));
    });

  // main.ts adds --debug to top-level commands only.
  for (const command of netpol.commands) command.option('--debug', 'show stack traces of internal errors');
}

/** Splits `ns/name:8080/TCP` into the destination and the port; an IPv6 address takes a port only in brackets (`[fd00::1]:53/UDP`). */
function splitDestination(text: string): { destination: string; port?: PortQuery } {
  const bracketed = /^\[([^\]]+)\](?::(.+))?$/.exec(text);
  const plain = bracketed || isIPv6(text) ? undefined : /^(.+):([^:]+)$/.exec(text);
  const destination = bracketed?.[1] ?? plain?.[1] ?? text;
  const portText = bracketed?.[2] ?? plain?.[2];
  if (portText === undefined) return { destination };
  const port = parsePortQuery(portText);
  if (!port) throw new UsageError(`invalid port "${portText}" in --to "${text}": give a number from 1 to 65535, optionally with /TCP, /UDP or /SCTP`);
  return { destination, port };
}

function explanationJson(explanation: Explanation): unknown {
  const side = (verdict: Explanation['egress']) => ({
    direction: verdict.direction,
    subject: verdict.subject ?? null,
    allowed: verdict.allowed,
    connections: verdict.connections.toString(),
    isolatedBy: verdict.isolatedBy.map(policyName),
    allowedBy: verdict.allowedBy.map(({ ref, connections }) => ({ policy: policyName(ref.policy), rule: `spec.${ref.direction}[${ref.rule.index}]`, connections: connections.toString() })),
  });
  return {
    from: explanation.from,
    to: explanation.to,
    port: explanation.port ?? null,
    allowed: explanation.allowed,
    connections: explanation.connections.toString(),
    egress: side(explanation.egress),
    ingress: side(explanation.ingress),
  };
}
