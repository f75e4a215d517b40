// Test harness: the real app and the real simulator, each on a random loopback port, and a small
// cookie-keeping client that walks the login the way a browser does. Nothing of the app is stubbed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import { CookieJar } from 'tough-cookie';
import { createApp } from '../../src/app.js';
import { memoryJwtKey, newPrivateKey, type JwtKeySource } from '../../src/oauth/jwt-key.js';
import type { Config, Env } from '../../src/config.js';
import { bindLoopback } from '../../src/serve.js';
import { simulatedConfig } from '../../src/simulated-config.js';
import { startSimulator, type Simulator, type SimulatorSettings } from '../../src/simulator/index.js';
import type { Clock } from '../../src/store.js';
import type { Deadline } from '../../src/timing.js';
import { createSalesforceClient, type SalesforceClient } from '../../src/salesforce/client.js';
import { DEFAULT_LIMITS } from '../../src/store.js';
import type { StoreLimits } from '../../src/types.js';

export const CLIENT_ID = '3MVG9TEST.CONSUMER.KEY';
// Greppable sentinels: no log line and no page that should not show them may contain them.
export const SECRET = 'SENTINEL-SECRET-7f3a';

/** One JWT Bearer key per test process (an RSA key takes a moment to make), and its certificate. */
let jwtKey: Promise<{ source: JwtKeySource; certificate: string }> | undefined;

export function testJwtKey() {
    jwtKey ??= (async () => {
        const source = memoryJwtKey(await newPrivateKey());
        return { source, certificate: await (await source()).certificate() };
    })();
    return jwtKey;
}

export interface Stack {
    config: Config;
    sim: Simulator;
    origin: string;
    port: number;
    logs: string[];
    close(): Promise<void>;
}

export interface StackOptions {
    env?: Env;
    sim?: Partial<SimulatorSettings>;
    limits?: Partial<StoreLimits>;
    /** No CLIENT_SECRET: the app acts as a public PKCE client. */
    publicClient?: boolean;
    appHost?: 'localhost' | '127.0.0.1';
    /** The app store's clock, for expiry tests that move time instead of waiting. */
    now?: Clock;
    /** Makes each page's deadline; a test that must see a deadline pass passes manualDeadlines().deadline. */
    deadline?: Deadline;
    /** Wraps the app's real Salesforce client, to hold a call at a chosen moment. */
    wrapSalesforce?: (client: SalesforceClient) => SalesforceClient;
}

/** Anything that runs cleanup at its end: a test's `t`, or a suite's hooks. */
export interface Owner {
    after(fn: () => unknown): void;
}

/**
 * The app and the simulator on random loopback ports. With an owner (a test's `t`), the stack closes
 * itself when that test ends; otherwise the caller closes it.
 */
export async function startStack(owner?: Owner, options: StackOptions = {}): Promise<Stack> {
    const host = options.appHost ?? 'localhost';
    const bound = await bindLoopback(host, 0);
    const port = bound.port;
    const jwt = await testJwtKey();
    const sim = await startSimulator({
        clientId: CLIENT_ID,
        clientSecret: SECRET,
        requireSecret: !options.publicClient,
        jwtCertificates: [jwt.certificate],
        ...options.sim,
    });
    const config = simulatedConfig(sim, {
        CLIENT_ID,
        CLIENT_SECRET: options.publicClient ? undefined : SECRET,
        APP_URL: `http://${host}`,
        APP_PORT: String(port),
        // Far more than any call on loopback takes, even on a busy machine: a test that needs a deadline to
        // pass uses a hanging fault or manualDeadlines().
        HTTP_TIMEOUT_MS: '5000',
        ...options.env,
    });
    const logs: string[] = [];
    bound.serve(
        createApp(config, {
            log: (line) => logs.push(line),
            limits: { ...DEFAULT_LIMITS, ...options.limits },
            now: options.now,
            deadline: options.deadline,
            // The test key, unless the test configures JWT_KEY_FILE to test reading one.
            jwtKey: options.env?.JWT_KEY_FILE === undefined ? jwt.source : undefined,
            salesforce: options.wrapSalesforce?.(createSalesforceClient(config)),
        }),
    );
    const stack: Stack = {
        config,
        sim,
        origin: config.origin,
        port,
        logs,
        async close() {
            await bound.close();
            await sim.close();
        },
    };
    owner?.after(() => stack.close());
    return stack;
}

/** Page deadlines that pass when the test says so, not when a clock does. */
export function manualDeadlines() {
    const made: AbortController[] = [];
    return {
        deadline: (_ms: number) => {
            const controller = new AbortController();
            made.push(controller);
            return controller.signal;
        },
        /** How many page deadlines were made so far (one per page that called Salesforce). */
        get count() {
            return made.length;
        },
        /** Every deadline made so far passes now. */
        expire() {
            for (const c of made) c.abort();
        },
    };
}

