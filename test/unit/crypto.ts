import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeChallenge, constantTimeEqual, randomToken, tokenSignature } from '../../src/crypto.js';
import { responseSignature, s256Challenge, sameSecret } from '../../src/simulator/crypto.js';

// RFC 7636 Appendix B.
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
// Computed outside Node: printf '%s' "$id$issued_at" | openssl dgst -sha256 -hmac consumer-secret -binary | base64
const ID = 'https://login.salesforce.com/id/00D5g000004SimAEAS/005000000000000AAA';
const ISSUED_AT = '1700000000000';
const OPENSSL_SIGNATURE = 'b567pGLbI900FSdiTnK1GEBYZnXitIPpk0vFzo/1yMU=';

describe('crypto: the app and the simulator each match the published vectors', () => {
    for (const [name, challenge] of [
        ['app', codeChallenge],
        ['simulator', s256Challenge],
    ] as const) {
        it(`the ${name}'s S256 challenge of RFC 7636 Appendix B's verifier is the RFC's challenge`, () => {
            assert.equal(challenge(RFC_VERIFIER), RFC_CHALLENGE);
        });
    }
    for (const [name, sign] of [
        ['app', tokenSignature],
        ['simulator', responseSignature],
    ] as const) {
        it(`the ${name}'s signature of id + issued_at equals openssl's HMAC-SHA256 in standard base64`, () => {
            assert.equal(sign('consumer-secret', ID, ISSUED_AT), OPENSSL_SIGNATURE);
        });
    }
    it('randomToken gives 43 base64url characters, different each time', () => {
        const a = randomToken();
        assert.match(a, /^[A-Za-z0-9_-]{43}$/);
        assert.notEqual(a, randomToken());
    });
    it('1,000 random tokens are all distinct and all 43 characters', () => {
        const tokens = Array.from({ length: 1000 }, randomToken);
        assert.equal(new Set(tokens).size, 1000);
        assert.ok(tokens.every((t) => /^[A-Za-z0-9_-]{43}$/.test(t)));
    });
    const pairs: Array<[string, string, boolean]> = [
        ['abc', 'abc', true],
        ['abc', 'abd', false],
        ['abc', 'abcd', false],
        ['', '', true],
    ];
    for (const [a, b, equal] of pairs) {
        it(`comparing "${a}" with "${b}" says ${equal} in both implementations`, () => {
            assert.equal(constantTimeEqual(a, b), equal);
            assert.equal(sameSecret(a, b), equal);
        });
    }
});
