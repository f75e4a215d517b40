import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import {
    parseIntrospection,
    parseQueryResult,
    parseRevokeAnswer,
    TABLE_LIMITS,
} from '../../src/salesforce/rest-responses.js';
import { parseTokenResponse } from '../../src/salesforce/token-response.js';
import { responseSignature } from '../../src/simulator/crypto.js';
import type { Reply, SalesforceError } from '../../src/types.js';

const BASE = 'https://login.salesforce.com';
const SECRET = 'consumer-secret';
const ID = `${BASE}/id/00D5g000004SimAEAS/005000000000000AAA`;
const JSON_TYPE = 'application/json;charset=UTF-8';

function good(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const issuedAt = '1700000000000';
    return {
        access_token: '00D5g000004SimA!AR.token',
        instance_url: 'https://acme.my.salesforce.com',
        id: ID,
        token_type: 'Bearer',
        issued_at: issuedAt,
        signature: responseSignature(SECRET, ID, issuedAt),
        scope: 'api refresh_token',
        refresh_token: '5Aep861.refresh',
        ...extra,
    };
}

const json = (status: number, body: unknown, contentType = JSON_TYPE): Reply => ({
    status,
    contentType,
    body: JSON.stringify(body),
});

const FAULTS: Array<[string, Reply, string]> = [
    ['a redirect', { status: 302, contentType: 'text/html', body: '' }, 'bad_response'],
    ['an empty body', { status: 200, contentType: JSON_TYPE, body: '  ' }, 'bad_response'],
    ['an OAuth error', json(400, { error: 'invalid_grant', error_description: 'expired' }), 'salesforce_error'],
    ['a 500 without an OAuth code', { status: 500, contentType: 'text/html', body: '<h1>down</h1>' }, 'bad_response'],
    ['HTML with 200', { status: 200, contentType: 'text/html', body: '<html></html>' }, 'bad_response'],
    ['invalid JSON', { status: 200, contentType: JSON_TYPE, body: '{"' }, 'bad_response'],
    ['a JSON array', { status: 200, contentType: JSON_TYPE, body: '[]' }, 'bad_response'],
    ['JSON labelled as XML with a json parameter', json(200, good(), 'application/xml; a=json'), 'bad_response'],
    ['no access token', json(200, good({ access_token: undefined })), 'bad_response'],
    ['a non-text scope', json(200, good({ scope: 5 })), 'bad_response'],
    ['a MAC token type', json(200, good({ token_type: 'mac' })), 'bad_response'],
    ['no token type', json(200, good({ token_type: undefined })), 'bad_response'],
    ['an instance URL off Salesforce', json(200, good({ instance_url: 'https://evil.example' })), 'untrusted_url'],
    ['an identity URL over http', json(200, good({ id: ID.replace('https:', 'http:') })), 'untrusted_url'],
    ['a wrong signature', json(200, good({ signature: 'AAAA' })), 'signature_invalid'],
    ['a signature without issued_at', json(200, good({ issued_at: undefined })), 'signature_invalid'],
    ['no signature while a secret is configured', json(200, good({ signature: undefined })), 'signature_invalid'],
    ['an access token with a newline', json(200, good({ access_token: 'abc\nNODE_OPTIONS=x' })), 'bad_response'],
    ['an access token with a space', json(200, good({ access_token: 'abc def' })), 'bad_response'],
    ['a refresh token with a control character', json(200, good({ refresh_token: 'r\u0007' })), 'bad_response'],
    ['an access token outside ASCII', json(200, good({ access_token: 'abcé' })), 'bad_response'],
];

describe('parseTokenResponse', () => {
    for (const [name, reply, code] of FAULTS) {
        it(`refuses ${name} with ${code}`, () => {
            assert.throws(
                () => parseTokenResponse(reply, { baseUrl: BASE, clientSecret: SECRET }),
                (err: unknown) => err instanceof AppError && err.code === code,
            );
        });
    }

    it('accepts a signed answer and reports the signature verified', () => {
        const { tokens, signatureVerified } = parseTokenResponse(json(200, good()), {
            baseUrl: BASE,
            clientSecret: SECRET,
        });
        assert.equal(signatureVerified, true);
        assert.equal(tokens.instanceUrl, 'https://acme.my.salesforce.com');
        assert.equal(tokens.refreshToken, '5Aep861.refresh');
    });

    it('keeps the normalised instance URL, not the raw string', () => {
        const { tokens } = parseTokenResponse(
            json(200, good({ instance_url: 'https://ACME.my.salesforce.com:443/' })),
            {
                baseUrl: BASE,
                clientSecret: SECRET,
            },
        );
        assert.equal(tokens.instanceUrl, 'https://acme.my.salesforce.com');
    });

    it('a public client (no secret) accepts the answer without verifying it', () => {
        const { signatureVerified } = parseTokenResponse(json(200, good({ signature: 'AAAA' })), { baseUrl: BASE });
        assert.equal(signatureVerified, false);
    });

    it('an OAuth error keeps Salesforce error, description and status for the fix table', () => {
        try {
            parseTokenResponse(json(400, { error: 'invalid_client', error_description: 'bad\nsecret' }), {
                baseUrl: BASE,
            });
            assert.fail('no error');
        } catch (err) {
            assert.ok(err instanceof AppError);
            assert.deepEqual(err.salesforce, {
                error: 'invalid_client',
                description: 'bad?secret',
                httpStatus: 400,
                grant: 'authorization_code',
            });
        }
    });

    it('a refresh without a new refresh token keeps the previous one and its scope', () => {
        const previous = parseTokenResponse(json(200, good()), { baseUrl: BASE, clientSecret: SECRET }).tokens;
        const { tokens } = parseTokenResponse(json(200, good({ refresh_token: undefined, scope: undefined })), {
            baseUrl: BASE,
            clientSecret: SECRET,
            previous,
        });
        assert.equal(tokens.refreshToken, '5Aep861.refresh');
        assert.equal(tokens.scope, 'api refresh_token');
    });
});

