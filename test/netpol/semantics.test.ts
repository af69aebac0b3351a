import { describe, expect, it } from 'vitest';
import { ConnectionSet } from '../../src/netpol/connections.js';
import { connlist, TooManyConnections } from '../../src/netpol/connlist.js';
import { explain } from '../../src/netpol/explain.js';
import { connlistLines, deployment, documents, inventoryOf, namespaceObject, policy } from './support.js';

const ALL_V4 = '0.0.0.0-255.255.255.255[External]';

describe('NetworkPolicy semantics', () => {
  it('empty podSelector with only Ingress isolates ingress and leaves egress open', async () => {
    const lines = await connlistLines(
      documents(deployment('shop', 'web', { app: 'web' }), deployment('shop', 'db', { app: 'db' }), deployment('other', 'client', { app: 'client' }), policy('shop', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] })),
    );
    expect(lines).not.toContain('shop/db[Deployment] => shop/web[Deployment] : All Connections');
    expect(lines).not.toContain('other/client[Deployment] => shop/web[Deployment] : All Connections');
    expect(lines).not.toContain(`${ALL_V4} => shop/web[Deployment] : All Connections`);
    expect(lines).toContain('shop/web[Deployment] => other/client[Deployment] : All Connections');
    expect(lines).toContain(`shop/web[Deployment] => ${ALL_V4} : All Connections`);
  });

  it('ingress rules without policyTypes make an Ingress policy', async () => {
    const inventory = await inventoryOf(
      documents(
        deployment('shop', 'web', { app: 'web' }),
        deployment('shop', 'db', { app: 'db' }),
        policy('shop', 'db-from-web', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
      ),
    );
    const fromWeb = explain(inventory, 'shop/web', 'shop/db');
    expect(fromWeb.ingress.isolatedBy.map((entry) => entry.resource.name)).toEqual(['db-from-web']);
    expect(fromWeb.connections.toString()).toBe('TCP 5432');
    const fromDb = explain(inventory, 'shop/db', 'shop/web');
    expect(fromDb.egress.isolatedBy).toEqual([]);
    expect(fromDb.connections.isAll()).toBe(true);
  });

  it('Egress in policyTypes without egress rules denies all egress', async () => {
    const lines = await connlistLines(
      documents(deployment('shop', 'web', { app: 'web' }), deployment('shop', 'db', { app: 'db' }), policy('shop', 'web-no-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] })),
    );
    expect(lines.filter((line) => line.startsWith('shop/web[Deployment] =>'))).toEqual([]);
    expect(lines).toContain(`shop/db[Deployment] => ${ALL_V4} : All Connections`);
  });

  it('UDP rule misses a named port that resolves to SCTP', async () => {
    const inventory = await inventoryOf(
      documents(
        deployment('voip', 'caller', { app: 'caller' }),
        deployment('voip', 'switch', { app: 'switch' }, [{ name: 'signal', containerPort: 5060, protocol: 'SCTP' }]),
        policy('voip', 'switch-signal-udp', { podSelector: { matchLabels: { app: 'switch' } }, ingress: [{ ports: [{ protocol: 'UDP', port: 'signal' }] }] }),
        policy('voip', 'switch-signal-sctp', { podSelector: { matchLabels: { app: 'switch' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }], ports: [{ protocol: 'SCTP', port: 'signal' }] }] }),
      ),
    );
    const result = explain(inventory, 'voip/caller', 'voip/switch');
    expect(result.connections.isEmpty()).toBe(true);
    expect(result.ingress.allowedBy).toEqual([]);
  });

  it('named port matches when rule protocol agrees', async () => {
    const inventory = await inventoryOf(
      documents(
        deployment('voip', 'caller', { app: 'caller' }),
        deployment('voip', 'switch', { app: 'switch' }, [{ name: 'signal', containerPort: 5060, protocol: 'SCTP' }]),
        policy('voip', 'switch-signal', { podSelector: { matchLabels: { app: 'switch' } }, ingress: [{ ports: [{ protocol: 'SCTP', port: 'signal' }] }] }),
      ),
    );
    expect(explain(inventory, 'voip/caller', 'voip/switch').connections.toString()).toBe('SCTP 5060');
  });

  it('namespaceSelector plus podSelector peer resolves across namespaces', async () => {
    const lines = await connlistLines(
      documents(
        namespaceObject('monitoring', { team: 'ops' }),
        namespaceObject('staging', { team: 'dev' }),
        deployment('monitoring', 'prometheus', { app: 'prometheus' }),
        deployment('monitoring', 'grafana', { app: 'grafana' }),
        deployment('staging', 'prometheus', { app: 'prometheus' }),
        deployment('shop', 'web', { app: 'web' }),
        policy('shop', 'metrics', {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 9090 }] }],
        }),
      ),
    );
    const intoWeb = lines.filter((line) => line.includes('=> shop/web[Deployment]'));
    expect(intoWeb).toEqual(['monitoring/prometheus[Deployment] => shop/web[Deployment] : TCP 9090']);
  });

  it('separate namespace and pod peers are ORed', async () => {
    const lines = await connlistLines(
      documents(
        namespaceObject('monitoring', { team: 'ops' }),
        deployment('monitoring', 'grafana', { app: 'grafana' }),
        deployment('shop', 'web', { app: 'web' }),
        deployment('shop', 'worker', { app: 'worker' }),
        deployment('shop', 'cron', { app: 'cron' }),
        policy('shop', 'web-in', {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }, { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['worker'] }] } }] }],
        }),
      ),
    );
    const intoWeb = lines.filter((line) => line.includes('=> shop/web[Deployment]'));
    expect(intoWeb).toEqual(['monitoring/grafana[Deployment] => shop/web[Deployment] : All Connections', 'shop/worker[Deployment] => shop/web[Deployment] : All Connections']);
  });

  it('matchExpressions NotIn and DoesNotExist', async () => {
    const lines = await connlistLines(
      documents(
        deployment('shop', 'web', { app: 'web' }),
        deployment('shop', 'batch', { app: 'batch', tier: 'low' }),
        deployment('shop', 'api', { app: 'api' }),
        policy('shop', 'web-in', {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }, { key: 'tier', operator: 'DoesNotExist' }] } }] }],
        }),
      ),
    );
    expect(lines.filter((line) => line.includes('=> shop/web[Deployment]'))).toEqual([]);
    const exists = await connlistLines(
      documents(
        deployment('shop', 'web', { app: 'web' }),
        deployment('shop', 'batch', { app: 'batch', tier: 'low' }),
        policy('shop', 'web-in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }] }] }),
      ),
    );
    expect(exists.filter((line) => line.includes('=> shop/web[Deployment]'))).toEqual(['shop/batch[Deployment] => shop/web[Deployment] : All Connections']);
  });

  it('empty from list versus absent from', async () => {
    // `from: []` and no `from` both admit every source; `ingress: []` admits none.
    for (const rule of [{ from: [] }, {}]) {
      const lines = await connlistLines(documents(deployment('shop', 'web', { app: 'web' }), deployment('shop', 'api', { app: 'api' }), policy('shop', 'web-in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [rule] })));
      expect(lines).toContain('shop/api[Deployment] => shop/web[Deployment] : All Connections');
      expect(lines).toContain(`${ALL_V4} => shop/web[Deployment] : All Connections`);
    }
    const none = await connlistLines(documents(deployment('shop', 'web', { app: 'web' }), deployment('shop', 'api', { app: 'api' }), policy('shop', 'web-in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [] })));
    expect(none.filter((line) => line.includes('=> shop/web[Deployment]'))).toEqual([]);
  });

  it('ipBlock except splits external ranges', async () => {
    const lines = await connlistLines(
      documents(
        deployment('shop', 'web', { app: 'web' }),
        policy('shop', 'web-out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 443 }] }] }),
      ),
    );
    expect(lines.filter((line) => line.startsWith('shop/web[Deployment] =>'))).toEqual(['shop/web[Deployment] => 10.0.0.0-10.0.255.255[External] : TCP 443', 'shop/web[Deployment] => 10.2.0.0-10.255.255.255[External] : TCP 443']);
  });

  it('IPv6 ipBlock', async () => {
    const lines = await connlistLines(
      documents(deployment('shop', 'web', { app: 'web' }), policy('shop', 'web-in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: 'fd00::/8', except: ['fd00::/16'] } }], ports: [{ protocol: 'UDP', port: 53 }] }] })),
    );
    expect(lines.filter((line) => line.endsWith('=> shop/web[Deployment] : UDP 53'))).toEqual(['fd01::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External] => shop/web[Deployment] : UDP 53']);
  });

  it('endPort range and protocol-only entry', async () => {
    const inventory = await inventoryOf(
      documents(
        deployment('shop', 'web', { app: 'web' }),
        deployment('shop', 'api', { app: 'api' }),
        policy('shop', 'api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: 8000, endPort: 8010 }, { protocol: 'UDP' }] }] }),
      ),
    );
    const result = explain(inventory, 'shop/web', 'shop/api');
    expect(result.connections.toString()).toBe('TCP 8000-8010,UDP 1-65535');
    expect(result.connections.allows('SCTP', 8000)).toBe(false);
  });

  it('automatic metadata.name label on implied namespaces', async () => {
    const lines = await connlistLines(
      documents(
        deployment('shop', 'web', { app: 'web' }),
        deployment('tools', 'probe', { app: 'probe' }),
        policy('shop', 'web-in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } } }] }] }),
      ),
    );
    expect(lines.filter((line) => line.includes('=> shop/web[Deployment]'))).toEqual(['tools/probe[Deployment] => shop/web[Deployment] : All Connections']);
  });

  it('no policy allows everything', async () => {
    const lines = await connlistLines(documents(deployment('a', 'one', { app: 'one' }), deployment('b', 'two', { app: 'two' })));
    expect(lines).toEqual([`${ALL_V4} => a/one[Deployment] : All Connections`, `${ALL_V4} => b/two[Deployment] : All Connections`, `a/one[Deployment] => ${ALL_V4} : All Connections`, 'a/one[Deployment] => b/two[Deployment] : All Connections', `b/two[Deployment] => ${ALL_V4} : All Connections`, 'b/two[Deployment] => a/one[Deployment] : All Connections']);
  });

  it('explain names deciding rule for port', async () => {
    const inventory = await inventoryOf(
      documents(
        deployment('shop', 'web', { app: 'web' }),
        deployment('shop', 'db', { app: 'db' }),
        policy('shop', 'db-in', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'other' } } }] }, { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
      ),
    );
    const allowed = explain(inventory, 'shop/web', 'shop/db', { port: 5432, protocol: 'TCP' });
    expect(allowed.allowed).toBe(true);
    expect(allowed.ingress.allowedBy.map(({ ref }) => ref.rule.index)).toEqual([1]);
    const denied = explain(inventory, 'shop/web', 'shop/db', { port: 5433, protocol: 'TCP' });
    expect(denied.allowed).toBe(false);
    expect(denied.ingress.allowed).toBe(false);
    expect(denied.egress.allowed).toBe(true);
    expect(denied.ingress.allowedBy).toEqual([]);
  });

  it('odd field types never throw', async () => {
    const lines = await connlistLines(
      documents(
        deployment('shop', 'web', { app: 'web' }),
        policy('shop', 'broken', { podSelector: 'all', ingress: [{ from: 'everyone', ports: [{ port: 'x', protocol: 'ICMP' }, 7] }, 5], egress: { to: 1 }, policyTypes: 'Ingress' }),
      ),
    );
    expect(Array.isArray(lines)).toBe(true);
    expect(ConnectionSet.all.toString()).toBe('All Connections');
  });
});

describe('connlist limits', () => {
  it('refuses a list past its limit', async () => {
    const inventory = await inventoryOf(documents(...Array.from({ length: 20 }, (_, index) => deployment('big', `app${index}`, { app: `app${index}` }))));
    expect(connlist(inventory, 1000).length).toBeGreaterThan(300);
    expect(() => connlist(inventory, 100)).toThrow(TooManyConnections);
  });
});
