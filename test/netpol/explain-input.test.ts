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

describe('explain without a port', () => {
  const cache = deployment('shop', 'cache', { app: 'cache' }, [{ name: 'redis', containerPort: 6379 }, { name: 'metrics', containerPort: 9121 }]);
  const onlyRedis = JSON.stringify({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'cache', namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'cache' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 6379 }] }] },
  });

  it('denies when one declared port is denied', async () => {
    const inventory = await inventoryOf(documents(deployment('shop', 'api', { app: 'api' }), cache, onlyRedis));
    const result = explain(inventory, 'shop/api', 'shop/cache');
    expect(result.served).toEqual([
      { port: { port: 6379, protocol: 'TCP' }, allowed: true },
      { port: { port: 9121, protocol: 'TCP' }, allowed: false },
    ]);
    expect(result.allowed).toBe(false);
    const [head, ...rest] = formatExplanation(result).split('\n');
    expect(head).toBe('shop/api[Deployment] => shop/cache[Deployment] : every declared container port: denied on 1 of 2');
    expect(rest.slice(0, 2)).toEqual(['  TCP 6379: allowed', '  TCP 9121: denied']);
  });

  it('allows when each declared port is allowed', async () => {
    const inventory = await inventoryOf(documents(deployment('shop', 'api', { app: 'api' }), cache));
    const result = explain(inventory, 'shop/api', 'shop/cache');
    expect(result.allowed).toBe(true);
    expect(formatExplanation(result).split('\n')[0]).toBe('shop/api[Deployment] => shop/cache[Deployment] : every declared container port: allowed on all 2');
  });

  it('judges any port without declared ports', async () => {
    const bare = deployment('shop', 'cache', { app: 'cache' });
    const inventory = await inventoryOf(documents(deployment('shop', 'api', { app: 'api' }), bare, onlyRedis));
    const result = explain(inventory, 'shop/api', 'shop/cache');
    expect(result.served).toEqual([]);
    expect(result.allowed).toBe(true);
    expect(formatExplanation(result).split('\n')[0]).toBe('shop/api[Deployment] => shop/cache[Deployment] : any port (no declared container port to check): allowed only on TCP 6379');
  });

  it('judges only the requested port', async () => {
    const inventory = await inventoryOf(documents(deployment('shop', 'api', { app: 'api' }), cache, onlyRedis));
    const result = explain(inventory, 'shop/api', 'shop/cache', { port: 6379, protocol: 'TCP' });
    expect(result.served).toEqual([]);
    expect(formatExplanation(result).split('\n')[0]).toBe('shop/api[Deployment] => shop/cache[Deployment] : TCP 6379: allowed');
  });
});
