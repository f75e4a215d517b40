// The simulator answers as Salesforce's documentation says Salesforce does: the same codes, texts, fields and
// status codes. The app's tests lean on it, so its own behaviour is pinned here, over HTTP.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

const CLIENT_ID = '3MVG9SIM.TEST';
const SECRET = 'simulator-test-secret';
const CALLBACK = 'http://localhost:7777/callback';

describe('simulator', () => {
    let sim: Simulator;
    before(async () => {
        sim = await startSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, callbackUrls: [CALLBACK] });
    });
    after(() => sim.close());
    beforeEach(() => {
        sim.resetFaults();
        Object.assign(sim.settings, { codeTtlMs: 15 * 60_000, rotateRefreshTokens: false, appInstalled: true });
    });

    function authorizeUrl(params: Record<string, string>, realm: 'production' | 'sandbox' = 'production'): string {
        const url = new URL('/services/oauth2/authorize', sim.urls[realm]);
        url.search = new URLSearchParams({
            response_type: 'code',
            client_id: CLIENT_ID,
            redirect_uri: CALLBACK,
            ...params,
        }).toString();
        return url.href;
    }

    /** Authorize and log in; returns the code, the verifier and the redirect it came back on. */
    async function code(realm: 'production' | 'sandbox' = 'production', extra: Record<string, string> = {}) {
        const verifier = randomBytes(32).toString('base64url');
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const page = await (
            await fetch(
                authorizeUrl(
                    { state: 's1', code_challenge: challenge, code_challenge_method: 'S256', ...extra },
                    realm,
                ),
            )
        ).text();
        const request = /name="request" value="([a-f0-9]+)"/.exec(page)![1]!;
        const reply = await fetch(`${sim.urls[realm]}/services/oauth2/authorize/decision`, {
            method: 'POST',
            redirect: 'manual',
            body: new URLSearchParams({ request, decision: 'allow', username: 'sim@example.com' }),
        });
        const location = new URL(reply.headers.get('location')!);
        return { code: location.searchParams.get('code')!, verifier, location };
    }

    function token(form: Record<string, string>, realm: 'production' | 'sandbox' = 'production') {
        return fetch(`${sim.urls[realm]}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams(form) });
    }

    function exchange(
        c: { code: string; verifier: string },
        overrides: Record<string, string> = {},
        realm: 'production' | 'sandbox' = 'production',
    ) {
        return token(
            {
                grant_type: 'authorization_code',
                code: c.code,
                client_id: CLIENT_ID,
                client_secret: SECRET,
                redirect_uri: CALLBACK,
                code_verifier: c.verifier,
                ...overrides,
            },
            realm,
        );
    }

    async function oauthError(res: Response) {
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json;charset=UTF-8/);
        assert.equal(res.headers.get('cache-control'), 'no-cache, no-store');
        return (await res.json()) as { error: string; error_description: string };
    }

    it('an unknown client_id at /authorize gets a plain-text 400 and no redirect', async () => {
        const res = await fetch(authorizeUrl({ client_id: 'nope' }), { redirect: 'manual' });
        assert.equal(res.status, 400);
        assert.equal(await res.text(), 'error=invalid_client_id&error_description=client%20identifier%20invalid');
    });

    it('a redirect_uri that is not registered gets a plain-text 400 and no redirect', async () => {
        const res = await fetch(authorizeUrl({ redirect_uri: 'http://127.0.0.1:7777/callback' }), {
            redirect: 'manual',
        });
        assert.equal(res.status, 400);
        assert.equal(
            await res.text(),
            'error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration',
        );
    });

    it('without a code challenge while PKCE is required, redirects back with invalid_request and the state', async () => {
        const res = await fetch(authorizeUrl({ state: 'xyz' }), { redirect: 'manual' });
        assert.equal(res.status, 302);
        const back = new URL(res.headers.get('location')!);
        assert.equal(back.searchParams.get('error'), 'invalid_request');
        assert.equal(back.searchParams.get('error_description'), 'missing required code challenge');
        assert.equal(back.searchParams.get('state'), 'xyz');
    });

    it("a scope the app lacks redirects, as real orgs do, to the My Domain's RemoteAccessErrorPage, whose page names no error", async () => {
        const res = await fetch(authorizeUrl({ scope: 'api mcp_api', code_challenge: 'x'.repeat(43) }), {
            redirect: 'manual',
        });
        assert.equal(res.status, 302);
        const location = new URL(res.headers.get('location')!);
        assert.equal(location.origin, sim.urls.mydomain);
        assert.equal(location.pathname, '/setup/secur/RemoteAccessErrorPage.apexp');
        assert.equal(location.searchParams.get('error'), 'invalid_scope');
        assert.equal(location.searchParams.get('error_description'), 'the requested scope is not allowed');
        const page = await (await fetch(location)).text();
        assert.match(page, /OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error has occured during authentication/);
        assert.doesNotMatch(page, /invalid_scope/);
    });

    it("jsforce's PKCE (a 171-character verifier, over RFC 7636's 128) is accepted, as real orgs accept it", async () => {
        // jsforce, which the Salesforce CLI's web login uses, draws 128 random bytes.
        const verifier = randomBytes(128).toString('base64url');
        assert.equal(verifier.length, 171);
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const page = await (
            await fetch(authorizeUrl({ state: 's', code_challenge: challenge, code_challenge_method: 'S256' }))
        ).text();
        const request = /name="request" value="([a-f0-9]+)"/.exec(page)![1]!;
        const reply = await fetch(`${sim.urls.production}/services/oauth2/authorize/decision`, {
            method: 'POST',
            redirect: 'manual',
            body: new URLSearchParams({ request, decision: 'allow' }),
        });
        const c = new URL(reply.headers.get('location')!).searchParams.get('code')!;
        const res = await exchange({ code: c, verifier });
        assert.equal(res.status, 200);
        assert.ok(((await res.json()) as Record<string, string>).access_token);
    });

    it('a refresh that sends a code_verifier is refused with invalid_grant / unexpected code verifier', async () => {
        const body = (await (await exchange(await code())).json()) as Record<string, string>;
        const refresh = (extra: Record<string, string>) =>
            token({
                grant_type: 'refresh_token',
                refresh_token: body.refresh_token!,
                client_id: CLIENT_ID,
                client_secret: SECRET,
                ...extra,
            });
        assert.deepEqual(await oauthError(await refresh({ code_verifier: randomBytes(32).toString('base64url') })), {
            error: 'invalid_grant',
            error_description: 'unexpected code verifier',
        });
        assert.equal((await refresh({})).status, 200, 'the same refresh without it works');
    });

    it('the token answer lists its fields in the order real orgs send them', async () => {
        const body = (await (await exchange(await code())).json()) as Record<string, string>;
        assert.deepEqual(Object.keys(body), [
            'access_token',
            'refresh_token',
            'signature',
            'scope',
            'instance_url',
            'id',
            'token_type',
            'issued_at',
        ]);
    });

    it('every API version from 31.0 to 68.0 is listed and served: jsforce queries at its default 50.0', async () => {
        const body = (await (await exchange(await code())).json()) as Record<string, string>;
        const versions = (await (await fetch(`${body.instance_url}/services/data/`)).json()) as Array<{
            version: string;
            label: string;
        }>;
        assert.equal(versions.length, 38);
        assert.deepEqual(versions[0], { label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
        assert.equal(versions.find((v) => v.version === '66.0')?.label, "Spring '26");
        assert.equal(versions.at(-1)?.version, '68.0');
        const res = await fetch(`${body.instance_url}/services/data/v50.0/query?q=SELECT+Id+FROM+Account`, {
            headers: { authorization: `Bearer ${body.access_token}` },
        });
        assert.equal(res.status, 200);
    });

    it('an id_token carries what real ones carry: at_hash, sub, aud, iss, exp, iat, and the nonce asked for; nothing else', async () => {
        const scopes = sim.settings.scopes;
        sim.settings.scopes = [...scopes, 'openid'];
        try {
            const body = (await (
                await exchange(await code('production', { scope: 'api openid', nonce: 'n-123' }))
            ).json()) as Record<string, string>;
            const claims = JSON.parse(Buffer.from(body.id_token!.split('.')[1]!, 'base64url').toString()) as Record<
                string,
                unknown
            >;
            assert.deepEqual(Object.keys(claims).sort(), ['at_hash', 'aud', 'exp', 'iat', 'iss', 'nonce', 'sub']);
            const half = createHash('sha256').update(body.access_token!).digest().subarray(0, 16);
            assert.equal(claims.at_hash, half.toString('base64url'), 'OpenID Connect Core §3.1.3.6');
            assert.equal(claims.sub, body.id);
            assert.equal(claims.iss, sim.urls.production);
            assert.equal(claims.nonce, 'n-123');
        } finally {
            sim.settings.scopes = scopes;
        }
    });

    it("introspection's sub is the token user's identity URL, as Salesforce documents it", async () => {
        const body = (await (await exchange(await code())).json()) as Record<string, string>;
        const res = await fetch(`${sim.urls.production}/services/oauth2/introspect`, {
            method: 'POST',
            body: new URLSearchParams({ token: body.access_token!, client_id: CLIENT_ID, client_secret: SECRET }),
        });
        const answer = (await res.json()) as Record<string, unknown>;
        assert.equal(answer.active, true);
        assert.equal(answer.sub, body.id);
    });

    it('a code comes back as aPrx…== with the state, and redeems once for a signed token', async () => {
        const c = await code();
        assert.match(c.code, /^aPrx[A-Za-z0-9+/]+==$/);
        assert.equal(c.location.searchParams.get('state'), 's1');
        const res = await exchange(c);
        assert.equal(res.status, 200);
        const body = (await res.json()) as Record<string, string>;
        assert.deepEqual(Object.keys(body).sort(), [
            'access_token',
            'id',
            'instance_url',
            'issued_at',
            'refresh_token',
            'scope',
            'signature',
            'token_type',
        ]);
        assert.match(body.access_token!, /^00D5g000004SimA!AR/);
        assert.match(body.refresh_token!, /^5Aep861/);
        assert.match(body.issued_at!, /^\d{13}$/);
        assert.equal(body.token_type, 'Bearer');
        assert.equal(
            body.signature,
            createHmac('sha256', SECRET)
                .update(body.id! + body.issued_at!)
                .digest('base64'),
        );
        const again = await oauthError(await exchange(c));
        assert.deepEqual(again, { error: 'invalid_grant', error_description: 'expired authorization code' });
    });

    it('a code older than its lifetime is refused as an expired authorization code', async () => {
        sim.settings.codeTtlMs = 1;
        const c = await code();
        await new Promise((r) => setTimeout(r, 10));
        assert.deepEqual(await oauthError(await exchange(c)), {
            error: 'invalid_grant',
            error_description: 'expired authorization code',
        });
    });

    const tokenErrors: Array<[string, (c: { code: string; verifier: string }) => Promise<Response>, string, string]> = [
        [
            'a wrong verifier',
            (c) => exchange(c, { code_verifier: randomBytes(32).toString('base64url') }),
            'invalid_grant',
            'invalid code verifier',
        ],
        [
            'a verifier with ~ (RFC-legal, refused by Salesforce)',
            (c) => exchange(c, { code_verifier: `${c.verifier}~` }),
            'invalid_grant',
            'invalid code verifier',
        ],
        ['no verifier', (c) => exchange(c, { code_verifier: '' }), 'invalid_grant', 'invalid code verifier'],
        [
            'a wrong secret',
            (c) => exchange(c, { client_secret: 'wrong' }),
            'invalid_client',
            'invalid client credentials',
        ],
        [
            'an unknown client_id',
            (c) => exchange(c, { client_id: 'nope' }),
            'invalid_client_id',
            'client identifier invalid',
        ],
        [
            'another redirect_uri',
            (c) => exchange(c, { redirect_uri: 'http://127.0.0.1:7777/callback' }),
            'redirect_uri_mismatch',
            'redirect_uri must match configuration',
        ],
        [
            'grant_type=password',
            (c) => exchange(c, { grant_type: 'password' }),
            'unsupported_grant_type',
            'grant type not supported',
        ],
        ['the code at the sandbox host', (c) => exchange(c, {}, 'sandbox'), 'invalid_grant', 'authentication failure'],
        ['a made-up code', (c) => exchange({ ...c, code: 'aPrxmadeup==' }), 'invalid_grant', 'authentication failure'],
    ];
    for (const [name, send, error, description] of tokenErrors) {
        it(`a token request with ${name} gets 400 ${error} / "${description}"`, async () => {
            const c = await code();
            assert.deepEqual(await oauthError(await send(c)), { error, error_description: description });
        });
    }

    it('refresh returns a new access token without a refresh token, or a new one with rotation, and refuses the rotated-out one', async () => {
        const first = (await (await exchange(await code())).json()) as Record<string, string>;
        const plain = (await (
            await token({
                grant_type: 'refresh_token',
                refresh_token: first.refresh_token!,
                client_id: CLIENT_ID,
                client_secret: SECRET,
            })
        ).json()) as Record<string, string>;
        assert.ok(plain.access_token && plain.access_token !== first.access_token);
        assert.equal(plain.refresh_token, undefined);
        sim.settings.rotateRefreshTokens = true;
        try {
            const rotated = (await (
                await token({
                    grant_type: 'refresh_token',
                    refresh_token: first.refresh_token!,
                    client_id: CLIENT_ID,
                    client_secret: SECRET,
                })
            ).json()) as Record<string, string>;
            assert.ok(rotated.refresh_token && rotated.refresh_token !== first.refresh_token);
            const old = await token({
                grant_type: 'refresh_token',
                refresh_token: first.refresh_token!,
                client_id: CLIENT_ID,
                client_secret: SECRET,
            });
            assert.deepEqual(await oauthError(old), {
                error: 'invalid_grant',
                error_description: 'expired access/refresh token',
            });
        } finally {
            sim.settings.rotateRefreshTokens = false;
        }
    });

    it('revoke answers 200 with an empty body, then a form-encoded 400 unsupported_token_type for the same token or none', async () => {
        const body = (await (await exchange(await code())).json()) as Record<string, string>;
        const revoke = (t: string) =>
            fetch(`${sim.urls.production}/services/oauth2/revoke`, {
                method: 'POST',
                body: new URLSearchParams({ token: t }),
            });
        const ok = await revoke(body.refresh_token!);
        assert.equal(ok.status, 200);
        assert.equal(await ok.text(), '');
        for (const again of [await revoke(body.refresh_token!), await revoke('')]) {
            assert.equal(again.status, 400);
            assert.match(again.headers.get('content-type') ?? '', /^application\/x-www-form-urlencoded/);
            assert.equal(
                await again.text(),
                'error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported',
            );
        }
        // Revoking a refresh token revokes its access tokens.
        const id = await fetch(body.id!, { headers: { authorization: `Bearer ${body.access_token}` } });
        assert.equal(id.status, 403);
        assert.equal(await id.text(), 'Bad_OAuth_Token');
    });

    it('the identity URL answers the documented fields to its bearer, and 403 Bad_OAuth_Token to a bad token', async () => {
        const body = (await (await exchange(await code())).json()) as Record<string, string>;
        const identity = (await (
            await fetch(body.id!, { headers: { authorization: `Bearer ${body.access_token}` } })
        ).json()) as Record<string, unknown>;
        for (const field of [
            'id',
            'user_id',
            'organization_id',
            'username',
            'display_name',
            'email',
            'user_type',
            'urls',
        ])
            assert.ok(field in identity, field);
        assert.equal(identity.username, 'sim@example.com');
        assert.equal(identity.id, body.id);
        const bad = await fetch(body.id!, { headers: { authorization: 'Bearer nope' } });
        assert.equal(bad.status, 403);
        assert.equal(await bad.text(), 'Bad_OAuth_Token');
    });

    it('/services/data/ lists versions, and the query endpoint answers records or REST errors as arrays', async () => {
        const body = (await (await exchange(await code())).json()) as Record<string, string>;
        const versions = (await (await fetch(`${body.instance_url}/services/data/`)).json()) as Array<{
            version: string;
        }>;
        const latest = versions.at(-1)!.version;
        const query = (q: string, t = body.access_token!) =>
            fetch(`${body.instance_url}/services/data/v${latest}/query?q=${encodeURIComponent(q)}`, {
                headers: { authorization: `Bearer ${t}` },
            });
        const ok = (await (await query('SELECT Id, Name FROM Account LIMIT 2')).json()) as {
            totalSize: number;
            done: boolean;
            records: Array<Record<string, unknown>>;
        };
        assert.equal(ok.totalSize, 2);
        assert.equal(ok.done, true);
        assert.deepEqual(Object.keys(ok.records[0]!), ['attributes', 'Id', 'Name']);
        const unauthorized = await query('SELECT Id FROM Account', 'nope');
        assert.equal(unauthorized.status, 401);
        assert.deepEqual(await unauthorized.json(), [
            { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
        ]);
        const malformed = await query('SELECT FROM');
        assert.equal(malformed.status, 400);
        assert.equal(((await malformed.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'MALFORMED_QUERY');
    });

    it('answers only its own loopback names: a rebound host name gets 421 and no login page', async () => {
        const port = new URL(sim.urls.production).port;
        const rebound = await new Promise<number>((resolve, reject) => {
            http.get(
                {
                    host: '127.0.0.1',
                    port,
                    path: '/services/oauth2/authorize',
                    headers: { host: `evil.example:${port}` },
                },
                (res) => {
                    res.resume();
                    resolve(res.statusCode ?? 0);
                },
            ).on('error', reject);
        });
        assert.equal(rebound, 421);
    });

    async function tokensFor(extra: Record<string, string> = {}) {
        const res = await exchange(await code('production', extra));
        assert.equal(res.status, 200);
        return (await res.json()) as Record<string, string>;
    }

    function refresh(refreshToken: string) {
        return token({
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
            client_id: CLIENT_ID,
            client_secret: SECRET,
        });
    }

    it('instance_url is the org My Domain, while id stays on the login host', async () => {
        const body = await tokensFor();
        assert.equal(body.instance_url, sim.urls.mydomain);
        assert.ok(body.id!.startsWith(`${sim.urls.production}/id/`));
    });

    it('the REST API answers on the instance, not on the login host', async () => {
        const body = await tokensFor();
        const headers = { authorization: `Bearer ${body.access_token}` };
        const onLogin = await fetch(`${sim.urls.production}/services/data/v66.0/query?q=SELECT+Id+FROM+Account`, {
            headers,
        });
        assert.equal(onLogin.status, 404);
        const onInstance = await fetch(`${body.instance_url}/services/data/v66.0/query?q=SELECT+Id+FROM+Account`, {
            headers,
        });
        assert.equal(onInstance.status, 200);
    });

    it('a token granted without the api scope gets 401 INVALID_SESSION_ID "not valid for use with the REST API"', async () => {
        const body = await tokensFor({ scope: 'web refresh_token' });
        const res = await fetch(`${body.instance_url}/services/data/v66.0/query?q=SELECT+Id+FROM+Account`, {
            headers: { authorization: `Bearer ${body.access_token}` },
        });
        assert.equal(res.status, 401);
        assert.deepEqual(await res.json(), [
            { message: 'This session is not valid for use with the REST API', errorCode: 'INVALID_SESSION_ID' },
        ]);
    });

    it('offline_access alone grants a refresh token, as refresh_token does', async () => {
        sim.settings.scopes = ['api', 'refresh_token', 'offline_access', 'web'];
        try {
            assert.ok((await tokensFor({ scope: 'api offline_access' })).refresh_token);
            assert.equal((await tokensFor({ scope: 'api' })).refresh_token, undefined);
        } finally {
            sim.settings.scopes = ['api', 'refresh_token', 'web'];
        }
    });

    it('with rotation, reusing a rotated-out refresh token revokes the whole family, the newest refresh token included', async () => {
        sim.settings.rotateRefreshTokens = true;
        const first = await tokensFor();
        const rotated = (await (await refresh(first.refresh_token!)).json()) as Record<string, string>;
        assert.ok(rotated.refresh_token && rotated.refresh_token !== first.refresh_token);
        const reuse = await oauthError(await refresh(first.refresh_token!));
        assert.equal(reuse.error, 'invalid_grant');
        assert.equal((await oauthError(await refresh(rotated.refresh_token))).error, 'invalid_grant');
        const res = await fetch(`${rotated.instance_url}/services/data/v66.0/query?q=SELECT+Id+FROM+Account`, {
            headers: { authorization: `Bearer ${rotated.access_token}` },
        });
        assert.equal(res.status, 401);
    });

    it('two refreshes with the same token at the same moment: the second gets "token request is already being processed"', async () => {
        const first = await tokensFor();
        sim.settings.tokenDelayMs = 50;
        const [a, b] = await Promise.all([refresh(first.refresh_token!), refresh(first.refresh_token!)]);
        assert.deepEqual([a.status, b.status].sort(), [200, 400]);
        const refused = a.status === 400 ? a : b;
        assert.deepEqual(await refused.json(), {
            error: 'invalid_grant',
            error_description: 'token request is already being processed',
        });
    });

    it('an External Client App not installed in the org answers app_not_found at token and refresh', async () => {
        const first = await tokensFor();
        sim.settings.appInstalled = false;
        assert.deepEqual(await oauthError(await exchange(await code())), {
            error: 'app_not_found',
            error_description: 'External client app is not installed in this org',
        });
        assert.equal((await oauthError(await refresh(first.refresh_token!))).error, 'app_not_found');
    });

    it('a MALFORMED_QUERY message spans lines: the query, a caret under the column, then the position', async () => {
        const body = await tokensFor();
        const res = await fetch(
            `${body.instance_url}/services/data/v66.0/query?q=${encodeURIComponent('SELECT Id FROM')}`,
            {
                headers: { authorization: `Bearer ${body.access_token}` },
            },
        );
        const [error] = (await res.json()) as Array<{ message: string; errorCode: string }>;
        assert.equal(error!.errorCode, 'MALFORMED_QUERY');
        assert.equal(
            error!.message,
            "\nSELECT Id FROM\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FROM'",
        );
    });
});

describe('the simulator on loopback', () => {
    it('holds [::1] as well as 127.0.0.1 on each port, so no other program can take the address a browser tries first', async (t) => {
        const sim = await startSimulator({ clientId: CLIENT_ID });
        t.after(() => sim.close());
        const port = Number(new URL(sim.urls.production).port);
        const squatter = http.createServer();
        const outcome = await new Promise<string>((resolve) => {
            squatter.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
            squatter.listen({ port, host: '::1', ipv6Only: true }, () => resolve('bound'));
        });
        squatter.close();
        assert.ok(outcome === 'EADDRINUSE' || outcome === 'EADDRNOTAVAIL', outcome);
    });

    it('refuses to start on a fixed port whose [::1] is taken', async (t) => {
        const squatter = http.createServer();
        const port = await new Promise<number>((resolve, reject) => {
            squatter.once('error', reject);
            squatter.listen({ port: 0, host: '::1', ipv6Only: true }, () =>
                resolve((squatter.address() as AddressInfo).port),
            );
        }).catch(() => undefined);
        t.after(() => squatter.close());
        if (port === undefined) return t.skip('this machine has no IPv6 loopback');
        await assert.rejects(startSimulator({ clientId: CLIENT_ID }, { ports: { production: port } }), {
            code: 'EADDRINUSE',
        });
    });

    it('its pages refuse to be framed', async (t) => {
        const sim = await startSimulator({ clientId: CLIENT_ID });
        t.after(() => sim.close());
        const res = await fetch(`${sim.urls.production}/`);
        assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'");
        assert.equal(res.headers.get('x-frame-options'), 'DENY');
    });
});
