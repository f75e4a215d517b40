import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { verifyIdToken } from '../../src/oauth/id-token.js';

const ISSUER = 'https://login.salesforce.com';
const AUDIENCE = '3MVG9.key';
const NONCE = 'n'.repeat(43);
const NOW = 1_900_000_000;

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

async function keyPair(kid: string): Promise<{ privateKey: Key; jwk: JWK }> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A token as Salesforce issues one, with `claims` put in or over its claims. */
function idToken(key: Key, claims: Record<string, unknown> = {}, kid = '226') {
    return new SignJWT({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: `${ISSUER}/id/00D000000000001AAA/005000000000001AAA`,
        iat: NOW - 10,
        exp: NOW + 300,
        nonce: NONCE,
        preferred_username: 'ada@example.com',
        ...claims,
    })
        .setProtectedHeader({ alg: 'RS256', kid })
        .sign(key);
}

describe('verifyIdToken', () => {
    let signer: { privateKey: Key; jwk: JWK };
    let other: { privateKey: Key; jwk: JWK };
    let keys: JSONWebKeySet;
    const expected = { issuer: ISSUER, audience: AUDIENCE, nonce: NONCE, now: NOW };
    before(async () => {
        signer = await keyPair('226');
        other = await keyPair('226');
        keys = { keys: [signer.jwk] };
    });

    it('a token signed by a published key, with the right issuer, audience, nonce and times, is verified', async () => {
        const verdict = await verifyIdToken(await idToken(signer.privateKey), keys, expected);
        assert.deepEqual(verdict.verified && verdict.claims.preferred_username, 'ada@example.com');
    });

    const refused: Array<[string, () => Promise<string>, typeof expected, RegExp]> = [
        ['another nonce', () => idToken(signer.privateKey, { nonce: 'x' }), expected, /nonce/],
        ['another audience', () => idToken(signer.privateKey), { ...expected, audience: 'other' }, /audience/],
        ['another issuer', () => idToken(signer.privateKey), { ...expected, issuer: 'https://x.test' }, /issuer/],
        ['past its expiry', () => idToken(signer.privateKey), { ...expected, now: NOW + 3600 }, /expired/],
        ['signed by another key with the same kid', () => idToken(other.privateKey), expected, /signature/],
        ['signed by a key that is not published', () => idToken(signer.privateKey, {}, '999'), expected, /key/],
        [
            'for several audiences with azp another app',
            () => idToken(signer.privateKey, { aud: ['another-app', AUDIENCE], azp: 'another-app' }),
            expected,
            /several audiences/,
        ],
        [
            'for several audiences with no azp',
            () => idToken(signer.privateKey, { aud: ['another-app', AUDIENCE] }),
            expected,
            /several audiences/,
        ],
        [
            'with azp another app',
            () => idToken(signer.privateKey, { azp: 'another-app' }),
            expected,
            /another app \(azp\)/,
        ],
        ['issued a year ahead', () => idToken(signer.privateKey, { iat: NOW + 365 * 86400 }), expected, /iat/],
        ['issued an hour ago', () => idToken(signer.privateKey, { iat: NOW - 3600 }), expected, /expired/],
        [
            'valid for 50 years',
            () => idToken(signer.privateKey, { exp: NOW + 50 * 365 * 86400 }),
            expected,
            /longer than a day/,
        ],
        ['whose sub is an object', () => idToken(signer.privateKey, { sub: { id: 1 } }), expected, /sub/],
    ];
    for (const [what, token, expectations, reason] of refused) {
        it(`a token ${what} is refused, saying why`, async () => {
            const verdict = await verifyIdToken(await token(), keys, expectations);
            assert.equal(verdict.verified, false);
            assert.match(verdict.verified ? '' : verdict.reason, reason);
        });
    }

    it('a token for several audiences is verified when azp is this app', async () => {
        const token = await idToken(signer.privateKey, { aud: ['another-app', AUDIENCE], azp: AUDIENCE });
        assert.equal((await verifyIdToken(token, keys, expected)).verified, true);
    });

    it('key sets are kept apart: the same kid in a second set does not reuse the first set’s key', async () => {
        const token = await idToken(signer.privateKey);
        assert.equal((await verifyIdToken(token, keys, expected)).verified, true);
        assert.equal((await verifyIdToken(token, keys, expected)).verified, true, 'the same set again');
        const verdict = await verifyIdToken(token, { keys: [other.jwk] }, expected);
        assert.equal(verdict.verified, false);
    });
});
