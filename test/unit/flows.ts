// The pure steps of the flows without a browser and of the transcript: which flow the form asked for, the
// username, the assertion's audience and claims, the key a JWT is signed with, and how each secret is masked.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import { parseAudienceChoice, parseFlow, parseUsername } from '../../src/input.js';
import {
    ASSERTION_LIFETIME_S,
    assertionContent,
    audienceFor,
    signAssertion,
    type AudienceInput,
} from '../../src/oauth/jwt-assertion.js';
import { readPrivateKey } from '../../src/oauth/jwt-key.js';
import { curlOf, maskAnswer, maskJwt, maskSecret, recordExchange, Transcript } from '../../src/transcript.js';

function refusal(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof AppError);
        return err.message;
    }
    assert.fail('the input was accepted');
}

describe('parseFlow', () => {
    const accepted: Array<[string | undefined, string]> = [
        [undefined, 'web_server'],
        ['', 'web_server'],
        ['web_server', 'web_server'],
        ['client_credentials', 'client_credentials'],
        [' jwt_bearer ', 'jwt_bearer'],
    ];
    for (const [input, flow] of accepted) {
        it(`reads ${JSON.stringify(input)} as ${flow}`, () => assert.equal(parseFlow(input), flow));
    }
    for (const input of ['password', 'username_password', 'Username-Password']) {
        it(`refuses "${input}", naming the retirement and the replacement`, () => {
            assert.match(
                refusal(() => parseFlow(input)),
                /retires on 2027-02-20\. Use Client Credentials/,
            );
        });
    }
    it('refuses an unknown flow, naming the three it knows', () => {
        assert.match(
            refusal(() => parseFlow('implicit')),
            /Unknown flow "implicit": choose web_server/,
        );
    });
});

describe('parseAudienceChoice', () => {
    const cases: Array<[string | undefined, string]> = [
        [undefined, 'login_host'],
        ['', 'login_host'],
        ['login_host', 'login_host'],
        ['my_domain', 'my_domain'],
    ];
    for (const [input, choice] of cases) {
        it(`reads ${JSON.stringify(input)} as ${choice}`, () => assert.equal(parseAudienceChoice(input), choice));
    }
    it('refuses anything else', () =>
        assert.match(
            refusal(() => parseAudienceChoice('site')),
            /Unknown audience/,
        ));
});

describe('parseUsername', () => {
    it('keeps a username, trimmed', () => assert.equal(parseUsername('  ci@acme.com '), 'ci@acme.com'));
    const refused: Array<[string | undefined, RegExp]> = [
        [undefined, /Enter the username/],
        ['  ', /Enter the username/],
        ['ci user@acme.com', /look like an email address/],
        ['ci.acme.com', /look like an email address/],
        [`${'a'.repeat(80)}@acme.com`, /at most 80 characters/],
    ];
    for (const [input, expected] of refused) {
        it(`refuses ${JSON.stringify(input)}`, () =>
            assert.match(
                refusal(() => parseUsername(input)),
                expected,
            ));
    }
});

describe('audienceFor: the aud Salesforce expects', () => {
    const base = {
        productionUrl: 'https://login.salesforce.com',
        sandboxUrl: 'https://test.salesforce.com',
        site: false,
    };
    const cases: Array<[string, Omit<AudienceInput, keyof typeof base> & { site?: boolean }, string]> = [
        [
            'Production',
            { environment: 'Production', loginHost: 'login.salesforce.com', baseUrl: 'https://login.salesforce.com' },
            'https://login.salesforce.com',
        ],
        [
            'Dev',
            { environment: 'Dev', loginHost: 'login.salesforce.com', baseUrl: 'https://login.salesforce.com' },
            'https://login.salesforce.com',
        ],
        [
            'Sandbox',
            { environment: 'Sandbox', loginHost: 'test.salesforce.com', baseUrl: 'https://test.salesforce.com' },
            'https://test.salesforce.com',
        ],
        [
            'a production My Domain',
            { environment: 'Custom', loginHost: 'acme.my.salesforce.com', baseUrl: 'https://acme.my.salesforce.com' },
            'https://login.salesforce.com',
        ],
        [
            'a sandbox My Domain',
            {
                environment: 'Custom',
                loginHost: 'acme--uat.sandbox.my.salesforce.com',
                baseUrl: 'https://acme--uat.sandbox.my.salesforce.com',
            },
            'https://test.salesforce.com',
        ],
        [
            'a scratch org My Domain',
            {
                environment: 'Custom',
                loginHost: 'x.scratch.my.salesforce.com',
                baseUrl: 'https://x.scratch.my.salesforce.com',
            },
            'https://test.salesforce.com',
        ],
        [
            'a My Domain, asked to be its own audience',
            {
                environment: 'Custom',
                loginHost: 'acme.my.salesforce.com',
                baseUrl: 'https://acme.my.salesforce.com',
                audience: 'my_domain',
            },
            'https://acme.my.salesforce.com',
        ],
        [
            'an Experience Cloud site',
            {
                environment: 'Custom',
                loginHost: 'acme.my.site.com/partners',
                baseUrl: 'https://acme.my.site.com/partners',
                site: true,
            },
            'https://acme.my.site.com/partners',
        ],
    ];
    for (const [what, input, aud] of cases) {
        it(`${what}: ${aud}`, () => assert.equal(audienceFor({ ...base, ...input }), aud));
    }
});

