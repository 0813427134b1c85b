import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DnsError,
  InventoryValidationError,
  PlanConflictError,
  PlanNotFoundError,
  PlanValidationError,
  StoreClosedError,
  StoreCorruptError,
  StoreTimeoutError,
  StoreUnavailableError,
  TargetBlockedError,
  UnknownTargetError,
  isDnsError,
  isPlanNotFoundError,
  isTargetBlockedError,
  isTransientDnsError,
} from './errors.js';
import { isBreakwaterError } from '../core/errors.js';

describe('DnsError', () => {
  it('gives every error a literal BW_DNS_ code, its class name and the cause', () => {
    const cause = new Error('root');
    const all: DnsError[] = [
      new PlanValidationError([{ field: 'a', message: 'b' }]),
      new InventoryValidationError([{ field: '', message: 'b' }]),
      new PlanNotFoundError(3),
      new PlanConflictError('x'),
      new UnknownTargetError('t'),
      new StoreUnavailableError('x', { cause }),
      new StoreTimeoutError('x'),
      new StoreCorruptError('/f.db', 'bad'),
      new StoreClosedError(),
      new TargetBlockedError('t', 4),
    ];
    for (const e of all) {
      assert.ok(e instanceof DnsError && isDnsError(e) && isBreakwaterError(e));
      assert.match(e.code, /^BW_DNS_/);
      assert.equal(e.name, e.constructor.name);
    }
    assert.equal(all[5]!.cause, cause);
    assert.equal(all[7]!.message, '/f.db: bad');
    assert.match(all[0]!.message, /a: b/);
    assert.match(all[1]!.message, /invalid inventory \(1 problem\):\n {2}b/);
    assert.ok(isPlanNotFoundError(all[2]) && isTargetBlockedError(all[9]));
  });

  it('recognises a DNS error from another copy of the package by its code', () => {
    const foreign = Object.assign(new Error('x'), { code: 'BW_DNS_SOMETHING' });
    assert.equal(isDnsError(foreign), true);
    assert.equal(isDnsError(Object.assign(new Error('x'), { code: 'BW_CIRCUIT_OPEN' })), false);
    assert.equal(isDnsError('BW_DNS_X'), false);
  });
});

describe('isTransientDnsError', () => {
  it('says a retry may help for an unavailable or slow store and for foreign errors only', () => {
    assert.equal(isTransientDnsError(new StoreUnavailableError('x')), true);
    assert.equal(isTransientDnsError(new StoreTimeoutError('x')), true);
    assert.equal(
      isTransientDnsError(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' })),
      true,
    );
    assert.equal(isTransientDnsError(new PlanValidationError([])), false);
    assert.equal(isTransientDnsError(new UnknownTargetError('t')), false);
    assert.equal(isTransientDnsError(new StoreClosedError()), false);
  });
});
