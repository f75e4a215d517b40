// `npm run bench` (second part): the time a person waits after clicking Allow, at a realistic distance from
// Salesforce. The simulator serves TLS (a throwaway certificate for 127.0.0.1, trusted by the app through
// NODE_EXTRA_CA_CERTS) behind a proxy that delays every packet by half a round trip, and cuts every
// connection while the person types their password, as a login that outlasts Salesforce's keep-alive does.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startSimulator } from '../src/simulator/index.js';
import type { Visit, Visited } from './browser.js';
import { request } from './request.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RTT = Number(process.env.BENCH_RTT_MS ?? 50);
/** The proxies' round trip now: 0 while the simulator is run hot, RTT while measuring. */
let delayMs = RTT;
const LOGINS = Number(process.env.BENCH_LOGINS ?? 11);
const WARM_UP_LOGINS = 300;
const CERT = fileURLToPath(new URL('../test/fixtures/self-signed-cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('../test/fixtures/self-signed-key.pem', import.meta.url));
const TRUSTED = readFileSync(CERT);
const CLIENT_ID = '3MVG9BENCH.KEY';
const CLIENT_SECRET = 'bench-secret';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

/**
 * A TCP proxy that delays each chunk by half a round trip in each direction, and holds a new connection's
 * first bytes one round trip more: the TCP handshake a real connection pays before it can send. A chunk is
 * delivered when its time is due on the monotonic clock, not when a timer happens to fire: Node's timers
 * have millisecond granularity and fire up to a millisecond or two late, which on four crossings per
 * callback would be charged to the app under test.
 */
async function latencyProxy(upstreamPort: number) {
    const sockets = new Set<net.Socket>();
    /** Each request's time past this proxy: from its first byte in to its answer's last byte out. */
    const exchanges: Array<{ start: number; end: number }> = [];
    const delayed = (
        from: net.Socket,
        to: net.Socket,
        firstExtra: number,
        watch: { arrived?: () => void; delivered?: () => void },
    ) => {
        let extra = firstExtra;
        // A chunk, or null for the close that follows the last one.
        const queue: { due: number; chunk: Buffer | null }[] = [];
        let scheduled = false;
        const deliver = () => {
            const now = performance.now();
            while (queue.length > 0 && queue[0]!.due <= now) {
                const { chunk } = queue.shift()!;
                if (chunk === null) to.destroy();
                else if (to.writable) {
                    to.write(chunk);
                    watch.delivered?.();
                }
            }
            scheduled = false;
            schedule();
        };
        const schedule = () => {
            if (scheduled || queue.length === 0) return;
            scheduled = true;
            const wait = queue[0]!.due - performance.now();
            // The last millisecond is waited for by turning the event loop (I/O still flows), not by a timer.
            if (wait > 1.5) setTimeout(() => ((scheduled = false), schedule()), wait - 1.5);
            else setImmediate(deliver);
        };
        const enqueue = (chunk: Buffer | null) => {
            queue.push({ due: performance.now() + delayMs / 2 + extra, chunk });
            extra = 0;
            schedule();
        };
        from.on('data', (chunk: Buffer) => {
            watch.arrived?.();
            enqueue(chunk);
        });
        from.on('close', () => enqueue(null));
        from.on('error', () => to.destroy());
    };
    const server = net.createServer((client) => {
        const upstream = net.connect(upstreamPort, '127.0.0.1');
        for (const s of [client, upstream]) {
            // The delay is the proxy's; Nagle's algorithm would add its own.
            s.setNoDelay(true);
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
        }
        // The request being answered on this connection: a new one starts when the client sends again.
        let current: { start: number; end: number } | undefined;
        const arrived = () => {
            if (current && current.end === 0) return;
            current = { start: performance.now(), end: 0 };
            exchanges.push(current);
        };
        const delivered = () => current && (current.end = performance.now());
        delayed(client, upstream, delayMs, { arrived });
        delayed(upstream, client, 0, { delivered });
    });
    const port = await new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    );
    return {
        url: `https://127.0.0.1:${port}`,
        /** The requests that began and ended within [from, to], each from its first byte in to its last out. */
        exchangesWithin: (from: number, to: number) =>
            exchanges.filter((e) => e.start >= from && e.end > 0 && e.end <= to),
        /** Every open connection is closed, as an idle timeout would. */
        cutAll: () => sockets.forEach((s) => s.destroy()),
        close: () =>
            new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
    };
}

/**
 * Time past the proxies (network and server) while at least one request was there: requests side by side
 * (identity beside introspection, the API-version lookup on the instance) count once.
 */
function timePast(exchanges: Array<{ start: number; end: number }>): number {
    let total = 0;
    let reached = Number.NEGATIVE_INFINITY;
    for (const { start, end } of [...exchanges].sort((a, b) => a.start - b.start)) {
        total += Math.max(0, end - Math.max(start, reached));
        reached = Math.max(reached, end);
    }
    return total;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
}

/** The browser's half at Salesforce: the login page, then Log In; returns the callback URL. */
async function logInAtSalesforce(authorizeUrl: string, agent: http.Agent | false): Promise<string> {
    const page = await request(authorizeUrl, { agent, ca: TRUSTED });
    const requestId = /name="request" value="([a-f0-9]+)"/.exec(page.body)![1]!;
    const decision = await request(`${new URL(authorizeUrl).origin}/services/oauth2/authorize/decision`, {
        method: 'POST',
        agent,
        ca: TRUSTED,
        form: new URLSearchParams({ request: requestId, decision: 'allow', username: 'bench@example.com' }).toString(),
    });
    return decision.headers.location!;
}

/** A client written the way most samples are: authorize with PKCE, then the code exchange and identity. */
const naive = {
    async authorize(loginUrl: string, callbackUrl: string, agent: http.Agent | false) {
        const verifier = randomBytes(32).toString('base64url');
        const authorize = new URL('/services/oauth2/authorize', loginUrl);
        authorize.search = new URLSearchParams({
            response_type: 'code',
            client_id: CLIENT_ID,
            redirect_uri: callbackUrl,
            state: 'naive',
            code_challenge: createHash('sha256').update(verifier).digest('base64url'),
            code_challenge_method: 'S256',
        }).toString();
        const code = new URL(await logInAtSalesforce(authorize.href, agent)).searchParams.get('code')!;
        return { code, verifier };
    },
    async redeem(
        loginUrl: string,
        callbackUrl: string,
        grant: { code: string; verifier: string },
        agent: http.Agent | false,
    ) {
        const token = await request(`${loginUrl}/services/oauth2/token`, {
            method: 'POST',
            agent,
            ca: TRUSTED,
            form: new URLSearchParams({
                grant_type: 'authorization_code',
                code: grant.code,
                client_id: CLIENT_ID,
                client_secret: CLIENT_SECRET,
                redirect_uri: callbackUrl,
                code_verifier: grant.verifier,
            }).toString(),
        });
        const tokens = JSON.parse(token.body) as { id: string; access_token: string };
        await request(tokens.id, { agent, ca: TRUSTED, headers: { authorization: `Bearer ${tokens.access_token}` } });
    },
};

// The simulator on TLS behind two latency proxies: the login host, and the org's My Domain (the instance).
const simPorts = { production: await freePort(), mydomain: await freePort() };
const proxies = {
    production: await latencyProxy(simPorts.production),
    mydomain: await latencyProxy(simPorts.mydomain),
};
const sim = await startSimulator(
    { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, requireSecret: true },
    {
        ports: simPorts,
        tls: { key: readFileSync(KEY), cert: readFileSync(CERT) },
        publicUrls: { production: proxies.production.url, mydomain: proxies.mydomain.url },
    },
);

const appPort = await freePort();
const origin = `http://localhost:${appPort}`;
const callbackUrl = `${origin}/callback`;
sim.settings.callbackUrls = [callbackUrl];
// JWT Bearer: the TLS fixture's RSA key signs the assertions, and its certificate is the one "uploaded".
sim.settings.jwtCertificates = [readFileSync(CERT, 'utf8')];

// Salesforce's servers are hot: the simulator runs a few hundred logins first (with no delay), so that its
// own first-call costs (V8 compiling its routes) are not charged to the app under test.
delayMs = 0;
const hot = new https.Agent({ keepAlive: true, ca: TRUSTED });
for (let i = 0; i < WARM_UP_LOGINS; i++) {
    await naive.redeem(
        proxies.production.url,
        callbackUrl,
        await naive.authorize(proxies.production.url, callbackUrl, hot),
        hot,
    );
}
hot.destroy();
delayMs = RTT;

const app: ChildProcess = spawn(process.execPath, [`${ROOT}dist/server.js`], {
    env: {
        PATH: process.env.PATH ?? '',
        CLIENT_ID,
        CLIENT_SECRET,
        APP_PORT: String(appPort),
        BASE_SALESFORCE_PRODUCTION_URL: proxies.production.url,
        NODE_EXTRA_CA_CERTS: CERT,
        JWT_KEY_FILE: KEY,
    },
    stdio: 'ignore',
});
// The person's browser, on a thread of its own (bench/browser.ts). Its times come on the clock both threads
// share, and are turned into this thread's performance.now() to compare with the proxies' records.
// A worker does not inherit tsx's loader, so its first lines register it before loading the TypeScript file.
const browserThread = new Worker(
    `import('tsx/esm/api').then(({ register }) => (register(), import(${JSON.stringify(
        new URL('./browser.ts', import.meta.url).href,
    )})));`,
    { eval: true },
);
const waiting = new Map<number, (visited: Visited) => void>();
browserThread.on('message', (visited: Visited) => waiting.get(visited.id)?.(visited));
let visits = 0;
/** The person's tab secret (the page script's sessionStorage value): the login is claimed with it. */
const TAB = randomBytes(32).toString('base64url');

async function visit(path: string, init: Visit['init'] = {}, follow = false) {
    const id = ++visits;
    const visited = await new Promise<Visited>((resolve) => {
        waiting.set(id, resolve);
        browserThread.postMessage({ id, url: new URL(path, origin).href, init, follow, tab: TAB } satisfies Visit);
    });
    waiting.delete(id);
    if (visited.error !== undefined) throw new Error(visited.error);
    const here = (t: number) => t - performance.timeOrigin;
    return {
        ...visited,
        first: visited.first!,
        started: here(visited.started),
        answered: here(visited.answered),
        shown: here(visited.shown),
    };
}
for (let i = 0; i < 100; i++) {
    if (
        await visit('/').then(
            () => true,
            () => false,
        )
    )
        break;
    await sleep(50);
}

const loginTimes: number[] = [];
/** From the callback's request to the result page's last byte: what the person waits after clicking Allow. */
const waitTimes: number[] = [];
/** The callback's own answer, the redirect: it comes once the code is redeemed. */
const callbackTimes: number[] = [];
/** Of each wait: the part spent past the proxies, on the network and in the simulator. */
const salesforceSide: number[] = [];
const newConnections: number[] = [];
for (let i = 0; i < LOGINS; i++) {
    proxies.production.cutAll();
    proxies.mydomain.cutAll();
    // The person opens the first page (the app asks Salesforce ahead), reads it, and clicks Log in.
    await visit('/');
    await sleep(1000);
    const login = await visit('/login', {
        method: 'POST',
        headers: { 'sec-fetch-site': 'same-origin' },
        // The login form carries the tab's secret, as the page's script adds it.
        form: new URLSearchParams({ sf_env: 'Production', tab: TAB }).toString(),
    });
    loginTimes.push(login.answered - login.started);
    const cookie = String(login.first.headers['set-cookie']).split(';')[0]!;
    const returnTo = await logInAtSalesforce(login.first.headers.location!, false);
    // The password takes a while: every connection to Salesforce is cut meanwhile.
    await sleep(300);
    proxies.production.cutAll();
    proxies.mydomain.cutAll();
    await sleep(1500);
    const connectionsBefore = sim.stats.connections.production;
    const { first: callback, page, started, answered, shown } = await visit(returnTo, { headers: { cookie } }, true);
    if (callback.status !== 303) throw new Error(`the callback answered ${callback.status}: ${callback.body}`);
    if (!page?.body.includes('bench@example.com')) throw new Error(`the result page answered ${page?.status}`);
    callbackTimes.push(answered - started);
    waitTimes.push(shown - started);
    salesforceSide.push(
        timePast([
            ...proxies.production.exchangesWithin(started, shown),
            ...proxies.mydomain.exchangesWithin(started, shown),
        ]),
    );
    newConnections.push(sim.stats.connections.production - connectionsBefore);
}

// JWT Bearer: the person reads the first page (the app's preflight has a connection to the login host open, as
// it does after GET /), then presses Get a token: the wait is from that press to the result page shown.
const jwtTimes: number[] = [];
for (let i = 0; i < LOGINS; i++) {
    await visit('/');
    await sleep(1000);
    const { first, shown, started, page } = await visit(
        '/login',
        {
            method: 'POST',
            headers: { 'sec-fetch-site': 'same-origin' },
            form: new URLSearchParams({
                flow: 'jwt_bearer',
                sf_env: 'Production',
                username: 'ci@example.com',
            }).toString(),
        },
        true,
    );
    if (first.status !== 303 || !page?.body.includes('ci@example.com')) {
        throw new Error(`the JWT Bearer login answered ${first.status}: ${first.body.slice(0, 300)}`);
    }
    jwtTimes.push(shown - started);
}

// The browser's hop alone, after the same pause as before a callback: the app's cheapest answer, the redirect
// from http://127.0.0.1:PORT to its canonical address (no template, no file, no call to Salesforce).
const hopTimes: number[] = [];
for (let i = 0; i < LOGINS; i++) {
    await sleep(1500);
    const hop = await visit('/', { headers: { host: `127.0.0.1:${appPort}` } });
    if (hop.first.status !== 302) throw new Error(`the canonical-address redirect answered ${hop.first.status}`);
    hopTimes.push(hop.answered - hop.started);
}

// A naive client: a new connection per call, the code exchange and then identity (as most samples do).
const naiveTimes: number[] = [];
for (let i = 0; i < LOGINS; i++) {
    const grant = await naive.authorize(proxies.production.url, callbackUrl, false);
    proxies.production.cutAll();
    await sleep(200);
    const started = performance.now();
    await naive.redeem(proxies.production.url, callbackUrl, grant, false);
    naiveTimes.push(performance.now() - started);
}

// The floor of this setup: one request on an open connection, from this process through the same proxy.
const floorAgent = new https.Agent({ keepAlive: true, ca: TRUSTED });
const floorGet = () =>
    new Promise<void>((resolve, reject) =>
        https
            .get(`${proxies.production.url}/services/data/`, { agent: floorAgent }, (res) =>
                res.resume().on('end', resolve),
            )
            .on('error', reject),
    );
await floorGet();
const floorTimes: number[] = [];
for (let i = 0; i < LOGINS; i++) {
    const started = performance.now();
    await floorGet();
    floorTimes.push(performance.now() - started);
}
floorAgent.destroy();

app.kill();
await browserThread.terminate();
await sim.close();
await proxies.production.close();
await proxies.mydomain.close();

const ms = (v: number) => `${v.toFixed(0)} ms`;
const rtt = (v: number) => `${(v / RTT).toFixed(1)} RTT`;
const report = [
    `Measured ${new Date().toISOString().slice(0, 10)}: simulator behind TLS 1.3 and a proxy adding ${RTT} ms of round trip, every connection cut while the person logs in; median of ${LOGINS} cold logins.`,
    '',
    '| What | Median | In round trips | Target |',
    '| --- | --- | --- | --- |',
    `| Callback to the result page, who logged in shown (sf-oauth-auth) | ${ms(median(waitTimes))} | ${rtt(median(waitTimes))} | ≤ 2 RTT + 10 ms (${ms(2 * RTT + 10)}) |`,
    `| … of which past the proxy: the network (2 RTT) and the simulator's own work | ${ms(median(salesforceSide))} | ${rtt(median(salesforceSide))} | |`,
    `| … of which the app and the browser's hops (wait − past the proxy, per login) | ${ms(median(waitTimes.map((w, i) => w - salesforceSide[i]!)))} | | |`,
    `| The callback's own answer: the redirect, sent once the code is redeemed | ${ms(median(callbackTimes))} | ${rtt(median(callbackTimes))} | |`,
    `| \`POST /login\` to its redirect, preflight included | ${ms(median(loginTimes))} | ${rtt(median(loginTimes))} | ≤ 1 RTT + 10 ms (${ms(RTT + 10)}) |`,
    `| JWT Bearer: Get a token to the result page (token request, identity, the redirect) | ${ms(median(jwtTimes))} | ${rtt(median(jwtTimes))} | |`,
    `| A naive client: new connection per call, token then identity | ${ms(median(naiveTimes))} | ${rtt(median(naiveTimes))} | |`,
    `| The browser's hop alone: the app's cheapest answer after the same pause | ${ms(median(hopTimes))} | | |`,
    `| Floor of this setup: one request on an open connection | ${ms(median(floorTimes))} | ${rtt(median(floorTimes))} | |`,
    '',
    `New connections the callback opened to the login host: ${newConnections.join(', ')} (0 means it used the warm ones).`,
    '',
];
writeFileSync(`${ROOT}bench/latency.md`, `${report.join('\n')}\n`);
console.log(report.join('\n'));
process.exit(0);
