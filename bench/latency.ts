// `npm run bench` (second part): the time a person waits after clicking Allow, at a realistic distance from
// Salesforce. The simulator serves TLS (a throwaway certificate for 127.0.0.1, trusted by the app through
// NODE_EXTRA_CA_CERTS) behind a proxy that delays every packet by half a round trip, and cuts every
// connection while the person types their password, as a login that outlasts Salesforce's keep-alive does.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/simulator/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RTT = Number(process.env.BENCH_RTT_MS ?? 50);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 7);
const CERT = fileURLToPath(new URL('../test/fixtures/self-signed-cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('../test/fixtures/self-signed-key.pem', import.meta.url));
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
 * first bytes one round trip more: the TCP handshake a real connection pays before it can send.
 */
async function latencyProxy(upstreamPort: number) {
    const sockets = new Set<net.Socket>();
    const delayed = (from: net.Socket, to: net.Socket, firstExtra: number) => {
        let extra = firstExtra;
        from.on('data', (chunk) => {
            const wait = RTT / 2 + extra;
            extra = 0;
            setTimeout(() => to.writable && to.write(chunk), wait);
        });
        from.on('close', () => setTimeout(() => to.destroy(), RTT / 2));
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
        delayed(client, upstream, RTT);
        delayed(upstream, client, 0);
    });
    const port = await new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    );
    return {
        url: `https://127.0.0.1:${port}`,
        /** Every open connection is closed, as an idle timeout would. */
        cutAll: () => sockets.forEach((s) => s.destroy()),
        close: () =>
            new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
    };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
}

/** A request that trusts the throwaway certificate and keeps nothing: a new connection per call. */
function naiveRequest(url: string, init: { method?: string; form?: URLSearchParams; bearer?: string } = {}) {
    return new Promise<{ status: number; body: string; location?: string }>((resolve, reject) => {
        const req = https.request(
            url,
            {
                method: init.method ?? 'GET',
                agent: false,
                ca: readFileSync(CERT),
                headers: {
                    ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
                    ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}),
                },
            },
            (res) => {
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (d: string) => (body += d));
                res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
            },
        );
        req.on('error', reject);
        req.end(init.form?.toString());
    });
}

/** The browser's half at Salesforce: the login page, then Log In; returns the callback URL. */
async function logInAtSalesforce(authorizeUrl: string): Promise<string> {
    const page = await naiveRequest(authorizeUrl);
    const request = /name="request" value="([a-f0-9]+)"/.exec(page.body)![1]!;
    const decision = await naiveRequest(`${new URL(authorizeUrl).origin}/services/oauth2/authorize/decision`, {
        method: 'POST',
        form: new URLSearchParams({ request, decision: 'allow', username: 'bench@example.com' }),
    });
    return decision.location!;
}

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
sim.settings.callbackUrls = [`${origin}/callback`];
const app: ChildProcess = spawn(process.execPath, [`${ROOT}dist/server.js`], {
    env: {
        PATH: process.env.PATH ?? '',
        CLIENT_ID,
        CLIENT_SECRET,
        APP_PORT: String(appPort),
        BASE_SALESFORCE_PRODUCTION_URL: proxies.production.url,
        NODE_EXTRA_CA_CERTS: CERT,
    },
    stdio: 'ignore',
});
for (let i = 0; i < 100; i++) {
    if (
        await fetch(`${origin}/`).then(
            () => true,
            () => false,
        )
    )
        break;
    await sleep(50);
}

const loginTimes: number[] = [];
const callbackTimes: number[] = [];
const newConnections: number[] = [];
for (let i = 0; i < LOGINS; i++) {
    proxies.production.cutAll();
    proxies.mydomain.cutAll();
    // The person opens the first page (the app asks Salesforce ahead), reads it, and clicks Log in.
    const home = await fetch(`${origin}/`);
    await home.text();
    await sleep(1000);
    let started = performance.now();
    const login = await fetch(`${origin}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        body: 'sf_env=Production',
    });
    loginTimes.push(performance.now() - started);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const callbackUrl = await logInAtSalesforce(login.headers.get('location')!);
    // The password takes a while: every connection to Salesforce is cut meanwhile.
    await sleep(300);
    proxies.production.cutAll();
    proxies.mydomain.cutAll();
    await sleep(1500);
    started = performance.now();
    const connectionsBefore = sim.stats.connections.production;
    const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
    callbackTimes.push(performance.now() - started);
    newConnections.push(sim.stats.connections.production - connectionsBefore);
    if (callback.status !== 303) throw new Error(`the callback answered ${callback.status}: ${await callback.text()}`);
}

// A naive client: a new connection per call, the code exchange and then identity (as most samples do).
const naiveTimes: number[] = [];
for (let i = 0; i < LOGINS; i++) {
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL('/services/oauth2/authorize', proxies.production.url);
    authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: CLIENT_ID,
        redirect_uri: `${origin}/callback`,
        state: 'naive',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
    }).toString();
    const code = new URL(await logInAtSalesforce(authorize.href)).searchParams.get('code')!;
    proxies.production.cutAll();
    await sleep(200);
    const started = performance.now();
    const token = await naiveRequest(`${proxies.production.url}/services/oauth2/token`, {
        method: 'POST',
        form: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            redirect_uri: `${origin}/callback`,
            code_verifier: verifier,
        }),
    });
    const tokens = JSON.parse(token.body) as { id: string; access_token: string };
    await naiveRequest(tokens.id, { bearer: tokens.access_token });
    naiveTimes.push(performance.now() - started);
}

// The floor of this setup: one request on an open connection, from this process through the same proxy.
const floorAgent = new https.Agent({ keepAlive: true, ca: readFileSync(CERT) });
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
    `| Callback to its answer (sf-oauth-auth) | ${ms(median(callbackTimes))} | ${rtt(median(callbackTimes))} | ≤ 2 RTT + 10 ms (${ms(2 * RTT + 10)}) |`,
    `| \`POST /login\` to its redirect, preflight included | ${ms(median(loginTimes))} | ${rtt(median(loginTimes))} | ≤ 1 RTT + 10 ms (${ms(RTT + 10)}) |`,
    `| A naive client: new connection per call, token then identity | ${ms(median(naiveTimes))} | ${rtt(median(naiveTimes))} | |`,
    `| Floor of this setup: one request on an open connection | ${ms(median(floorTimes))} | ${rtt(median(floorTimes))} | |`,
    '',
    `New connections the callback opened to the login host: ${newConnections.join(', ')} (0 means it used the warm ones).`,
    '',
];
writeFileSync(`${ROOT}bench/latency.md`, `${report.join('\n')}\n`);
console.log(report.join('\n'));
process.exit(0);
