// What another program on this machine can try through the cookie that every localhost port shares
// (RFC 6265 §8.5, §8.6): fixation, a planted duplicate, and login CSRF by sending a victim to the
// attacker's own callback (RFC 9700 §4.7.1), reading a result by a stolen or planted cookie. The tab secret in
// sessionStorage and the list of logins in localStorage are origin-scoped, so they stop them; a login with no tab
// secret waits for the person's confirmation on the app's own page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cookieName } from '../../src/routes/middleware.js';
import {
    accessTokenOf,
    Browser,
    decide,
    fullLogin,
    loginRequestId,
    startStack,
    text,
    type Stack,
} from '../support/stack.js';

const TAB_A = 'A'.repeat(43);
const TAB_V = 'V'.repeat(43);

describe('a local attacker and the shared localhost cookie', () => {
    let stack: Stack;
    before(async () => {
        stack = await startStack();
    });
    after(() => stack.close());

    /** A login started from a page with JavaScript: the form carries the tab's secret. */
    async function tabLogin(browser: Browser, tab: string) {
        const login = await browser.post(`${stack.origin}/login`, { sf_env: 'Production', tab });
        assert.equal(login.status, 302);
        const authorizeUrl = new URL(login.location!);
        const page = await browser.request(authorizeUrl.href);
        return decide(browser, authorizeUrl, loginRequestId(page.body));
    }

    async function cookieOf(browser: Browser): Promise<string> {
        const cookies = await browser.jar.getCookies(stack.origin);
        return cookies.find((c) => c.key === cookieName(stack.config))!.value;
    }

    function claimOf(html: string): string {
        return /name="claim" value="([A-Za-z0-9_-]{43})"/.exec(html)![1]!;
    }

    it('with a tab secret, the callback answers a claim page and redeems nothing until the tab answers', async () => {
        const b = new Browser({ script: false });
        const callbackUrl = await tabLogin(b, TAB_V);
        const code = new URL(callbackUrl).searchParams.get('code')!;
        const page = await b.request(callbackUrl);
        assert.equal(page.status, 200);
        assert.match(page.body, /<form id="tab-claim" method="post" action="\/callback\/tab">/);
        assert.equal(stack.sim.stats.tokenForCode.has(code), false);
        const claimed = await b.post(`${stack.origin}/callback/tab`, { claim: claimOf(page.body), tab: TAB_V });
        assert.equal(claimed.status, 303);
        assert.match(claimed.location!, /\/result\/[A-Za-z0-9_-]{43}$/);
        assert.ok(stack.sim.stats.tokenForCode.has(code));
    });

    it("the attacker's callback opened in a victim browser that holds the attacker's cookie never redeems the code", async () => {
        const attacker = new Browser({ script: false });
        const callbackUrl = await tabLogin(attacker, TAB_A);
        const code = new URL(callbackUrl).searchParams.get('code')!;
        const victim = new Browser({ script: false });
        // The attacker's page on another localhost port plants its browser id in the victim's browser.
        await victim.jar.setCookie(`${cookieName(stack.config)}=${await cookieOf(attacker)}; Path=/`, stack.origin);
        const page = await victim.request(callbackUrl);
        assert.equal(page.status, 200);
        const claimed = await victim.post(`${stack.origin}/callback/tab`, { claim: claimOf(page.body), tab: TAB_V });
        assert.equal(claimed.status, 400);
        assert.match(text(claimed.body), /was not started in this browser tab, so its code was not used/);
        assert.equal(stack.sim.stats.tokenForCode.has(code), false);
        const again = await victim.post(`${stack.origin}/callback/tab`, { claim: claimOf(page.body), tab: TAB_A });
        assert.equal(again.status, 400, 'a claim is single use');
        assert.equal(stack.sim.stats.tokenForCode.has(code), false);
    });

    it('a claim posted from another browser than the callback is refused', async () => {
        const b = new Browser({ script: false });
        const page = await b.request(await tabLogin(b, TAB_V));
        const other = await new Browser({ script: false }).post(`${stack.origin}/callback/tab`, {
            claim: claimOf(page.body),
            tab: TAB_V,
        });
        assert.equal(other.status, 400);
    });

    it('a browser id this app never issued is not adopted: the login gets a fresh id', async () => {
        const planted = 'P'.repeat(43);
        const b = new Browser({ script: false });
        await b.jar.setCookie(`${cookieName(stack.config)}=${planted}; Path=/`, stack.origin);
        const login = await b.post(`${stack.origin}/login`, { sf_env: 'Production' });
        assert.equal(login.status, 302);
        const issued = await cookieOf(b);
        assert.match(issued, /^[A-Za-z0-9_-]{43}$/);
        assert.notEqual(issued, planted);
    });

    it('a request that carries the cookie twice (a planted Path=/callback copy) is refused with 400', async () => {
        const b = new Browser({ script: false });
        const callbackUrl = await tabLogin(b, TAB_V);
        const code = new URL(callbackUrl).searchParams.get('code')!;
        const name = cookieName(stack.config);
        const reply = await b.request(callbackUrl, {
            headers: { cookie: `${name}=${'P'.repeat(43)}; ${name}=${await cookieOf(b)}` },
        });
        assert.equal(reply.status, 400);
        assert.match(text(reply.body), /carries this app's cookie more than once/);
        assert.equal(stack.sim.stats.tokenForCode.has(code), false);
    });

    it('a cookie read by another port and replayed at GET / reveals no login, no result id and no token', async () => {
        const victim = new Browser();
        const steps = await fullLogin(stack, victim, { sf_env: 'Production' }, 'victim@example.com');
        assert.equal(steps.result?.status, 200);
        const stolen = `${cookieName(stack.config)}=${await cookieOf(victim)}`;
        const home = await new Browser({ script: false }).request(`${stack.origin}/`, { headers: { cookie: stolen } });
        assert.equal(home.status, 200);
        const id = new URL(steps.resultUrl!).pathname.split('/').pop()!;
        assert.ok(!home.body.includes(id), 'no result id');
        assert.doesNotMatch(home.body, /victim@example\.com/);
        assert.ok(!home.body.includes(accessTokenOf(steps.result!.body)!));
    });

    it("a browser id planted by another port's own POST /login does not reveal the person's next login to the planter", async () => {
        const planter = new Browser({ script: false });
        assert.equal((await planter.post(`${stack.origin}/login`, { sf_env: 'Production' })).status, 302);
        const planted = await cookieOf(planter);
        const victim = new Browser();
        await victim.jar.setCookie(`${cookieName(stack.config)}=${planted}; Path=/`, stack.origin);
        const steps = await fullLogin(stack, victim, { sf_env: 'Production' }, 'victim@example.com');
        assert.equal(steps.result?.status, 200);
        const token = accessTokenOf(steps.result!.body)!;
        const home = await planter.request(`${stack.origin}/`);
        assert.ok(!home.body.includes(new URL(steps.resultUrl!).pathname), 'no result id for the planter');
        assert.ok(!home.body.includes(token));
        assert.doesNotMatch(home.body, /victim@example\.com/);
    });

    it('a login started without a tab secret by another program is not redeemed by the callback: the person is asked first', async () => {
        // Another program starts a login itself (no page, no tab secret) and finishes Salesforce's part as the attacker.
        const attacker = new Browser({ script: false });
        const login = await attacker.post(`${stack.origin}/login`, { sf_env: 'Production' });
        const authorizeUrl = new URL(login.location!);
        const request = loginRequestId((await attacker.request(authorizeUrl.href)).body);
        const callbackUrl = await decide(attacker, authorizeUrl, request, 'allow', 'attacker@evil.example');
        const code = new URL(callbackUrl).searchParams.get('code')!;
        // Its port plants its cookie in the person's browser and sends the browser to the callback.
        const victim = new Browser();
        await victim.jar.setCookie(`${cookieName(stack.config)}=${await cookieOf(attacker)}; Path=/`, stack.origin);
        const page = await victim.request(callbackUrl);
        assert.equal(page.status, 200);
        assert.match(
            text(page.body),
            /Finish this login\? .*Production \(127\.0\.0\.1:\d+\).* started in this browser at \d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d/,
        );
        assert.equal(stack.sim.stats.tokenForCode.has(code), false, 'nothing is redeemed without the confirmation');
        assert.doesNotMatch(page.body, /attacker@evil\.example/);
        // The attacker's page cannot press the button for the person: a post from another origin is refused.
        const forged = await victim.post(
            `${stack.origin}/callback/tab`,
            { claim: claimOf(page.body) },
            { 'sec-fetch-site': 'same-site', origin: 'http://localhost:1' },
        );
        assert.equal(forged.status, 403);
        assert.equal(stack.sim.stats.tokenForCode.has(code), false);
    });

    it("with JavaScript off, the person confirms the login on the app's page and it completes", async () => {
        const b = new Browser({ script: false });
        const login = await b.post(`${stack.origin}/login`, { sf_env: 'Production' });
        const authorizeUrl = new URL(login.location!);
        const request = loginRequestId((await b.request(authorizeUrl.href)).body);
        const page = await b.request(await decide(b, authorizeUrl, request, 'allow', 'me@example.com'));
        assert.match(page.body, /<form id="confirm-login" method="post" action="\/callback\/tab">/);
        const confirmed = await b.post(`${stack.origin}/callback/tab`, { claim: claimOf(page.body) });
        assert.equal(confirmed.status, 303);
        const result = await b.request(confirmed.location!);
        assert.match(text(result.body), /Username me@example\.com/);
    });
});
