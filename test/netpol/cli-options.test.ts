import { describe, expect, it } from 'vitest';
import { ingressControllerFrom, optionalIngressController } from '../../src/cli/ingress-controller.js';
import { UsageError } from '../../src/cli/io.js';
import { splitDestination } from '../../src/cli/netpol.js';

describe('ingress controller flags', () => {
  it('defaults the flag not given', () => {
    expect(ingressControllerFrom({ ingressLabel: [] })).toEqual({ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
    expect(ingressControllerFrom({ ingressNamespace: 'traefik', ingressLabel: [] }).podLabels).toEqual({ 'app.kubernetes.io/name': 'ingress-nginx' });
    expect(ingressControllerFrom({ ingressLabel: ['app=traefik', 'tier=edge'] })).toEqual({ namespace: 'ingress-nginx', podLabels: { app: 'traefik', tier: 'edge' } });
  });

  it('is absent without either flag', () => {
    expect(optionalIngressController({ ingressLabel: [] })).toBeUndefined();
    expect(optionalIngressController({ ingressNamespace: 'edge', ingressLabel: [] })?.namespace).toBe('edge');
  });

  it('accepts RFC 1123 labels only', () => {
    for (const namespace of ['a', 'ingress-nginx', '0day', 'a'.repeat(63)]) expect(ingressControllerFrom({ ingressNamespace: namespace, ingressLabel: [] }).namespace).toBe(namespace);
    for (const namespace of ['', 'Ingress', 'ingress_nginx', '-nginx', 'nginx-', 'ingress.nginx', 'a'.repeat(64), 'ns/other']) {
      expect(() => ingressControllerFrom({ ingressNamespace: namespace, ingressLabel: [] }), namespace).toThrow(UsageError);
    }
  });

  it('rejects invalid labels', () => {
    for (const label of ['no-value', 'app=bad value', '=x', 'app=-x']) expect(() => ingressControllerFrom({ ingressLabel: [label] }), label).toThrow(/invalid --ingress-label/);
  });
});

describe('explain --to', () => {
  it('splits destination and port', () => {
    expect(splitDestination('howso/platform-ums:8000/udp')).toEqual({ destination: 'howso/platform-ums', port: { port: 8000, protocol: 'UDP' } });
    expect(splitDestination('[2001:db8::1]:443')).toEqual({ destination: '2001:db8::1', port: { port: 443, protocol: 'TCP' } });
    expect(splitDestination('[2001:db8::1:443]')).toEqual({ destination: '2001:db8::1:443' });
    expect(splitDestination('fd00::1')).toEqual({ destination: 'fd00::1' });
    expect(splitDestination('10.0.0.1:53/UDP')).toEqual({ destination: '10.0.0.1', port: { port: 53, protocol: 'UDP' } });
  });

  it('rejects unbracketed IPv6 with a port', () => {
    expect(() => splitDestination('2001:db8::1:443')).toThrow('ambiguous --to "2001:db8::1:443": the last group may be a port; write [2001:db8::1:443] for the address alone, or [2001:db8::1]:443 for the address with port 443');
    expect(() => splitDestination('2001:db8::1:53/UDP')).toThrow('put an IPv6 address in brackets before its port, as [2001:db8::1]:53/UDP');
  });

  it('names the protocols accepted', () => {
    expect(() => splitDestination('howso/platform-ums:8080/ICMP')).toThrow('unsupported protocol "ICMP" in --to "howso/platform-ums:8080/ICMP": NetworkPolicies match only TCP, UDP and SCTP');
    expect(() => splitDestination('howso/platform-ums:99999')).toThrow('invalid port "99999"');
  });
});
