import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/io.js';
import { splitDestination } from '../../src/cli/netpol.js';
import { EndpointError, explain, formatExplanation, resolveNamedPort } from '../../src/netpol/explain.js';
import { deployment, documents, inventoryOf } from './support.js';

function usageMessage(text: string): string {
  try {
    splitDestination(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`splitDestination accepted "${text}"`);
}

describe('explain --to forms', () => {
  it('rejects an IPv6 zone id', () => {
    expect(usageMessage('fe80::1%eth0')).toContain('IPv6 zone ids (%eth0) are not supported');
    expect(usageMessage('[fe80::1%eth0]:53')).toContain('(%eth0)');
  });

  it('rejects an unclosed bracket', () => {
    expect(usageMessage('[fd00::1')).toContain('the "[" is not closed by "]"');
    expect(usageMessage('[fd00::1:53')).toContain('not closed');
  });

  it('reads a named port', () => {
    expect(splitDestination('shop/web:http')).toEqual({ destination: 'shop/web', portName: { name: 'http' } });
    expect(splitDestination('shop/web:dns/udp')).toEqual({ destination: 'shop/web', portName: { name: 'dns', protocol: 'UDP' } });
    expect(usageMessage('shop/web:http/icmp')).toContain('unsupported protocol "icmp"');
    expect(usageMessage('shop/web:Not_A_Name')).toContain('a container port name');
  });
});

describe('named ports in explain', () => {
  const install = documents(
    deployment('shop', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }, { name: 'dns', containerPort: 5353, protocol: 'TCP' }]),
    deployment('shop', 'client', { app: 'client' }),
  );

  it('resolves against the destination', async () => {
    const inventory = await inventoryOf(install);
    expect(resolveNamedPort(inventory, 'shop/web', 'http', undefined)).toEqual({ port: 8080, protocol: 'TCP' });
    expect(resolveNamedPort(inventory, 'shop/web', 'dns', 'UDP')).toEqual({ port: 5353, protocol: 'UDP' });
  });

  it('rejects unknown and ambiguous names', async () => {
    const inventory = await inventoryOf(install);
    expect(() => resolveNamedPort(inventory, 'shop/web', 'grpc', undefined)).toThrow(/no container port named "grpc"; its named ports are dns, http/);
    expect(() => resolveNamedPort(inventory, 'shop/web', 'dns', undefined)).toThrow(/is UDP 5353, TCP 5353|is TCP 5353, UDP 5353/);
    expect(() => resolveNamedPort(inventory, '10.0.0.1', 'http', undefined)).toThrow(EndpointError);
  });
});

describe('explain wording for the ingress controller', () => {
  it('same with and without a location', async () => {
    const inventory = await inventoryOf(deployment('shop', 'web', { app: 'web' }));
    const unlocated = formatExplanation(explain(inventory, '{ingress-controller}', 'shop/web'));
    const located = formatExplanation(explain(inventory, '{ingress-controller}', 'shop/web', undefined, { namespace: 'ingress-nginx', podLabels: { app: 'nginx' } }));
    const egressLine = (text: string) => text.split('\n').find((line) => line.includes('egress of'));
    expect(egressLine(unlocated)).toBe('  egress of {ingress-controller}: allowed: no NetworkPolicy selects it for egress, so it is not isolated');
    expect(egressLine(located)).toBe(egressLine(unlocated));
  });
});
