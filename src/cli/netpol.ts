import type { Command } from 'commander';
import { isIPv6 } from 'node:net';
import { buildInventory } from '../model/inventory.js';
import { connlist, MAX_CONNECTIONS } from '../netpol/connlist.js';
import { isProtocol } from '../netpol/connections.js';
import { EndpointError, explain, formatExplanation, parsePortQuery, policyName, resolveNamedPort, type Explanation, type PortQuery } from '../netpol/explain.js';
import type { Protocol } from '../netpol/policy.js';
import { CONNLIST_FORMATS, formatConnlist, type ConnlistFormat } from '../netpol/format.js';
import { FLOW_FORMATS, formatFlows, type FlowFormat } from '../netpol/flows-format.js';
import { neededFlowsOf } from '../model/cluster-flows.js';
import { apiServerReferencesOf, describeWorkload } from '../model/flows.js';
import { addIngressControllerOptions, optionalIngressController, type IngressControllerFlags } from './ingress-controller.js';
import { assertOutputWritable, EXIT, note, UsageError, writeResult } from './io.js';
import { addBundleOption, addInputOptions, loadWithBundles, reportInputProblems, type InputFlags } from './options.js';

interface OutputFlags extends InputFlags {
  bundle: string[];
  output?: string;
  force?: boolean;
}

type ConnectivityFlags = OutputFlags & IngressControllerFlags;

/** End of the help of connlist's and explain's --ingress-namespace. */
const INGRESS_NOTE = 'without it and --ingress-label, only rules that admit every namespace admit the controller';

const INPUT_ARGUMENT = 'manifest file, folder, "-" for standard input, chart folder or packaged chart (.tgz)';

/** `rampart netpol connlist|explain|flows`: what the NetworkPolicies allow and why, and what the platform needs. */
export function registerNetpol(program: Command, setExitCode: (code: number) => void): void {
  const netpol = program.command('netpol').description('NetworkPolicy connectivity: list allowed connections, or explain one');

  addIngressControllerOptions(addBundleOption(addInputOptions(netpol.command('connlist').description('list every connection the NetworkPolicies allow between workloads, outside addresses and the ingress controller').argument('<input...>', INPUT_ARGUMENT))), INGRESS_NOTE)
    .option('--format <format>', `output format: ${CONNLIST_FORMATS.join(', ')}`, 'text')
    .option('-o, --output <file>', 'write the list to a file instead of standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .action(async (inputs: string[], flags: ConnectivityFlags & { format: string }) => {
      if (!(CONNLIST_FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`unknown format "${flags.format}"; use one of ${CONNLIST_FORMATS.join(', ')}`);
      const ingressController = optionalIngressController(flags);
      assertOutputWritable(flags.output, Boolean(flags.force));
      const load = await loadWithBundles(inputs, flags);
      reportInputProblems(load, true);
      const inventory = buildInventory(load);
      const connections = connlist(inventory, MAX_CONNECTIONS, ingressController);
      writeResult(flags.output, formatConnlist(connections, flags.format as ConnlistFormat), Boolean(flags.force));
      if (inventory.workloads.length === 0) note('no workloads found in the input, so there are no connections to list');
      else if (connections.length === 0) note('no allowed connections found between the workloads, outside addresses and the ingress controller');
    });

  addIngressControllerOptions(
    addBundleOption(addInputOptions(
      netpol
        .command('explain')
        .description(
          'say whether one connection is allowed (exit 0) or denied (exit 1), and which policies and rules decide it in each direction; without a port, every container port the destination declares is checked, and the answer is allowed only when each of them is (when it declares none, when any port is)',
        )
        .argument('<input...>', INPUT_ARGUMENT),
    )),
    INGRESS_NOTE,
  )
    .requiredOption('--from <source>', 'source: namespace/name, namespace/name[Kind], an IP address, or {ingress-controller}')
    .requiredOption('--to <destination>', 'destination: namespace/name or namespace/name[Kind] or an IP address, optionally with :port, :port/protocol (TCP by default) or a container port name of the workload, :name; without a port, every declared container port of the destination is checked')
    .option('--format <format>', 'output format: text or json', 'text')
    .option('-o, --output <file>', 'write the explanation to a file instead of standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .action(async (inputs: string[], flags: ConnectivityFlags & { from: string; to: string; format: string }) => {
      if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`unknown format "${flags.format}"; use text or json`);
      rejectZone('--from', flags.from);
      const { destination, port, portName } = splitDestination(flags.to);
      const ingressController = optionalIngressController(flags);
      assertOutputWritable(flags.output, Boolean(flags.force));
      const load = await loadWithBundles(inputs, flags);
      reportInputProblems(load, true);
      const inventory = buildInventory(load);
      let explanation: Explanation;
      try {
        const resolvedPort = portName ? resolveNamedPort(inventory, destination, portName.name, portName.protocol, ingressController) : port;
        explanation = explain(inventory, flags.from, destination, resolvedPort, ingressController);
      } catch (error) {
        if (error instanceof EndpointError) throw new UsageError(error.message);
        throw error;
      }
      writeResult(flags.output, flags.format === 'json' ? JSON.stringify(explanationJson(explanation), null, 2) + '\n' : formatExplanation(explanation), Boolean(flags.force));
      setExitCode(explanation.allowed ? EXIT.ok : EXIT.findings);
    });

  addBundleOption(addInputOptions(netpol.command('flows').description('list the connections the install needs (application, DNS and mesh), each with the evidence it was inferred from').argument('<input...>', INPUT_ARGUMENT)))
    .option('--format <format>', `output format: ${FLOW_FORMATS.join(', ')}`, 'text')
    .option('-o, --output <file>', 'write the list to a file instead of standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .action(async (inputs: string[], flags: OutputFlags & { format: string }) => {
      if (!(FLOW_FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`unknown format "${flags.format}"; use one of ${FLOW_FORMATS.join(', ')}`);
      assertOutputWritable(flags.output, Boolean(flags.force));
      const load = await loadWithBundles(inputs, flags);
      reportInputProblems(load, true);
      const inventory = buildInventory(load);
      const flows = neededFlowsOf(inventory);
      writeResult(flags.output, formatFlows(flows, flags.format as FlowFormat), Boolean(flags.force));
      if (flows.length === 0) note(inventory.workloads.length === 0 ? 'no flows found: the input has no workloads' : 'no flows found in the input');
      for (const reference of apiServerReferencesOf(inventory)) {
        note(`${describeWorkload(reference.workload)} calls the Kubernetes API (${reference.where} names ${reference.text}): no flow, because NetworkPolicies reach the API server only through an ipBlock for its address`);
      }
    });

  // main.ts adds --debug to top-level commands only.
  for (const command of netpol.commands) command.option('--debug', 'show stack traces of internal errors');
}