describe('the JWT Bearer assertion', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const content = assertionContent({
        clientId: '3MVG9KEY',
        username: 'ci@acme.com',
        audience: 'https://login.salesforce.com',
        nowMs: 1_700_000_000_500,
    });

    it('claims iss = Consumer Key, sub = username, aud, and exp three minutes ahead in whole seconds', () => {
        assert.deepEqual(content, {
            header: { alg: 'RS256' },
            claims: {
                iss: '3MVG9KEY',
                sub: 'ci@acme.com',
                aud: 'https://login.salesforce.com',
                exp: 1_700_000_000 + ASSERTION_LIFETIME_S,
            },
        });
        assert.equal(ASSERTION_LIFETIME_S, 180);
    });

    it('is a compact JWS whose RS256 signature verifies with the public key (RFC 7515 §5.2)', async () => {
        const jwt = await signAssertion(content, privateKey);
        const [header, payload, signature] = jwt.split('.');
        assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: 'RS256' });
        assert.deepEqual(JSON.parse(Buffer.from(payload!, 'base64url').toString()), content.claims);
        const input = Buffer.from(`${header}.${payload}`);
        assert.ok(verify('sha256', input, createPublicKey(privateKey), Buffer.from(signature!, 'base64url')));
    });
});

describe('readPrivateKey', () => {
    const rsa = (bits: number) =>
        generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    it('accepts a 2048-bit RSA key in PKCS#8 and in PKCS#1', () => {
        const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
        for (const type of ['pkcs8', 'pkcs1'] as const) {
            const read = readPrivateKey(key.export({ type, format: 'pem' }));
            assert.equal(read.asymmetricKeyDetails?.modulusLength, 2048);
        }
    });
    const refused: Array<[string, () => string | Buffer, RegExp]> = [
        ['text', () => 'not a key', /no unencrypted PEM private key/],
        ['a 1024-bit RSA key', () => rsa(1024), /1024-bit RSA key/],
        [
            'an EC key',
            () =>
                generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
            /an ec key/,
        ],
        [
            'an encrypted key',
            () =>
                generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
                    type: 'pkcs8',
                    format: 'pem',
                    cipher: 'aes-256-cbc',
                    passphrase: 'secret',
                }),
            /no unencrypted PEM private key/,
        ],
    ];
    for (const [what, make, expected] of refused) {
        it(`refuses ${what}`, () =>
            assert.match(
                refusal(() => readPrivateKey(make())),
                expected,
            ));
    }
});