export interface Reply {
    status: number;
    headers: Headers;
    body: string;
    location?: string;
}

/** A browser stand-in: keeps cookies per origin, follows nothing by itself, sends Sec-Fetch-Site like Chromium. */
export class Browser {
    readonly jar = new CookieJar();
    /**
     * With `script` (the default), it does what the app's page script does in a browser with JavaScript: the login
     * form carries this tab's secret, and the callback's claim page posts it back at once. Without, it is a
     * browser with JavaScript off, which gets the confirmation page instead.
     */
    readonly tab?: string;

    constructor(options: { script?: boolean } = {}) {
        this.tab = options.script === false ? undefined : randomBytes(32).toString('base64url');
    }

    async request(
        url: string,
        init: {
            method?: string;
            form?: Record<string, string> | URLSearchParams;
            headers?: Record<string, string>;
        } = {},
    ): Promise<Reply> {
        const headers: Record<string, string> = { ...init.headers };
        const cookie = await this.jar.getCookieString(url);
        // An explicit Cookie header (a test forging one) wins over the jar.
        if (cookie && headers.cookie === undefined) headers.cookie = cookie;
        let body: string | undefined;
        if (init.form) {
            body = new URLSearchParams(init.form as Record<string, string>).toString();
            headers['content-type'] = 'application/x-www-form-urlencoded';
        }
        const method = init.method ?? (init.form ? 'POST' : 'GET');
        const res = await send({ ...urlToHttpOptions(new URL(url)), method, headers }, body);
        for (const c of res.headers.getSetCookie()) await this.jar.setCookie(c, url);
        const reply = { ...res, location: res.location ? new URL(res.location, url).href : undefined };
        const claim = /<form id="tab-claim"[^>]*>\s*<input type="hidden" name="claim" value="([^"]+)"/.exec(reply.body);
        if (this.tab === undefined || reply.status !== 200 || !claim) return reply;
        return this.post(new URL('/callback/tab', url).href, { claim: claim[1]!, tab: this.tab });
    }

    /**
     * A form post from the app's own page: Chromium sends `Origin: null` and `Sec-Fetch-Site: same-origin`. The
     * login form carries the tab's secret when the page's script would have added it (and the test set none).
     */
    post(url: string, form: Record<string, string> | URLSearchParams, headers: Record<string, string> = {}) {
        const withTab =
            this.tab !== undefined &&
            new URL(url).pathname === '/login' &&
            !(form instanceof URLSearchParams) &&
            !('tab' in form)
                ? { ...form, tab: this.tab }
                : form;
        return this.request(url, {
            form: withTab,
            headers: { origin: 'null', 'sec-fetch-site': 'same-origin', ...headers },
        });
    }
}

export interface LoginSteps {
    authorizeUrl: URL;
    callbackUrl: string;
    code?: string;
    callback: Reply;
    resultUrl?: string;
    result?: Reply;
}

/** Starts a login and stops at the simulator's login page. */
export async function startLogin(
    stack: Stack,
    browser: Browser,
    form: Record<string, string> = { sf_env: 'Production' },
) {
    const login = await browser.post(`${stack.origin}/login`, form);
    assert.equal(login.status, 302, `POST /login answered ${login.status}: ${login.body.slice(0, 300)}`);
    const authorizeUrl = new URL(login.location!);
    const page = await browser.request(authorizeUrl.href);
    assert.equal(page.status, 200, `authorize answered ${page.status}: ${page.body.slice(0, 300)}`);
    const request = loginRequestId(page.body);
    return { authorizeUrl, request };
}

/** The id of the authorize request that the simulator's login page posts back with "Log In". */
export function loginRequestId(html: string): string {
    const request = /name="request" value="([a-f0-9]+)"/.exec(html)?.[1];
    assert.ok(request, 'the simulator login page has a request id');
    return request;
}

/** Clicks Log In (or Deny) on the simulator and returns the callback URL it redirects to, without visiting it. */
export async function decide(
    browser: Browser,
    authorizeUrl: URL,
    request: string,
    decision: 'allow' | 'deny' = 'allow',
    username = 'api.user@test.not',
) {
    const reply = await browser.request(`${authorizeUrl.origin}/services/oauth2/authorize/decision`, {
        form: { request, decision, username },
    });
    assert.equal(reply.status, 302);
    return reply.location!;
}

/**
 * RFC 6749 §10.12, checked on every login the tests make: the same callback with one character of its
 * state changed is refused with 400 and redeems nothing, and the real login stays redeemable.
 */
