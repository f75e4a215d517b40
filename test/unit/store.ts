import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Transcript } from '../../src/transcript.js';
import { DEFAULT_LIMITS, Store } from '../../src/store.js';

const BROWSER = 'B'.repeat(43);
const login = (state: string) => ({
    state,
    verifier: 'v'.repeat(43),
    nonce: 'n'.repeat(43),
    environment: 'Production' as const,
    loginHost: 'login.salesforce.com',
    baseUrl: 'https://login.salesforce.com',
});

function storeAt(start = 1_000_000) {
    const clock = { now: start };
    return { clock, store: new Store(DEFAULT_LIMITS, () => clock.now) };
}

describe('Store', () => {
    it('a pending login is taken once, with the browser that started it', () => {
        const { store } = storeAt();
        store.addPending(BROWSER, login('s1'));
        const taken = store.takePending(BROWSER, 's1');
        assert.ok(taken.ok);
        assert.equal(taken.browser, BROWSER);
        assert.deepEqual(store.takePending(BROWSER, 's1'), { ok: false, reason: 'state_already_used' });
    });
    it('a login taken at its lifetime is expired, one millisecond earlier it is not', () => {
        const { store, clock } = storeAt();
        store.addPending(BROWSER, login('early'));
        store.addPending(BROWSER, login('late'));
        clock.now += DEFAULT_LIMITS.pendingTtlMs - 1;
        assert.equal(store.takePending(BROWSER, 'early').ok, true);
        clock.now += 1;
        assert.deepEqual(store.takePending(BROWSER, 'late'), { ok: false, reason: 'login_expired' });
    });
    it("another browser's state is a mismatch, and a browser with no login has none in progress", () => {
        const { store } = storeAt();
        store.addPending(BROWSER, login('s1'));
        assert.deepEqual(store.takePending(BROWSER, 's2'), { ok: false, reason: 'state_mismatch' });
        assert.deepEqual(store.takePending('C'.repeat(43), 's1'), { ok: false, reason: 'no_login_in_progress' });
        assert.deepEqual(store.takePending(undefined, 's1'), { ok: false, reason: 'no_login_in_progress' });
    });
    it('a browser keeps its newest logins up to the per-browser limit', () => {
        const { store } = storeAt();
        for (let i = 0; i <= DEFAULT_LIMITS.maxPendingPerBrowser; i++) store.addPending(BROWSER, login(`s${i}`));
        assert.deepEqual(store.takePending(BROWSER, 's0'), { ok: false, reason: 'state_mismatch' });
        assert.equal(store.takePending(BROWSER, `s${DEFAULT_LIMITS.maxPendingPerBrowser}`).ok, true);
    });
    it('a result is shown only to the browser that logged in, and is gone after its lifetime', () => {
        const { store, clock } = storeAt();
        const result = {
            id: 'r'.repeat(43),
            flow: 'web_server' as const,
            transcript: new Transcript(),
            browser: BROWSER,
            environment: 'Production' as const,
            loginHost: 'login.salesforce.com',
            baseUrl: 'https://login.salesforce.com',
            instanceUrl: 'https://acme.my.salesforce.com',
            createdAt: clock.now,
            session: { kind: 'revoked' as const },
        };
        store.addResult(result);
        assert.equal(store.getResult(BROWSER, result.id), result);
        assert.equal(store.getResult('C'.repeat(43), result.id), undefined);
        clock.now += DEFAULT_LIMITS.resultTtlMs + 1;
        assert.equal(store.getResult(BROWSER, result.id), undefined);
    });

    it('with the results full of young ones, a new login is refused so that no young result is pushed out', () => {
        const limits = { ...DEFAULT_LIMITS, maxResults: 2, protectedResultMs: 60_000 };
        const clock = { now: 1_000_000 };
        const store = new Store(limits, () => clock.now);
        for (const id of ['r1', 'r2']) {
            store.addResult({
                id,
                flow: 'web_server',
                transcript: new Transcript(),
                browser: BROWSER,
                environment: 'Production',
                loginHost: 'login.salesforce.com',
                baseUrl: 'https://login.salesforce.com',
                instanceUrl: 'https://acme.my.salesforce.com',
                createdAt: clock.now,
                session: { kind: 'revoked' },
            });
        }
        assert.equal(store.addPending('C'.repeat(43), login('s1')), false);
        clock.now += 60_000;
        assert.equal(store.addPending('C'.repeat(43), login('s1')), true);
    });
});
