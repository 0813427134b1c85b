import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressFamily, createInventory, parseInventory } from './inventory.js';
import { isInventoryValidationError } from './errors.js';

function fieldsOf(input: unknown): string[] {
  try {
    parseInventory(input);
  } catch (e) {
    assert.ok(isInventoryValidationError(e));
    return e.issues.map((i) => i.field);
  }
  assert.fail('expected an InventoryValidationError');
}

describe('parseInventory', () => {
  it('normalises names and endpoints, fills defaults, sorts names', () => {
    const inv = createInventory({
      names: [
        {
          name: 'Web.Example.com.',
          endpoints: [{ address: '2001:DB8::0:1', region: 'eu-west-1' }],
        },
        {
          name: 'api.example.com',
          ttl: 30,
          endpoints: [{ address: '192.0.2.1', weight: 3, healthy: false }],
        },
      ],
      records: [{ name: 'example.com', type: 'TXT', records: ['hello'] }],
    });
    assert.deepEqual(inv.names, [
      {
        name: 'api.example.com',
        ttl: 30,
        endpoints: [{ address: '192.0.2.1', weight: 3, healthy: false }],
      },
      {
        name: 'web.example.com',
        ttl: 60,
        endpoints: [{ address: '2001:db8::1', weight: 1, healthy: true, region: 'eu-west-1' }],
      },
    ]);
    assert.equal(inv.records.length, 1);
  });

  it('accepts an inventory with no names key', () => {
    assert.deepEqual(parseInventory({}).names, []);
  });

  it('names the field of every problem', () => {
    assert.deepEqual(
      fieldsOf({
        names: [
          {
            name: 'a.example',
            ttl: 1.5,
            endpoints: [
              { address: 'nope' },
              { address: '192.0.2.1', weight: -1, healthy: 'yes', region: 7 },
            ],
          },
          { name: 'A.example', endpoints: 'x' },
          'str',
          { name: 'b.example', endpoints: [{ address: '192.0.2.1' }, { address: '192.0.2.1' }, 3] },
        ],
        records: [{ name: 'c.example', type: 'MX', records: [{}] }],
      }),
      [
        'names[0].ttl',
        'names[0].endpoints[0].address',
        'names[0].endpoints[1].weight',
        'names[0].endpoints[1].region',
        'names[0].endpoints[1].healthy',
        'names[1].name',
        'names[1].endpoints',
        'names[2]',
        'names[3].endpoints[1].address',
        'names[3].endpoints[2]',
        'records[0].records[0].preference',
        'records[0].records[0].exchange',
      ],
    );
    assert.deepEqual(fieldsOf(null), ['']);
    assert.deepEqual(fieldsOf({ names: 3, records: 4 }), ['names', 'records']);
  });
});

describe('addressFamily', () => {
  it('tells A from AAAA, and neither', () => {
    assert.equal(addressFamily('192.0.2.1'), 'A');
    assert.equal(addressFamily('::1'), 'AAAA');
    assert.equal(addressFamily('example.com'), undefined);
  });
});
