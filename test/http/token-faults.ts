// Every way the token endpoint can fail becomes a readable page with the right status, never a stack
// trace or the raw upstream body, and a code is never retried.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TokenFault } from '../../src/simulator/index.js';
import {
    accessTokenOf,
    assertSafeHeaders,
    Browser,
    decide,
    fullLogin,
    manualDeadlines,
    startLogin,
    startStack,
    startUntrustedTls,
    text,
    type Stack,
} from '../support/stack.js';

describe('token endpoint faults', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack();
    });
    after(() => stack.close());
    beforeEach(() => stack.sim.resetFaults());

    async function failWith(fault: TokenFault) {
        stack.sim.settings.tokenFault = fault;
        const exchangesBefore = stack.sim.stats.codeExchanges;
        const steps = await fullLogin(stack, new Browser());
        assertSafeHeaders(steps.callback);
        assert.equal(accessTokenOf(steps.callback.body), undefined);
        assert.doesNotMatch(
            steps.callback.body,
            /at [\w.<>]+ \(|node_modules|node:internal|Error: /,
            'no stack trace or raw error',
        );
        assert.equal(
            stack.sim.stats.codeExchanges,
            exchangesBefore + 1,
            'the code is exchanged exactly once, never retried',
        );
        return steps.callback;
    }

    const cases: Array<[TokenFault, number, RegExp]> = [
        ['server_error', 502, /with an error \(HTTP 503\)/],
        ['html', 502, /not a JSON token response/],
        ['empty', 502, /empty response/],
        ['invalid_json', 502, /not a JSON token response/],
        ['not_an_object', 502, /not a JSON token response/],
        ['no_access_token', 502, /has no access token/],
        ['non_bearer', 502, /unsupported token type/],
        ['untrusted_instance', 502, /not an https:\/\/ Salesforce address/],
        ['reset', 502, /Could not reach Salesforce/],
        ['oversized', 502, /too large/],
        ['redirect', 502, /redirect \(HTTP 307\)/],
    ];
    for (const [fault, status, message] of cases) {
        it(`when the token endpoint answers "${fault}", the callback answers ${status} with a readable page`, async () => {
            const reply = await failWith(fault);
            assert.equal(reply.status, status);
            assert.match(text(reply.body), message);
        });
    }

    // A token endpoint that never answers, or never finishes its answer, meets the deadline whatever the
    // machine is doing: a short real one is safe here.
    const deadlineFaults: Array<[TokenFault, string]> = [
        ['hang', 'never answers'],
        ['slow_body', 'trickles its answer for longer than the deadline'],
    ];
    for (const [fault, what] of deadlineFaults) {
        it(`when the token endpoint ${what}, the callback answers 504 naming HTTP_TIMEOUT_MS`, async (t) => {
            const slow = await startStack(t, { env: { HTTP_TIMEOUT_MS: '200' }, sim: { tokenFault: fault } });
            const steps = await fullLogin(slow, new Browser());
            assert.equal(steps.callback.status, 504);
            assert.match(text(steps.callback.body), /did not answer within 200 ms \(HTTP_TIMEOUT_MS/);
            assert.equal(accessTokenOf(steps.callback.body), undefined);
        });
    }

    it("one deadline per page: the code exchange and the identity call share the callback page's deadline", async (t) => {
        const deadlines = manualDeadlines();
        const slow = await startStack(t, { deadline: deadlines.deadline, sim: { identityFault: 'hang' } });
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(slow, b);
        const callback = await decide(b, authorizeUrl, request);
        const before = deadlines.count;
        const reply = await b.request(callback);
        assert.equal(reply.status, 303);
        assert.equal(deadlines.count, before + 1, 'one deadline for the callback page and both its calls');
        // The identity call is still waiting: when the page's deadline passes, it ends with it.
        deadlines.expire();
        const page = await b.request(reply.location!);
        assert.match(
            text(page.body),
            /Identity is missing: Salesforce \(127\.0\.0\.1:\d+\) did not answer within 5000 ms/,
        );
    });

    it('when the token endpoint redirects, the redirect is not followed (the second server gets no request)', async () => {
        const hits = stack.sim.stats.redirectTrapHits;
        await failWith('redirect');
        assert.equal(stack.sim.stats.redirectTrapHits, hits);
    });

    it('when the token endpoint answers HTML, the page says so and shows that HTML only as escaped text in the transcript', async () => {
        const reply = await failWith('html');
        assert.match(text(reply.body), /not a JSON token response/);
        assert.doesNotMatch(reply.body, /<script>alert|<h1>Down/);
        const transcript = reply.body.slice(reply.body.indexOf('id="transcript"'));
        assert.match(transcript, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
        const beforeTranscript = reply.body.slice(0, reply.body.indexOf('id="transcript"'));
        assert.doesNotMatch(beforeTranscript, /Down for maintenance|alert\(1\)/);
    });

    /**
     * A Sandbox login whose host is `sandboxUrl`, with the browser's half skipped (no page to log in on):
     * POST /login, then the callback with this login's state and a made-up code.
     */
    async function callbackAgainst(sandboxUrl: string) {
        const other = await startStack(undefined, { env: { BASE_SALESFORCE_SANDBOX_URL: sandboxUrl } });
        try {
            const b = new Browser();
            const login = await b.post(`${other.origin}/login`, { sf_env: 'Sandbox' });
            const state = new URL(login.location!).searchParams.get('state')!;
            return await b.request(`${other.origin}/callback?code=aPrxabc%3D%3D&state=${state}`);
        } finally {
            await other.close();
        }
    }

    it('when the login host refuses connections, the callback answers 502 "could not reach Salesforce"', async () => {
        // A closed loopback port stands in for the sandbox host.
        const closed = await startStack();
        await closed.close();
        const reply = await callbackAgainst(closed.sim.urls.sandbox);
        assert.equal(reply.status, 502);
        assertSafeHeaders(reply);
        assert.match(text(reply.body), /Could not reach Salesforce at 127\.0\.0\.1:\d+: the connection was refused/);
    });

    it('when the login host presents a self-signed certificate, TLS is not bypassed: 502 and no token request reaches it', async (t) => {
        const impostor = await startUntrustedTls(t);
        const reply = await callbackAgainst(impostor.url);
        assert.equal(reply.status, 502);
        assert.match(
            text(reply.body),
            /Could not reach Salesforce at 127\.0\.0\.1:\d+: its TLS certificate is not trusted/,
        );
        assert.equal(impostor.reached(), 0);
    });

    it('when Salesforce answers 400 invalid_grant, the page is a 502 naming the error and its description', async () => {
        stack.sim.settings.tokenError = {
            status: 400,
            error: 'invalid_grant',
            description: 'expired authorization code',
        };
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.callback.status, 502);
        const page = text(steps.callback.body);
        assert.match(page, /Salesforce refused the code exchange/);
        assert.match(page, /invalid_grant/);
        assert.match(page, /expired authorization code/);
    });

    it('when Salesforce sends markup in error_description, it is shown as text', async () => {
        stack.sim.settings.tokenError = {
            status: 400,
            error: 'invalid_grant',
            description: '<script>alert(1)</script>',
        };
        const steps = await fullLogin(stack, new Browser());
        assert.doesNotMatch(steps.callback.body, /<script>alert/);
        assert.match(steps.callback.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    });
});
