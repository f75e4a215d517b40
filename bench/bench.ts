// `npm run bench`: the app's own cost, measured against a bare Express page and against the simulator.
// Starts everything it needs on loopback, runs for about a minute and a half, prints a Markdown report.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
        });
    });
}

function rssMb(pid: number): number {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return kb / 1024;
}

/** User + system CPU time of a process, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(url: string, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    for (;;) {
        try {
            const res = await fetch(url);
            await res.arrayBuffer();
            if (res.ok) return;
        } catch {
            // not listening yet
        }
        if (Date.now() - start > timeoutMs) throw new Error(`${url} did not answer`);
        await sleep(2);
    }
}

function start(args: string[], env: Record<string, string>, onLine?: (line: string) => void): ChildProcess {
    const child = spawn(process.execPath, args, {
        cwd: mkdtempSync(join(tmpdir(), 'sfoa-bench-')),
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) onLine?.(line);
    });
    return child;
}

async function cannon(opts: autocannon.Options) {
    const r = await autocannon({ connections: 10, duration: SECONDS, ...opts });
    const failed = r.errors + r.non2xx;
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failed };
}

function percentile(values: number[], p: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Starts `npm run demo` on a free port; resolves with the app origin and the simulated production host. */
async function startDemo(): Promise<{ child: ChildProcess; origin: string; production: string }> {
    const port = await freePort();
    const child = start([join(ROOT, 'dist/demo.js')], { APP_PORT: String(port) });
    const origin = `http://localhost:${port}`;
    await waitFor(`${origin}/`);
    // The simulated production login host is where the app sends a Production login.
    const login = await fetch(`${origin}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: 'sf_env=Production',
    });
    return { child, origin, production: new URL(login.headers.get('location')!).origin };
}

/** The tab's secret, as the page script keeps it in sessionStorage: the login form carries it. */
const TAB = randomBytes(32).toString('base64url');

/** POST /login, the simulator's login page and "Log In": the browser's half of a login, up to the callback. */
async function untilCallback(
    origin: string,
    production: string,
): Promise<{ cookie: string; callback: string; loginAppMs: number }> {
    const login = await fetch(`${origin}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: `sf_env=Production&tab=${TAB}`,
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const page = await (await fetch(login.headers.get('location')!)).text();
    const decision = await fetch(`${production}/services/oauth2/authorize/decision`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `request=${/name="request" value="([a-f0-9]+)"/.exec(page)![1]}&decision=allow&username=bench%40example.com`,
    });
    return { cookie, callback: decision.headers.get('location')!, loginAppMs: appDur(login) };
}

/** The callback, and the claim its page's script posts with the tab's secret: the code is redeemed then. */
async function finishAtCallback(origin: string, callbackUrl: string, cookie: string) {
    const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
    const claim = /name="claim" value="([^"]+)"/.exec(await callback.text())?.[1];
    const claimed = await fetch(`${origin}/callback/tab`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie },
        body: `claim=${claim}&tab=${TAB}`,
    });
    return { callback, claimed };
}

const fmt = (n: number, d = 1) => n.toFixed(d);
const rows: string[] = [];
const notes: string[] = [];

// 1. Start-up: `npm start` runs node dist/server.js; time from spawn to the first answered request,
// both through npm (what a person types) and straight (what npm runs).
const startTimes: number[] = [];
const npmStartTimes: number[] = [];
for (let i = 0; i < 5; i++) {
    let port = await freePort();
    let t0 = performance.now();
    const child = start([join(ROOT, 'dist/server.js')], { CLIENT_ID: 'bench', APP_PORT: String(port) });
    await waitFor(`http://localhost:${port}/`);
    startTimes.push(performance.now() - t0);
    child.kill();

    port = await freePort();
    t0 = performance.now();
    // npm starts node in a child of its own: a process group lets the whole tree be stopped.
    const npm = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CLIENT_ID: 'bench', APP_PORT: String(port) },
        stdio: 'ignore',
        detached: true,
    });
    await waitFor(`http://localhost:${port}/`);
    npmStartTimes.push(performance.now() - t0);
    process.kill(-npm.pid!, 'SIGTERM');
}

// 2. The app (no simulator needed for / and /login), and the bare page, each in its own process.
const appPort = await freePort();
const app = start([join(ROOT, 'dist/server.js')], { CLIENT_ID: 'bench', APP_PORT: String(appPort) });
await waitFor(`http://localhost:${appPort}/`);
await sleep(500);
const idleRss = rssMb(app.pid!);

const barePort = await freePort();
const bare = start(['--import', import.meta.resolve('tsx'), join(ROOT, 'bench/bare.ts')], { PORT: String(barePort) });
await waitFor(`http://127.0.0.1:${barePort}/`);

