// Sentinels (OWASP Logging Cheat Sheet, RFC 9700 §4.3): the consumer secret, codes, states, verifiers and tokens never reach
// the app's output, and never reach a page that should not show them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeChallenge } from '../../src/crypto.js';
import {
    accessTokenOf,
    Browser,
    decide,
    fullLogin,
    SECRET,
    startLogin,
    startStack,
    type Stack,
} from '../support/stack.js';

describe('secrets never printed', () => {
    let stack: Stack;
    const printed: string[] = [];
    const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    before(async () => {
        stack = await startStack();
        // Keep a copy of anything written to stdout or stderr while the flows run.
        process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
            printed.push(String(chunk));
            return writes.out(chunk, ...rest);
        }) as typeof process.stdout.write;
        process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
            printed.push(String(chunk));
            return writes.err(chunk, ...rest);
        }) as typeof process.stderr.write;
    });
    after(async () => {
        process.stdout.write = writes.out;
        process.stderr.write = writes.err;
        await stack.close();
    });

    it('a login, refresh, query, revoke and each kind of failure print no secret, code, state, verifier or token', async (t) => {
        const sentinels: string[] = [SECRET];
        const challenges: string[] = [];
        const pages: string[] = [];

        const b = new Browser();
        const steps = await fullLogin(stack, b, { sf_env: 'Sandbox' });
        sentinels.push(
            steps.code!,
            encodeURIComponent(steps.code!),
            steps.authorizeUrl.searchParams.get('state')!,
            accessTokenOf(steps.result!.body)!,
        );
        sentinels.push(/<code id="refresh-token" data-secret>([^<]*)</.exec(steps.result!.body)![1]!);
        challenges.push(steps.authorizeUrl.searchParams.get('code_challenge')!);
        await b.post(`${steps.resultUrl}/query`, { soql: 'SELECT Id, Name FROM Account' });
        await b.post(`${steps.resultUrl}/refresh`, {});
        const afterRefresh = await b.request(steps.resultUrl!);
        sentinels.push(accessTokenOf(afterRefresh.body)!);
        await b.post(`${steps.resultUrl}/revoke`, { confirm: 'yes' });
        pages.push((await b.request(steps.resultUrl!)).body);

        for (const fault of ['bad_signature', 'untrusted_instance', 'reset'] as const) {
            stack.sim.settings.tokenFault = fault;
            const failed = await fullLogin(stack, new Browser());
            sentinels.push(failed.code!, encodeURIComponent(failed.code!));
            challenges.push(failed.authorizeUrl.searchParams.get('code_challenge')!);
            pages.push(failed.callback.body);
            stack.sim.resetFaults();
        }
        stack.sim.settings.tokenError = {
            status: 401,
            error: 'invalid_client',
            description: 'invalid client credentials',
        };
        const refused = await fullLogin(stack, new Browser());
        sentinels.push(refused.code!);
        pages.push(refused.callback.body);
        stack.sim.resetFaults();

        // A token endpoint that never answers meets its deadline whatever the machine does: a short one is safe.
        const slow = await startStack(t, { env: { HTTP_TIMEOUT_MS: '200' }, sim: { tokenFault: 'hang' } });
        const hung = await fullLogin(slow, new Browser());
        assert.equal(hung.callback.status, 504);
        sentinels.push(hung.code!, encodeURIComponent(hung.code!));
        challenges.push(hung.authorizeUrl.searchParams.get('code_challenge')!);
        pages.push(hung.callback.body);

        // Tokens the simulator minted for failed exchanges were never meant to be shown.
        for (const [code, token] of stack.sim.stats.tokenForCode) if (code !== steps.code) sentinels.push(token);

        const output = [...stack.logs, ...slow.logs, ...printed].join('\n');
        assert.ok(stack.logs.length > 10, 'the app did log requests');
        for (const s of sentinels) {
            assert.ok(!output.includes(s), `the output contains a sentinel ending …${s.slice(-4)}`);
            for (const page of pages) assert.ok(!page.includes(s), `a page contains a sentinel ending …${s.slice(-4)}`);
        }
        // The verifier is never known outside the app: nothing printed hashes to a challenge.
        for (const candidate of output.match(/[A-Za-z0-9_-]{43}/g) ?? []) {
            assert.ok(!challenges.includes(codeChallenge(candidate)), 'a verifier was printed');
        }
    });

    it('Client Credentials and JWT Bearer, accepted or refused, print no secret, assertion or token, and no page holds the assertion', async (t) => {
        let assertion = '';
        const own = await startStack(t, {
            wrapSalesforce: (client) => ({
                ...client,
                jwtBearer: (baseUrl, signed, call) => {
                    assertion = signed;
                    return client.jwtBearer(baseUrl, signed, call);
                },
            }),
        });
        const b = new Browser();
        const cc = { flow: 'client_credentials', sf_env: 'Custom', my_domain: 'acme.my.salesforce.com' };
        const ccPage = (await b.request((await b.post(`${own.origin}/login`, cc)).location!)).body;
        const jwt = { flow: 'jwt_bearer', sf_env: 'Production', username: 'ci@test.not' };
        const jwtPage = (await b.request((await b.post(`${own.origin}/login`, jwt)).location!)).body;
        own.sim.settings.runAsUser = undefined;
        own.sim.settings.jwtApprovedUsers = [];
        const refused = [
            (await b.post(`${own.origin}/login`, cc)).body,
            (await b.post(`${own.origin}/login`, jwt)).body,
        ];
        const signature = assertion.split('.')[2]!;
        assert.ok(signature.length > 300, 'the assertion was captured');
        const tokens = [accessTokenOf(ccPage)!, accessTokenOf(jwtPage)!];
        const output = [...own.logs, ...printed].join('\n');
        for (const s of [SECRET, assertion, signature, ...tokens]) {
            assert.ok(!output.includes(s), `the output contains a sentinel ending …${s.slice(-4)}`);
        }
        for (const page of [ccPage, jwtPage, ...refused]) {
            for (const s of [SECRET, signature])
                assert.ok(!page.includes(s), `a page holds a sentinel ending …${s.slice(-4)}`);
        }
        for (const page of refused) for (const token of tokens) assert.ok(!page.includes(token));
    });

    it('a callback that fails the state check prints no part of its query', async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = new URL(await decide(b, authorizeUrl, request));
        const code = callback.searchParams.get('code')!;
        await new Browser().request(callback.href);
        const output = [...stack.logs, ...printed].join('\n');
        assert.ok(!output.includes(code) && !output.includes(encodeURIComponent(code)));
        assert.ok(!output.includes(callback.searchParams.get('state')!));
    });
});