export async function assertForgedStateRefused(stack: Stack, browser: Browser, callbackUrl: string): Promise<void> {
    const forged = new URL(callbackUrl);
    const state = forged.searchParams.get('state');
    if (!state || !forged.searchParams.has('code')) return;
    forged.searchParams.set('state', (state[0] === 'A' ? 'B' : 'A') + state.slice(1));
    const reply = await browser.request(forged.href);
    assert.equal(reply.status, 400, 'a callback with a forged state is refused');
    const code = forged.searchParams.get('code')!;
    assert.equal(stack.sim.stats.tokenForCode.has(code), false, 'a forged state redeems no code');
}

/** The whole login, as a person would click through it; stops after the result page (or the error page). */
export async function fullLogin(
    stack: Stack,
    browser: Browser,
    form: Record<string, string> = { sf_env: 'Production' },
    username = 'api.user@test.not',
): Promise<LoginSteps> {
    const { authorizeUrl, request } = await startLogin(stack, browser, form);
    const callbackUrl = await decide(browser, authorizeUrl, request, 'allow', username);
    const code = new URL(callbackUrl).searchParams.get('code') ?? undefined;
    await assertForgedStateRefused(stack, browser, callbackUrl);
    const callback = await browser.request(callbackUrl);
    if (callback.status !== 303) return { authorizeUrl, callbackUrl, code, callback };
    const result = await browser.request(callback.location!);
    return { authorizeUrl, callbackUrl, code, callback, resultUrl: callback.location, result };
}

/** A browser that has logged in, on its result page. */
export async function loggedIn(
    stack: Stack,
    form: Record<string, string> = { sf_env: 'Production' },
    username = 'api.user@test.not',
) {
    const browser = new Browser();
    const steps = await fullLogin(stack, browser, form, username);
    assert.equal(steps.result?.status, 200, steps.callback.body.slice(0, 500));
    return { browser, url: steps.resultUrl!, html: steps.result!.body };
}

/** The answer as a test reads it; the Headers object keeps repeated headers (Set-Cookie) apart. */
function readReply(res: http.IncomingMessage): Promise<Reply> {
    return new Promise((resolve, reject) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('error', reject);
        res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
                for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, one);
            }
            resolve({ status: res.statusCode ?? 0, headers, body, location: res.headers.location });
        });
    });
}

/**
 * One request with node:http, which follows no redirect. Lighter than fetch(): the suites send thousands of
 * requests, and fetch's web streams cost about half a second of CPU per test process.
 */
function send(options: http.RequestOptions, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const req = http.request(options, (res) => readReply(res).then(resolve, reject));
        req.on('error', reject);
        req.end(body);
    });
}

/** A request with any Host header and a path sent exactly as written (no URL normalisation). */
export function rawRequest(
    port: number,
    options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
    const { method = 'GET', path, headers, body } = options;
    return send({ host: '127.0.0.1', port, method, path, headers }, body);
}

/** Every page of the app sends these; error pages and token pages must not be cached. */
export function assertSafeHeaders(reply: Reply): void {
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    assert.equal(reply.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
    assert.match(reply.headers.get('content-security-policy') ?? '', /default-src 'none'.*script-src 'self'/);
    assert.equal(reply.headers.get('x-powered-by'), null);
}

/** The page's main message, for assertions on what a person reads. */
export function text(html: string): string {
    return html
        .replace(/<\/?(?:code|a|span|strong|em|wbr)\b[^>]*>/g, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/&#39;/g, "'")
        .replace(/&#34;|&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
        .replace(/\s+/g, ' ');
}

/** The text of the element with this id (an unnested element), unescaped as a browser shows it. */
export function fieldOf(html: string, id: string): string | undefined {
    const m = new RegExp(`<(\\w+) id="${id}"[^>]*>([^<]*)</\\1>`).exec(html);
    return m
        ? m[2]!
              .replace(/&lt;/g, '<')
              .replace(/&gt;/g, '>')
              .replace(/&#34;/g, '"')
              .replace(/&#39;/g, "'")
              .replace(/&amp;/g, '&')
        : undefined;
}

export function accessTokenOf(html: string): string | undefined {
    return fieldOf(html, 'access-token');
}

/**
 * An https server on 127.0.0.1 with a fixture certificate that nothing trusts, made for these tests. It
 * counts the requests that reach it: none should, since TLS is never bypassed.
 */
export async function startUntrustedTls(owner: Owner): Promise<{ url: string; reached: () => number }> {
    const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
    let reached = 0;
    const server = https.createServer(
        { key: fixture('self-signed-key.pem'), cert: fixture('self-signed-cert.pem') },
        (_req, res) => {
            reached += 1;
            res.end('{}');
        },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    owner.after(
        () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    );
    return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, reached: () => reached };
}