const appOrigin = `http://localhost:${appPort}`;
await cannon({ url: `${appOrigin}/`, duration: 2 }); // warm-up
await cannon({ url: `http://127.0.0.1:${barePort}/`, duration: 2 });
const bareGet = await cannon({ url: `http://127.0.0.1:${barePort}/` });
const appGet = await cannon({ url: `${appOrigin}/` });
const loginPost = await cannon({
    url: `${appOrigin}/login`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: appOrigin },
    body: 'sf_env=Sandbox',
});
rows.push(
    `| \`GET /\` (bare Express + EJS, same page) | ${fmt(bareGet.rps, 0)} | ${fmt(bareGet.p50)} | ${fmt(bareGet.p99)} | |`,
);
rows.push(
    `| \`GET /\` (sf-oauth-auth) | ${fmt(appGet.rps, 0)} | ${fmt(appGet.p50)} | ${fmt(appGet.p99)} | ${fmt((100 * appGet.rps) / bareGet.rps, 0)}% of bare |`,
);
const loginFailures = loginPost.failed;
// /login answers 302: autocannon counts it as non-2xx, which is expected here.
rows.push(
    `| \`POST /login\` (302 to Salesforce) | ${fmt(loginPost.rps, 0)} | ${fmt(loginPost.p50)} | ${fmt(loginPost.p99)} | ${fmt((100 * loginPost.rps) / bareGet.rps, 0)}% of bare GET |`,
);
void loginFailures;
bare.kill();
app.kill();

// 3. Memory: 20,000 abandoned logins on a fresh demo (app + simulator), while one real login waits.
const { child: mem, origin: memOrigin, production: memProduction } = await startDemo();
await sleep(300);
const memBefore = rssMb(mem.pid!);
const waiting = await untilCallback(memOrigin, memProduction);
await autocannon({
    url: `${memOrigin}/login`,
    method: 'POST',
    connections: 20,
    amount: 20_000,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: memOrigin },
    body: 'sf_env=Production',
});
await sleep(500);
const memPeak = rssMb(mem.pid!);
const { claimed: survivor } = await finishAtCallback(memOrigin, waiting.callback, waiting.cookie);
// V8 keeps the heap it grew for the burst's garbage until its memory reducer runs after ~20 s idle.
await sleep(25_000);
const memAfter = rssMb(mem.pid!);
mem.kill();

// The same 20,000 pending logins held by the store alone, measured as heap after a full GC.
const { Store } = await import('../src/store.js');
const gc = (globalThis as { gc?: () => void }).gc;
let retainedMb = Number.NaN;
if (gc) {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const store = new Store();
    for (let i = 0; i < 20_000; i++) {
        store.addPending(randomBytes(32).toString('base64url'), {
            state: randomBytes(32).toString('base64url'),
            verifier: randomBytes(32).toString('base64url'),
            nonce: randomBytes(32).toString('base64url'),
            environment: 'Production',
            loginHost: 'login.salesforce.com',
            baseUrl: 'https://login.salesforce.com',
        });
    }
    gc();
    retainedMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
    if (store.pendingCount !== 20_000) throw new Error('the store lost pending logins');
}

// 4. Complete logins through the app vs. the same login done directly against the simulator.
const { child: demo, origin: demoOrigin, production: simProduction } = await startDemo();

interface Timed {
    total: number;
    /** The app's own time in this login, from the Server-Timing headers of its four answers (login, callback, claim, result). */
    appOwn?: number;
}

function appDur(res: Response): number {
    return Number(/app;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? Number.NaN);
}
/**
 * A login as a browser with JavaScript makes it: the callback answers the claim page, whose script posts the tab's
 * secret back at once; that answer redirects to the result page.
 */
async function viaApp(): Promise<Timed> {
    const t0 = performance.now();
    const { cookie, callback: callbackUrl, loginAppMs } = await untilCallback(demoOrigin, simProduction);
    const { callback, claimed } = await finishAtCallback(demoOrigin, callbackUrl, cookie);
    const result = await fetch(new URL(claimed.headers.get('location')!, demoOrigin), { headers: { cookie } });
    const html = await result.text();
    if (!html.includes('id="access-token"')) throw new Error('a benchmark login did not end on a token');
    return {
        total: performance.now() - t0,
        appOwn: loginAppMs + appDur(callback) + appDur(claimed) + appDur(result),
    };
}