/**
 * Splits `ns/name:8080/TCP` into the destination and the port. An IPv6 address takes a port only in
 * brackets (`[fd00::1]:53/UDP`): `2001:db8::1:443` is itself a valid address, so it is rejected as ambiguous.
 */
export function splitDestination(text: string): { destination: string; port?: PortQuery; portName?: { name: string; protocol?: Protocol } } {
  rejectZone('--to', text);
  const bracketed = /^\[([^\]]+)\](?::(.+))?$/.exec(text);
  if (text.startsWith('[') && !bracketed) throw new UsageError(`invalid --to "${text}": the "[" is not closed by "]"; write an IPv6 address as [ADDRESS] or [ADDRESS]:PORT`);
  if (!bracketed && isIPv6(text)) {
    const last = text.lastIndexOf(':');
    const lastGroup = text.slice(last + 1);
    if (isIPv6(text.slice(0, last)) && parsePortQuery(lastGroup)) {
      throw new UsageError(`ambiguous --to "${text}": the last group may be a port; write [${text}] for the address alone, or [${text.slice(0, last)}]:${lastGroup} for the address with port ${lastGroup}`);
    }
    return { destination: text };
  }
  const plain = bracketed ? undefined : /^(.+):([^:]+)$/.exec(text);
  const destination = bracketed?.[1] ?? plain?.[1] ?? text;
  const portText = bracketed?.[2] ?? plain?.[2];
  if (portText === undefined) return { destination };
  if (plain && isIPv6(destination)) throw new UsageError(`ambiguous --to "${text}": put an IPv6 address in brackets before its port, as [${destination}]:${portText}`);
  const port = parsePortQuery(portText);
  if (port) return { destination, port };
  const protocol = /^(\d{1,5})\/(.*)$/.exec(portText);
  if (protocol && parsePortQuery(protocol[1])) {
    throw new UsageError(`unsupported protocol "${protocol[2]}" in --to "${text}": NetworkPolicies match only TCP, UDP and SCTP; give /TCP, /UDP or /SCTP, or leave it out for TCP`);
  }
  // A container port name is an IANA_SVC_NAME: at most 15 lowercase letters, digits and '-', with a letter.
  const named = /^([a-z0-9](?:[-a-z0-9]{0,13}[a-z0-9])?)(?:\/([A-Za-z]+))?$/.exec(portText);
  if (named && /[a-z]/.test(named[1]) && !isIPv6(destination)) {
    const protocol = named[2]?.toUpperCase();
    if (protocol !== undefined && !isProtocol(protocol)) throw new UsageError(`unsupported protocol "${named[2]}" in --to "${text}": NetworkPolicies match only TCP, UDP and SCTP`);
    return { destination, portName: { name: named[1], ...(protocol ? { protocol } : {}) } };
  }
  throw new UsageError(`invalid port "${portText}" in --to "${text}": give a number from 1 to 65535 or a container port name, optionally with /TCP, /UDP or /SCTP`);
}

/** Rejects an IPv6 zone id (`fe80::1%eth0`): it names a link of one host, and NetworkPolicy ipBlocks have none. */
function rejectZone(flag: string, text: string): void {
  if (!text.includes('%')) return;
  throw new UsageError(`invalid ${flag} "${text}": IPv6 zone ids (%${text.slice(text.indexOf('%') + 1).replace(/\].*$/, '')}) are not supported, because NetworkPolicy ipBlocks have no zones; give the address without the zone`);
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
    served: explanation.served.map((entry) => ({ ...entry.port, allowed: entry.allowed })),
    allowed: explanation.allowed,
    connections: explanation.connections.toString(),
    egress: side(explanation.egress),
    ingress: side(explanation.ingress),
  };
}
