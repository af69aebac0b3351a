import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/netpol/explain.js';
import { CORPUS } from '../support/audit.js';
import { deployment, documents, inventoryOf } from './support.js';

const MANIFESTS = path.join(CORPUS, 'realworld', 'manifests');

describe('Linkerd guide policies', () => {
  it('deny-all-ingress admits every pod of its namespace', async () => {
    const policyText = readFileSync(path.join(MANIFESTS, 'linkerd-network-policy-default-deny.yaml'), 'utf8');
    const inventory = await inventoryOf(
      documents(policyText, deployment('howso', 'platform-api-v3', { 'app.kubernetes.io/component': 'platform-api' }), deployment('howso', 'platform-nats', { app: 'nats' }), deployment('elsewhere', 'client', { app: 'client' })),
      'howso',
    );
    const inside = explain(inventory, 'howso/platform-nats', 'howso/platform-api-v3');
    expect(inside.allowed).toBe(true);
    expect(inside.connections.isAll()).toBe(true);
    expect(inside.ingress.allowedBy.map(({ ref }) => ref.policy.resource.name)).toEqual(['deny-all-ingress']);

    const outside = explain(inventory, 'elsewhere/client', 'howso/platform-api-v3');
    expect(outside.allowed).toBe(false);
    expect(outside.ingress.isolatedBy.map((policy) => policy.resource.name)).toEqual(['deny-all-ingress']);
  });

  it('guide policies with protocol-only port load', async () => {
    const texts = ['linkerd-network-policy-default-deny.yaml', 'linkerd-network-policy.yaml'].map((file) => readFileSync(path.join(MANIFESTS, file), 'utf8'));
    const inventory = await inventoryOf(documents(...texts, deployment('howso', 'platform-ui-v2', { 'app.kubernetes.io/component': 'platform-ui' }), deployment('howso', 'platform-api-v3', { 'app.kubernetes.io/component': 'platform-api' })), 'howso');
    const result = explain(inventory, 'howso/platform-api-v3', 'howso/platform-ui-v2');
    // deny-all-ingress already admits the namespace, so the port-limited policy adds nothing.
    expect(result.connections.isAll()).toBe(true);
    expect(result.ingress.isolatedBy.map((policy) => policy.resource.name).sort()).toEqual(['allow-control-plane-ingress', 'deny-all-ingress', 'platform-ui-v2-ingress-policy']);
  });
});
