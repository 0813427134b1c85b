import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenFromAuthorization, tokensEqual } from './token.js';

describe('tokensEqual', () => {
  it('accepts the same token and refuses others of any length', () => {
    assert.equal(tokensEqual('s3cret', 's3cret'), true);
    assert.equal(tokensEqual('s3cres', 's3cret'), false);
    assert.equal(tokensEqual('s3cret-and-more', 's3cret'), false);
    assert.equal(tokensEqual('', 's3cret'), false);
    assert.equal(tokensEqual('', ''), false, 'an empty configured token never matches');
  });
});

describe('tokenFromAuthorization', () => {
  it('reads Bearer and Basic (password) and nothing else', () => {
    assert.equal(tokenFromAuthorization('Bearer abc'), 'abc');
    assert.equal(
      tokenFromAuthorization(`Basic ${Buffer.from('admin:p:w').toString('base64')}`),
      'p:w',
    );
    assert.equal(tokenFromAuthorization('Basic !!!'), undefined);
    assert.equal(tokenFromAuthorization('Token abc'), undefined);
    assert.equal(tokenFromAuthorization(undefined), undefined);
  });
});
