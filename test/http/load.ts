// Many logins at once, replays and tabs: bounded in count, no timing assertions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
    accessTokenOf,
    Browser,
    decide,
    fullLogin,
    startLogin,
    startStack,
    text,
    type Stack,
} from '../support/stack.js';

describe('load and races', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack(undefined, { env: { HTTP_TIMEOUT_MS: '20000' } });
    });
    after(() => stack.close());

    it("30 complete logins in parallel each end on their own token and their own user, none on another's", async () => {
        const runs = await Promise.all(
            Array.from({ length: 30 }, async (_, i) => {
                const steps = await fullLogin(
                    stack,
                    new Browser(),
                    { sf_env: i % 2 ? 'Sandbox' : 'Production' },
                    `user${i}@example.com`,
                );
                return { i, steps };
            }),
        );
        const tokens = new Set<string>();
        for (const { i, steps } of runs) {
            assert.equal(steps.result?.status, 200, `login ${i} answered ${steps.callback.status}`);
            const token = accessTokenOf(steps.result!.body)!;
            assert.equal(
                token,
                stack.sim.stats.tokenForCode.get(steps.code!),
                `login ${i} shows the token minted for its own code`,
            );
            assert.match(text(steps.result!.body), new RegExp(`Username user${i}@example\\.com `));
            tokens.add(token);
        }
        assert.equal(tokens.size, 30);
    });

    it('the same callback fired 20 times in parallel is exchanged exactly once: one 303, nineteen 400', async () => {
        const b = new Browser();
        const { authorizeUrl, request } = await startLogin(stack, b);
        const callback = await decide(b, authorizeUrl, request);
        const before = stack.sim.stats.codeExchanges;
        const replies = await Promise.all(Array.from({ length: 20 }, () => b.request(callback)));
        const statuses = replies.map((r) => r.status).sort();
        assert.deepEqual(statuses, [303, ...Array(19).fill(400)]);
        assert.equal(stack.sim.stats.codeExchanges, before + 1);
    });

    it('two tabs of one browser starting two logins both complete, each on its own token, whatever the order', async () => {
        const b = new Browser();
        const first = await startLogin(stack, b);
        const second = await startLogin(stack, b);
        const secondCallback = await decide(b, second.authorizeUrl, second.request, 'allow', 'tab2@example.com');
        const firstCallback = await decide(b, first.authorizeUrl, first.request, 'allow', 'tab1@example.com');
        const two = await b.request(secondCallback);
        const one = await b.request(firstCallback);
        assert.equal(two.status, 303);
        assert.equal(one.status, 303);
        assert.notEqual(one.location, two.location);
        const page1 = await b.request(one.location!);
        const page2 = await b.request(two.location!);
        assert.match(text(page1.body), /Username tab1@example\.com/);
        assert.match(text(page2.body), /Username tab2@example\.com/);
        assert.equal(
            accessTokenOf(page1.body),
            stack.sim.stats.tokenForCode.get(new URL(firstCallback).searchParams.get('code')!),
        );
    });

    it('a sixth tab replaces the oldest pending login of that browser, whose callback is then refused with 400', async () => {
        const b = new Browser();
        const tabs = [];
        for (let i = 0; i < 6; i++) tabs.push(await startLogin(stack, b));
        const oldest = await decide(b, tabs[0]!.authorizeUrl, tabs[0]!.request);
        const newest = await decide(b, tabs[5]!.authorizeUrl, tabs[5]!.request);
        const refused = await b.request(oldest);
        assert.equal(refused.status, 400);
        assert.match(text(refused.body), /5 newest logins/);
        assert.equal((await b.request(newest)).status, 303);
    });
});

describe('bounded pending logins', () => {
    it('a flood of new browsers past the cap is refused with 503 and does not push out a young pending login', async (t) => {
        const stack = await startStack(t, { limits: { maxPending: 50 } });
        const early = new Browser();
        const earlyLogin = await startLogin(stack, early);
        const statuses = [];
        for (let i = 0; i < 80; i++) {
            statuses.push((await new Browser().post(`${stack.origin}/login`, { sf_env: 'Production' })).status);
        }
        assert.equal(statuses.filter((s) => s === 302).length, 49);
        assert.equal(statuses.filter((s) => s === 503).length, 31);
        const callback = await early.request(await decide(early, earlyLogin.authorizeUrl, earlyLogin.request));
        assert.equal(callback.status, 303);
    });

    it('past the cap, logins older than the protection window are evicted to make room, and the new login completes', async (t) => {
        let now = Date.now();
        const stack = await startStack(t, { now: () => now, limits: { maxPending: 50, protectedPendingMs: 60_000 } });
        const early = new Browser();
        const earlyLogin = await startLogin(stack, early);
        for (let i = 0; i < 49; i++) await new Browser().post(`${stack.origin}/login`, { sf_env: 'Production' });
        now += 60_000;
        const steps = await fullLogin(stack, new Browser());
        assert.equal(steps.result?.status, 200);
        const evicted = await early.request(await decide(early, earlyLogin.authorizeUrl, earlyLogin.request));
        assert.equal(evicted.status, 400);
    });
});
