// Hostile or broken input on /login, /callback and the result-page actions that the other files do not
// already cover. Each gets its status, a readable page with the safe
// headers, and no token request where none is due.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
    assertSafeHeaders,
    Browser,
    decide,
    fullLogin,
    loggedIn,
    rawRequest,
    SECRET,
    startLogin,
    startStack,
    text,
    type Reply,
    type Stack,
} from '../support/stack.js';

describe('bad input', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack();
    });
    after(() => stack.close());

    function checked(reply: Reply, status: number, message: RegExp): void {
        assert.equal(reply.status, status, text(reply.body).slice(0, 300));
        assertSafeHeaders(reply);
        assert.match(text(reply.body), message);
        assert.doesNotMatch(reply.body, /    at |node_modules|Error:/, 'no stack trace');
    }

    /** A real login up to the simulator's redirect, so the callback carries a valid state and code. */
    async function validCallback() {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        return { b, url: new URL(await decide(b, authorizeUrl, request)) };
    }

    describe('POST /login', () => {
        /** A raw form post, so the body and the fetch-metadata headers are exactly what the test says. */
        const postLogin = (body: string, headers: Record<string, string>) =>
            rawRequest(stack.port, {
                method: 'POST',
                path: '/login',
                headers: {
                    host: new URL(stack.origin).host,
                    'content-type': 'application/x-www-form-urlencoded',
                    ...headers,
                },
                body,
            });

        const cases: Array<[string, string, number, RegExp]> = [
            ['sf_env missing', '', 400, /Choose an environment/],
            ['sf_env empty', 'sf_env=', 400, /Choose an environment/],
            ['sf_env=__proto__', 'sf_env=__proto__', 400, /Unknown environment/],
            ['sf_env[]=Production', 'sf_env%5B%5D=Production', 400, /Unexpected form field "sf_env\[\]"/],
            ['sf_env[k]=v', 'sf_env%5Bk%5D=v', 400, /Unexpected form field/],
            ['sf_env twice', 'sf_env=Production&sf_env=Sandbox', 400, /sent more than once/],
            ['an unknown field', 'sf_env=Production&client_secret=x', 400, /Unexpected form field "client_secret"/],
            ['Custom without a domain', 'sf_env=Custom&my_domain=', 400, /Enter your My Domain host/],
            ['a 5 KB body', `sf_env=Production&login_hint=${'a'.repeat(5000)}`, 413, /more data than this app accepts/],
            [
                'more than 20 parameters',
                Array.from({ length: 25 }, (_, i) => `p${i}=1`).join('&'),
                413,
                /more data than this app accepts/,
            ],
            ['a login hint with a newline', 'sf_env=Production&login_hint=a%0d%0aSet-Cookie:%20x', 400, /login hint/],
        ];
        for (const [name, body, status, message] of cases) {
            it(`with ${name}, answers ${status} and starts no login`, async () => {
                const reply = await postLogin(body, { 'sec-fetch-site': 'same-origin' });
                checked(reply, status, message);
                assert.equal(reply.headers.get('set-cookie'), null);
                assert.equal(reply.location, undefined);
            });
        }

        for (const [name, headers] of [
            ['Origin https://evil.example', { origin: 'https://evil.example' }],
            ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
            [
                'Sec-Fetch-Site same-site from localhost:3000',
                { 'sec-fetch-site': 'same-site', origin: 'http://localhost:3000' },
            ],
        ] as const) {
            it(`from ${name}, answers 403 and creates no pending login`, async () => {
                const reply = await postLogin('sf_env=Production', headers);
                checked(reply, 403, /did not come from this app's own page/);
                assert.equal(reply.headers.get('set-cookie'), null);
            });
        }
    });

    describe('GET /callback', () => {
        async function callback(mutate: (url: URL) => string, expected: number, message: RegExp) {
            const { b, url } = await validCallback();
            const before = stack.sim.stats.tokenRequests;
            const reply = await b.request(mutate(url));
            checked(reply, expected, message);
            assert.equal(stack.sim.stats.tokenRequests, before, 'no token request');
            return { b, url, reply };
        }
        const refuse = (mutate: (url: URL) => string, expected: number, message: RegExp) => async () => {
            await callback(mutate, expected, message);
        };
        const origin = () => stack.origin;
        const q = (url: URL) => url.search.slice(1);
        const state = (url: URL) => url.searchParams.get('state')!;
        const code = (url: URL) => encodeURIComponent(url.searchParams.get('code')!);

        it(
            'with no parameters, answers 400 "no state"',
            refuse(() => `${origin()}/callback`, 400, /has no state/),
        );
        it(
            'with code=&state= (empty means absent), answers 400 "no state"',
            refuse(() => `${origin()}/callback?code=&state=`, 400, /has no state/),
        );
        it(
            'with a well-formed but wrong state, answers 400 and names the mismatch',
            refuse(
                (u) => `${origin()}/callback?code=${code(u)}&state=${'A'.repeat(43)}`,
                400,
                /does not match any login/,
            ),
        );
        it(
            'with code=x&code=y, answers 400 malformed',
            refuse((u) => `${origin()}/callback?${q(u)}&code=other`, 400, /repeated or malformed/),
        );
        it(
            'with state[]=<valid>, answers 400 malformed',
            refuse((u) => `${origin()}/callback?code=${code(u)}&state%5B%5D=${state(u)}`, 400, /repeated or malformed/),
        );
        it(
            'with state[k]=v, answers 400 malformed',
            refuse((u) => `${origin()}/callback?${q(u)}&state%5Bk%5D=v`, 400, /repeated or malformed/),
        );
        it(
            'with iss twice, answers 400 malformed',
            refuse((u) => `${origin()}/callback?${q(u)}&iss=a&iss=a`, 400, /repeated or malformed/),
        );
        it(
            'with a 5 KB state, answers 400',
            refuse((u) => `${origin()}/callback?code=${code(u)}&state=${'a'.repeat(5000)}`, 400, /does not match/),
        );
        it('with a 10 KB code and the valid state, answers 400 and consumes the login', async () => {
            const { b, url } = await callback(
                (u) => `${origin()}/callback?code=${'c'.repeat(10_000)}&state=${state(u)}`,
                400,
                /code in this response is not valid/,
            );
            assert.equal((await b.request(url.href)).status, 400, 'the login was consumed');
        });
        it(
            'with state=%ZZ, answers 400 (not 500)',
            refuse(() => `${origin()}/callback?code=x&state=%ZZ`, 400, /does not match/),
        );
        it(
            'with state=%00, answers 400 (not 500)',
            refuse(() => `${origin()}/callback?code=x&state=%00`, 400, /does not match/),
        );
        it(
            'with __proto__[x]=1&constructor=1&toString=1, answers 400',
            refuse(
                () => `${origin()}/callback?__proto__%5Bx%5D=1&constructor=1&toString=1`,
                400,
                /repeated or malformed/,
            ),
        );
        it(
            'with error and code and the valid state, shows the error and exchanges nothing',
            refuse(
                (u) => `${origin()}/callback?${q(u)}&error=access_denied&error_description=no`,
                400,
                /access_denied/,
            ),
        );
        it('with an error but no state, does not show the unverified error text', async () => {
            const { reply } = await callback(
                () => `${origin()}/callback?error=access_denied&error_description=Call+0800+now`,
                400,
                /has no state/,
            );
            assert.doesNotMatch(text(reply.body), /Call 0800 now/);
        });
        it('with markup in error and error_description, escapes them, caps the length and shows unknown_error', async () => {
            const long = `<script>alert(1)</script>${'x'.repeat(2000)}`;
            const { reply } = await callback(
                (u) =>
                    `${origin()}/callback?state=${state(u)}&error=${encodeURIComponent('<img src=x>')}&error_description=${encodeURIComponent(long)}&error_uri=javascript:alert(1)`,
                400,
                /unknown_error/,
            );
            assert.doesNotMatch(reply.body, /<script>alert|<img src=x>|href="javascript/);
            assert.ok(text(reply.body).length < 3000, 'the description is capped');
        });
        it(
            'with an iss that is not the login host, answers 400 issuer mismatch',
            refuse((u) => `${origin()}/callback?${q(u)}&iss=https://evil.example`, 400, /another issuer/),
        );
        it(
            'with access_token in the query, answers 400 unsupported response',
            refuse((u) => `${origin()}/callback?${q(u)}&access_token=abc`, 400, /carries tokens in the URL/),
        );
        it('with POST, answers 405 and leaves the login pending', async () => {
            const { b, url } = await validCallback();
            const reply = await b.request(url.href, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
            checked(reply, 405, /GET/);
            assert.equal((await b.request(url.href)).status, 303, 'the login still completes');
        });
        it('with a URL over 16 KB, Node answers 431 and the app keeps serving', async () => {
            const reply = await rawRequest(stack.port, {
                path: `/callback?x=${'a'.repeat(20_000)}`,
                headers: { host: new URL(stack.origin).host },
            });
            assert.equal(reply.status, 431);
            assert.equal((await new Browser().request(`${stack.origin}/`)).status, 200);
        });
    });

    describe('result-page actions', () => {
        async function signedIn() {
            const { browser: b, url } = await loggedIn(stack);
            return { b, url };
        }

        it('an unknown or malformed result id answers 404', async () => {
            const { b, url } = await signedIn();
            checked(await b.request(`${stack.origin}/result/${'A'.repeat(43)}`), 404, /results live in memory/);
            checked(await b.request(`${stack.origin}/result/..%2F..%2Fetc`), 404, /results live in memory/);
            checked(await b.post(`${url.slice(0, -3)}xyz/refresh`, {}), 404, /results live in memory/);
        });
        it('GET on an action answers 405', async () => {
            const { b, url } = await signedIn();
            checked(await b.request(`${url}/revoke`), 405, /buttons on the result page/);
        });
        it('an empty SOQL is answered in the query card, not on an error page, and sends no query', async () => {
            const { b, url } = await signedIn();
            const reply = await b.post(`${url}/query`, { soql: '  ' });
            assert.equal(reply.status, 303);
            assert.equal(reply.location, `${url}#query`);
            const page = (await b.request(url)).body;
            assert.match(text(page), /NOT_SENT Enter a SOQL query, for example SELECT Id, Name FROM Account LIMIT 5\./);
        });
        it('soql sent twice answers 400', async () => {
            const { b, url } = await signedIn();
            checked(
                await b.post(
                    `${url}/query`,
                    new URLSearchParams([
                        ['soql', 'a'],
                        ['soql', 'b'],
                    ]),
                ),
                400,
                /more than once/,
            );
        });
        it('an unknown field answers 400', async () => {
            const { b, url } = await signedIn();
            checked(
                await b.post(`${url}/query`, { soql: 'SELECT Id FROM Account', token: 'x' }),
                400,
                /Unexpected form field "token"/,
            );
        });
        it('a 20 KB SOQL answers 413', async () => {
            const { b, url } = await signedIn();
            checked(await b.post(`${url}/query`, { soql: 'x'.repeat(20_000) }), 413, /more data/);
        });
        it("an action on another browser's result answers 404 and calls nothing", async () => {
            const { url } = await signedIn();
            const before = stack.sim.stats.tokenRequests + stack.sim.stats.revokes;
            checked(await new Browser().post(`${url}/revoke`, {}), 404, /only in the browser that logged in/);
            assert.equal(stack.sim.stats.tokenRequests + stack.sim.stats.revokes, before);
        });
    });

    it('an unknown page answers 404 with the safe headers', async () => {
        checked(await new Browser().request(`${stack.origin}/nope?code=abc`), 404, /There is no page at \/nope/);
    });

    it('after hostile requests and a full login, the log holds paths only: no query string, no code, no secret', async () => {
        const hostile = [
            `/callback?code=aPrxSECRETCODE%3D%3D&state=${'s'.repeat(43)}`,
            `/callback?state=x&state=y&code=aPrx1`,
            `/nope?code=aPrx2&client_secret=${SECRET}`,
            `/result/${'A'.repeat(43)}?state=abc`,
        ];
        const b = new Browser();
        for (const path of hostile) await b.request(`${stack.origin}${path}`);
        await b.post(`${stack.origin}/login`, { sf_env: 'Production', scope: SECRET });
        await fullLogin(stack, b);
        const logs = stack.logs.join('\n');
        assert.ok(stack.logs.length > hostile.length + 4, 'the requests above were logged');
        for (const seen of ['?', 'code=', 'state=', SECRET, 'aPrx', '!AR']) {
            assert.ok(!logs.includes(seen), `the log contains ${JSON.stringify(seen)}`);
        }
    });
});

describe('the first page keeps what was typed', () => {
    it('a look-alike My Domain comes back as the same form: value kept, message by the field, one-click suggestion', async (t) => {
        const stack = await startStack(t);
        const b = new Browser();
        const reply = await b.post(`${stack.origin}/login`, {
            sf_env: 'Custom',
            my_domain: 'acme.lightning.force.com',
            scope: 'api web',
        });
        assert.equal(reply.status, 400);
        assertSafeHeaders(reply);
        assert.match(reply.body, /<option value="Custom" selected>/);
        assert.match(
            reply.body,
            /id="my_domain"[^>]*value="acme\.lightning\.force\.com"[^>]*aria-invalid="true" aria-describedby="my_domain_error my_domain_help"/,
        );
        assert.match(
            reply.body,
            /<p class="field-error" id="my_domain_error">acme\.lightning\.force\.com is the address of Salesforce pages/,
        );
        assert.match(
            reply.body,
            /<button class="secondary" type="submit" name="use_my_domain" value="acme\.my\.salesforce\.com">Use acme\.my\.salesforce\.com<\/button>/,
        );
        assert.match(reply.body, /id="scope"[^>]*value="api web"/);
        const used = await b.post(`${stack.origin}/login`, {
            sf_env: 'Custom',
            my_domain: 'acme.lightning.force.com',
            use_my_domain: 'acme.my.salesforce.com',
        });
        assert.equal(used.status, 302);
    });

    it('with a simulated org, the setup card says so instead of giving setup advice that does not apply', async (t) => {
        const stack = await startStack(t);
        const page = text((await new Browser().request(`${stack.origin}/`)).body);
        assert.match(page, /This org is simulated on this machine: nothing to set up/);
        assert.doesNotMatch(page, /Register this exact Callback URL/);
    });

    it('a page that does not exist offers the first page', async (t) => {
        const stack = await startStack(t);
        const reply = await new Browser().request(`${stack.origin}/nowhere`);
        assert.equal(reply.status, 404);
        assert.match(reply.body, /<a class="button" href="\/">Go to the first page<\/a>/);
    });

    it('the request log names a stylesheet by the path that was asked for', async (t) => {
        const stack = await startStack(t);
        await new Browser().request(`${stack.origin}/static/style.css`);
        assert.ok(
            stack.logs.some((line) => /^GET \/static\/style\.css 200 /.test(line)),
            stack.logs.join('\n'),
        );
    });
});
