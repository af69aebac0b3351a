import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInputs } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { connlist } from '../../src/netpol/connlist.js';
import { formatConnlist } from '../../src/netpol/format.js';
import { CORPUS } from '../support/audit.js';
import { canonicalConnlist } from './normalise.js';

const NETPOL_CORPUS = path.join(CORPUS, 'netpol');
const cases = readdirSync(NETPOL_CORPUS).filter((name) => existsSync(path.join(NETPOL_CORPUS, name, 'expected-connlist.txt')));

describe('netpol corpus', () => {
  it('has cases to compare', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s matches np-guard', async (name) => {
    const folder = path.join(NETPOL_CORPUS, name);
    const load = await loadInputs([path.join(folder, 'input')]);
    const actual = formatConnlist(connlist(buildInventory(load)), 'text');
    const expected = readFileSync(path.join(folder, 'expected-connlist.txt'), 'utf8');
    expect(canonicalConnlist(actual)).toEqual(canonicalConnlist(expected));
  });
});