describe('parseQueryResult', () => {
    const reply = (records: unknown[]): Reply => ({
        status: 200,
        contentType: JSON_TYPE,
        body: JSON.stringify({ totalSize: records.length, done: true, records }),
    });

    it('a reply of 20,000 records each with its own field is cut to the table limits and says so', () => {
        const records = Array.from({ length: 20_000 }, (_, i) => ({ attributes: {}, [`F${i}`]: i }));
        const outcome = parseQueryResult(reply(records), 'SELECT …');
        assert.ok(outcome.ok);
        assert.equal(outcome.rows.length, TABLE_LIMITS.rows);
        assert.ok(outcome.columns.length <= TABLE_LIMITS.columns);
        assert.ok(outcome.rows.every((r) => r.length === outcome.columns.length));
        assert.match(outcome.cut ?? '', /first 200 of 20000 records and the first 50 of 200 columns/);
    });

    it('a long value is cut at the cell limit and a small reply is not marked as cut', () => {
        const outcome = parseQueryResult(reply([{ Name: 'x'.repeat(5000) }]), 'SELECT Name FROM Account');
        assert.ok(outcome.ok);
        assert.equal(outcome.rows[0]![0]!.length, TABLE_LIMITS.cellChars + 1);
        assert.equal(outcome.cut, undefined);
    });
});

describe('parseIntrospection', () => {
    const cases: Array<[string, Reply, string]> = [
        ['an active token', json(200, { active: true, exp: 1700007200, iat: 1700000000, scope: 'api' }), 'active'],
        ['an inactive token', json(200, { active: false }), 'inactive'],
        ['a refusal of the client', json(401, { error: 'invalid_client', error_description: 'x' }), 'refused'],
    ];
    for (const [name, reply, kind] of cases) {
        it(`${name} reads as ${kind}`, () => assert.equal(parseIntrospection(reply).kind, kind));
    }
    it('an answer without "active" is a bad response', () => {
        assert.throws(
            () => parseIntrospection(json(200, { exp: 1 })),
            (err: unknown) => err instanceof AppError && err.code === 'bad_response',
        );
    });
    it('an active token keeps its expiry in seconds', () => {
        const status = parseIntrospection(json(200, { active: true, exp: 1700007200 }));
        assert.deepEqual(status, {
            kind: 'active',
            exp: 1700007200,
            iat: undefined,
            scope: undefined,
            username: undefined,
        });
    });
});

describe('parseRevokeAnswer: what the revoke endpoint said', () => {
    const reply = (status: number, contentType: string, body: string) => ({ status, contentType, body });
    const cases: Array<[string, ReturnType<typeof reply>, SalesforceError | undefined]> = [
        ['200 with an empty body: revoked', reply(200, '', ''), undefined],
        [
            'a form-encoded 400, as real orgs send it',
            reply(
                400,
                'application/x-www-form-urlencoded',
                'error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported',
            ),
            { error: 'unsupported_token_type', description: 'this token type is not supported', httpStatus: 400 },
        ],
        [
            'a JSON 400',
            reply(400, 'application/json', '{"error":"invalid_token","error_description":"invalid token"}'),
            { error: 'invalid_token', description: 'invalid token', httpStatus: 400 },
        ],
        [
            'a 404 Bad_Id for a token the org cannot find',
            reply(404, 'text/plain', 'Bad_Id'),
            { error: 'Bad_Id', httpStatus: 404 },
        ],
        ['a 404 with no body', reply(404, 'text/plain', ''), { error: 'Bad_Id', httpStatus: 404 }],
    ];
    for (const [what, answer, expected] of cases) {
        it(`${what}: ${expected?.error ?? 'revoked'}`, () => {
            assert.deepEqual(parseRevokeAnswer(answer), expected);
        });
    }

    it('a 500 is no answer about the token: a bad_response error', () => {
        assert.throws(() => parseRevokeAnswer(reply(500, 'text/html', 'oops')), { code: 'bad_response' });
    });
});
