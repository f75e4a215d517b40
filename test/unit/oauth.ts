import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import { callbackMessages } from '../../src/messages.js';
import { buildAuthorizeUrl } from '../../src/oauth/authorize.js';
import { codeFromCallback, readCallbackParams } from '../../src/oauth/callback.js';
import { DEFAULT_LIMITS } from '../../src/store.js';

const messages = callbackMessages(DEFAULT_LIMITS);
const LOGIN = { baseUrl: 'https://test.salesforce.com', loginHost: 'test.salesforce.com' };
const STATE = 'S'.repeat(43);

function code(query: string): string {
    return codeFromCallback(readCallbackParams(new URLSearchParams(query), messages), LOGIN, messages);
}

function failsWith(query: string, expected: string) {
    assert.throws(
        () => code(query),
        (err: unknown) => err instanceof AppError && err.code === expected,
    );
}

describe('buildAuthorizeUrl', () => {
    const base = {
        baseUrl: 'https://test.salesforce.com',
        authorizePath: '/services/oauth2/authorize',
        clientId: '3MVG9.key',
        redirectUri: 'http://localhost:7777/callback',
        state: STATE,
        codeChallenge: 'challenge',
    };
    it('sends response_type=code, the client, the exact callback, state and an S256 challenge', () => {
        const url = buildAuthorizeUrl(base);
        assert.equal(url.origin + url.pathname, 'https://test.salesforce.com/services/oauth2/authorize');
        assert.deepEqual(Object.fromEntries(url.searchParams), {
            response_type: 'code',
            client_id: '3MVG9.key',
            redirect_uri: 'http://localhost:7777/callback',
            state: STATE,
            code_challenge: 'challenge',
            code_challenge_method: 'S256',
        });
    });
    it('adds scope, prompt and login_hint only when they are set', () => {
        const url = buildAuthorizeUrl({ ...base, scope: 'api web', prompt: 'login', loginHint: 'a@b.c' });
        assert.equal(url.searchParams.get('scope'), 'api web');
        assert.equal(url.searchParams.get('prompt'), 'login');
        assert.equal(url.searchParams.get('login_hint'), 'a@b.c');
    });
});

describe('callback parameters, in the order they are checked', () => {
    const cases: Array<[string, string, string]> = [
        ['a repeated state', `state=${STATE}&state=${STATE}&code=x`, 'malformed_response'],
        ['a bracketed state[]', `state[]=${STATE}&code=x`, 'malformed_response'],
        ['21 parameters', Array.from({ length: 21 }, (_, i) => `p${i}=1`).join('&'), 'malformed_response'],
        ['no state', 'code=x', 'missing_state'],
        ['an empty state', 'state=&code=x', 'missing_state'],
        ['another issuer', `state=${STATE}&iss=https://evil.example&code=x`, 'issuer_mismatch'],
        ['a token in the URL', `state=${STATE}&access_token=t&code=x`, 'unsupported_response'],
        ['an error and a code', `state=${STATE}&error=access_denied&code=x`, 'authorization_error'],
        ['neither code nor error', `state=${STATE}`, 'missing_code'],
        ['a code with a control character', `state=${STATE}&code=a%0Ab`, 'malformed_response'],
        ['a code over 2048 characters', `state=${STATE}&code=${'a'.repeat(2049)}`, 'malformed_response'],
    ];
    for (const [name, query, expected] of cases) {
        it(`${name} is refused with ${expected}`, () => failsWith(query, expected));
    }
    it('the issuer check comes before tokens in the URL and the error', () => {
        failsWith(`state=${STATE}&iss=https://evil.example&access_token=t&error=x`, 'issuer_mismatch');
    });
    it('the issuer the login went to is accepted, and the code is returned decoded', () => {
        assert.equal(code(`state=${STATE}&iss=https://test.salesforce.com&code=aPrx%2Bab%3D%3D`), 'aPrx+ab==');
    });
    it("Salesforce's error keeps its code and a cleaned description for the fix table", () => {
        try {
            code(`state=${STATE}&error=OAUTH_APP_BLOCKED&error_description=blocked%0Aby%20admin`);
            assert.fail('no error');
        } catch (err) {
            assert.ok(err instanceof AppError);
            assert.deepEqual(err.salesforce, { error: 'OAUTH_APP_BLOCKED', description: 'blocked?by admin' });
        }
    });
});