async function direct(): Promise<Timed> {
    // The same calls a client makes to the simulator, without the app: authorize, decide, token, identity + versions.
    const t0 = performance.now();
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL('/services/oauth2/authorize', simProduction);
    authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: '3MVG9SIMULATED.CONSUMER.KEY',
        redirect_uri: `${demoOrigin}/callback`,
        state: randomBytes(32).toString('base64url'),
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
    }).toString();
    const page = await (await fetch(authorize)).text();
    const request = /name="request" value="([a-f0-9]+)"/.exec(page)![1]!;
    const decision = await fetch(`${simProduction}/services/oauth2/authorize/decision`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `request=${request}&decision=allow&username=bench%40example.com`,
    });
    const code = new URL(decision.headers.get('location')!).searchParams.get('code')!;
    const token = (await (
        await fetch(`${simProduction}/services/oauth2/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
                grant_type: 'authorization_code',
                code,
                client_id: '3MVG9SIMULATED.CONSUMER.KEY',
                client_secret: 'SIMULATED-CONSUMER-SECRET',
                redirect_uri: `${demoOrigin}/callback`,
                code_verifier: verifier,
            }),
        })
    ).json()) as { id: string; access_token: string };
    await Promise.all([
        fetch(token.id, { headers: { authorization: `Bearer ${token.access_token}` } }).then((r) => r.arrayBuffer()),
        fetch(`${simProduction}/services/data/`).then((r) => r.arrayBuffer()),
    ]);
    return { total: performance.now() - t0 };
}

for (let i = 0; i < 100; i++) {
    await viaApp();
    await direct();
} // warm-up
const appTimes: number[] = [];
const appOwnTimes: number[] = [];
const directTimes: number[] = [];
for (let i = 0; i < 600; i++) {
    const viaAppRun = await viaApp();
    appTimes.push(viaAppRun.total);
    appOwnTimes.push(viaAppRun.appOwn!);
    directTimes.push((await direct()).total);
}
// The app's own CPU per login: the demo process runs the simulator in both cases, so the difference in its
// CPU time between a login through the app and the same login done directly is what the app itself spends
// (its three routes and its three calls to the simulator), without the benchmark client's own costs.
let appCpu = 0;
let directCpu = 0;
for (let round = 0; round < 4; round++) {
    let t = cpuMs(demo.pid!);
    for (let i = 0; i < 250; i++) await viaApp();
    appCpu += cpuMs(demo.pid!) - t;
    t = cpuMs(demo.pid!);
    for (let i = 0; i < 250; i++) await direct();
    directCpu += cpuMs(demo.pid!) - t;
}
const ownCpu = (appCpu - directCpu) / 1000;
const concurrentStart = performance.now();
let concurrentDone = 0;
await Promise.all(
    Array.from({ length: 10 }, async () => {
        while (performance.now() - concurrentStart < SECONDS * 1000) {
            await viaApp();
            concurrentDone += 1;
        }
    }),
);
const loginsPerSecond = concurrentDone / ((performance.now() - concurrentStart) / 1000);
demo.kill();

const own50 = percentile(appTimes, 50) - percentile(directTimes, 50);
rows.push(
    `| Complete login through the app (6 requests, the tab claim included) | ${fmt(loginsPerSecond, 0)} logins/s (10 at once) | ${fmt(percentile(appTimes, 50), 2)} | ${fmt(percentile(appTimes, 99), 2)} | |`,
);
rows.push(
    `| The same login straight to the simulator | | ${fmt(percentile(directTimes, 50), 2)} | ${fmt(percentile(directTimes, 99), 2)} | app adds ${fmt(own50, 2)} ms p50 |`,
);

const report = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}, ${SECONDS}s per load run, 10 connections, all on loopback.`,
    '',
    '| What | Requests/s | p50 ms | p99 ms | Note |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '| Resource | Figure | Target |',
    '|---|---|---|',
    `| Start-up, \`npm start\` to first answered request (median of 5) | ${fmt(percentile(npmStartTimes, 50), 0)} ms | < 1000 ms |`,
    `| Start-up, \`node dist/server.js\` (what npm start runs) to first answered request | ${fmt(percentile(startTimes, 50), 0)} ms | |`,
    `| Idle RSS | ${fmt(idleRss)} MB | < 80 MB |`,
    `| RSS (demo: app + simulator) right after 20,000 abandoned logins (peak, with the burst's uncollected garbage) | ${fmt(memPeak)} MB (+${fmt(memPeak - memBefore)} MB) | |`,
    `| RSS after 20,000 abandoned logins, 25 s later | ${fmt(memAfter)} MB (+${fmt(memAfter - memBefore)} MB) | < +40 MB |`,
    `| Heap held by 20,000 pending logins (after GC) | ${fmt(retainedMb)} MB | < 40 MB |`,
    `| A login started before the 20,000 completes after them | ${survivor.status === 303 ? 'yes (303 to its result)' : `NO (HTTP ${survivor.status})`} | yes |`,
    `| App's own time per complete login, p50 (sum of Server-Timing \`app\` over its 4 answers: time in the app, Salesforce waits excluded) | ${fmt(percentile(appOwnTimes, 50), 2)} ms (p99 ${fmt(percentile(appOwnTimes, 99), 2)} ms) | < 2 ms |`,
    `| App's own CPU time per complete login (demo process CPU through the app − direct, 1,000 logins each; includes the kernel's socket work) | ${fmt(ownCpu, 2)} ms | |`,
    `| Wall-clock difference per login (p50 through app − p50 direct; includes the client's 4 extra requests) | ${fmt(own50, 2)} ms | |`,
    `| \`GET /\` vs bare Express | ${fmt((100 * appGet.rps) / bareGet.rps, 0)}% | ≥ 50% |`,
    ...notes,
];
console.log(report.join('\n'));
writeFileSync(join(ROOT, 'bench/latest.md'), `${report.join('\n')}\n`);
process.exit(0);
