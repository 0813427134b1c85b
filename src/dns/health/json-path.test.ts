import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonMismatch, parseJsonPath, valueAtJsonPath } from './json-path.js';

describe('parseJsonPath', () => {
  it('parses members, quoted members and indices', () => {
    assert.deepEqual(parseJsonPath('$'), []);
    assert.deepEqual(parseJsonPath('$.status.indicator'), ['status', 'indicator']);
    assert.deepEqual(parseJsonPath(`$.checks[2]['db ok']["x\\"y"]`), ['checks', 2, 'db ok', 'x"y']);
  });

  it('rejects what it does not support, naming the position', () => {
    assert.throws(() => parseJsonPath('status'), /must start with '\$'/);
    assert.throws(() => parseJsonPath('$..status'), /member name after '\.' at position 1/);
    assert.throws(() => parseJsonPath('$.a[*]'), /filters and wildcards are not supported/);
    assert.throws(() => parseJsonPath('$.a[?(@.x)]'), /position 3/);
    assert.throws(() => parseJsonPath('$a'), /unexpected "a" at position 1/);
  });
});

describe('valueAtJsonPath', () => {
  const doc = { a: { b: [10, { c: 'x' }] }, n: null };
  it('finds values and reports missing paths as undefined', () => {
    assert.equal(valueAtJsonPath(doc, ['a', 'b', 1, 'c']), 'x');
    assert.equal(valueAtJsonPath(doc, ['n']), null);
    assert.equal(valueAtJsonPath(doc, ['a', 'b', 5]), undefined);
    assert.equal(valueAtJsonPath(doc, ['a', 'b', 'length']), undefined);
    assert.equal(valueAtJsonPath(doc, ['a', 'toString']), undefined);
    assert.equal(valueAtJsonPath(doc, ['a', 0]), undefined);
  });
});

describe('jsonMismatch', () => {
  const body = '{"status":{"indicator":"none","ok":true,"down":false},"version":3}';
  it('accepts a matching value and explains a mismatch', () => {
    assert.equal(jsonMismatch(body, { path: '$.status.indicator', equals: 'none' }), undefined);
    assert.equal(jsonMismatch(body, { path: '$.version', equals: 3 }), undefined);
    assert.equal(
      jsonMismatch(body, { path: '$.version', equals: '3' }),
      '$.version is 3, expected "3"',
    );
    assert.equal(jsonMismatch(body, { path: '$.status.ok' }), undefined);
    assert.equal(jsonMismatch(body, { path: '$.status.down' }), '$.status.down is false');
    assert.equal(jsonMismatch(body, { path: '$.missing' }), '$.missing is missing');
    assert.equal(jsonMismatch('<html>', { path: '$.a' }), 'body is not JSON');
  });
});