describe('masking a transcript', () => {
    const masks: Array<[string, string]> = [
        ['short', '•••'],
        ['0123456789', '•••'],
        ['SENTINEL-SECRET-7f3a', 'SE…3a'],
        ['a'.repeat(30) + 'xyz', 'aaa…xyz'],
        ['00D5g000004SimA!AR' + 'x'.repeat(80) + 'wxyz', '00D5…wxyz'],
    ];
    for (const [value, masked] of masks) {
        it(`masks ${value.length} characters as ${masked}`, () => assert.equal(maskSecret(value), masked));
    }

    it('a JWT keeps its header and claims and loses its signature', () => {
        const signature = 's'.repeat(300);
        assert.equal(maskJwt(`aGVhZA.Y2xhaW1z.${signature}`), 'aGVhZA.Y2xhaW1z.ssss…ssss');
    });

    it("a token answer's access, refresh and id tokens are masked; other fields stay", () => {
        const answer = maskAnswer(
            JSON.stringify({
                access_token: `00D!${'a'.repeat(60)}`,
                refresh_token: `5Aep${'b'.repeat(60)}`,
                id_token: `h.c.${'c'.repeat(300)}`,
                instance_url: 'https://acme.my.salesforce.com',
            }),
            [],
        );
        assert.doesNotMatch(answer, /a{10}|b{10}|c{10}/);
        assert.match(answer, /"instance_url": "https:\/\/acme\.my\.salesforce\.com"/);
        assert.match(answer, /"id_token": "h\.c\.cccc…cccc"/);
    });

    it('a secret the request carried is masked wherever the answer repeats it', () => {
        const token = `00D!${'q'.repeat(60)}`;
        assert.equal(maskAnswer(`<p>bad token ${token}</p>`, [token]), `<p>bad token ${maskSecret(token)}</p>`);
    });

    it('a long answer is cut', () => {
        assert.ok(maskAnswer('x'.repeat(10_000), []).length < 4100);
    });

    it('the recorded exchange masks each secret field and the bearer, and keeps the rest', () => {
        const exchange = recordExchange(
            {
                method: 'POST',
                url: 'https://login.salesforce.com/services/oauth2/token',
                form: {
                    grant_type: 'authorization_code',
                    code: `aPrx${'c'.repeat(60)}`,
                    client_id: '3MVG9KEY',
                    client_secret: 'S'.repeat(64),
                    code_verifier: 'v'.repeat(43),
                    skipped: undefined,
                },
            },
            { status: 200, body: '{}' },
            { startedAt: 1, ms: 12.5 },
        );
        assert.deepEqual(exchange.form, [
            ['grant_type', 'authorization_code'],
            ['code', 'aPrx…cccc'],
            ['client_id', '3MVG9KEY'],
            ['client_secret', 'SSSS…SSSS'],
            ['code_verifier', 'vvvv…vvvv'],
        ]);
        assert.equal(exchange.status, 200);
        assert.equal(exchange.ms, 12.5);
    });

    it('a call that got no answer is recorded with why', () => {
        const exchange = recordExchange(
            { method: 'GET', url: 'https://x.my.salesforce.com/id/00D/005', bearer: 't'.repeat(100) },
            { failure: 'Salesforce did not answer' },
            { startedAt: 1, ms: 5000 },
        );
        assert.equal(exchange.failure, 'Salesforce did not answer');
        assert.equal(exchange.bearer, 'tttt…tttt');
    });

    it('curl puts a shell variable where each secret goes and quotes the rest', () => {
        const curl = curlOf({
            method: 'POST',
            url: 'https://login.salesforce.com/services/oauth2/token',
            form: { grant_type: 'refresh_token', refresh_token: 'r'.repeat(80), client_id: "it's" },
        });
        assert.equal(
            curl,
            `curl -X POST 'https://login.salesforce.com/services/oauth2/token' --data-urlencode 'grant_type=refresh_token' --data-urlencode "refresh_token=$SF_REFRESH_TOKEN" --data-urlencode 'client_id=it'\\''s'`,
        );
        assert.equal(
            curlOf({ method: 'GET', url: 'https://x/id', bearer: 'b'.repeat(50) }),
            `curl 'https://x/id' -H "Authorization: Bearer $SF_ACCESS_TOKEN"`,
        );
    });

    it('the transcript keeps about its budget of characters: long answers push out the oldest, the newest stays', () => {
        const transcript = new Transcript({ exchanges: 40, chars: 10_000 });
        for (let i = 0; i < 10; i++) {
            transcript.add(
                recordExchange(
                    { method: 'GET', url: `https://x/${i}` },
                    { status: 200, body: 'y'.repeat(3000) },
                    { startedAt: i, ms: 1 },
                ),
            );
        }
        const { exchanges, dropped } = transcript.list();
        assert.deepEqual(
            exchanges.map((e) => e.startedAt),
            [7, 8, 9],
        );
        assert.equal(dropped, 7);
        const huge = new Transcript({ exchanges: 40, chars: 10 });
        huge.add(
            recordExchange({ method: 'GET', url: 'https://x/' }, { status: 200, body: 'z' }, { startedAt: 1, ms: 1 }),
        );
        assert.equal(huge.list().exchanges.length, 1, 'the newest exchange is always kept');
    });

    it('the transcript lists exchanges by when they were sent and keeps the newest', () => {
        const transcript = new Transcript({ exchanges: 2, chars: 100_000 });
        const at = (startedAt: number) =>
            recordExchange(
                { method: 'GET', url: `https://x/${startedAt}` },
                { status: 200, body: '' },
                { startedAt, ms: 1 },
            );
        transcript.add(at(3));
        transcript.add(at(1));
        transcript.add(at(2));
        const { exchanges, dropped } = transcript.list();
        assert.deepEqual(
            exchanges.map((e) => e.startedAt),
            [1, 2],
        );
        assert.equal(dropped, 1);
    });
});
