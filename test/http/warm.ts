// Connections to the login host open while the person is on Salesforce's login page, so the callback's
// calls start at once; a host that cannot be warmed changes nothing for the person.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { createTransport } from '../../src/salesforce/transport.js';
import { createWarmer, WARM_DEFAULTS } from '../../src/salesforce/warm.js';
import { Browser, decide, loginRequestId, startStack, type Stack } from '../support/stack.js';

/** Waits, a few milliseconds at a time and for five seconds at most, until `ready` holds. */
async function until(ready: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(ready(), 'the condition held within five seconds');
}

async function loginPage(stack: Stack, browser: Browser) {
    const login = await browser.post(`${stack.origin}/login`, { sf_env: 'Production' });
    assert.equal(login.status, 302);
    const authorizeUrl = new URL(login.location!);
    const page = await browser.request(authorizeUrl.href);
    return { authorizeUrl, request: loginRequestId(page.body) };
}

describe('warm connections', () => {
    it('POST /login opens connections to the login host, and the callback uses them: no new connection', async (t) => {
        const stack = await startStack(t, { env: { PREFLIGHT: 'off' } });
        const b = new Browser();
        const { authorizeUrl, request } = await loginPage(stack, b);
        const callback = await decide(b, authorizeUrl, request);
        // The browser's own visits to the simulated login page count as connections too; wait for the warm ones,
        // and for the keys and versions asked on them (the simulator's first key set waits for its key).
        const { stats } = stack.sim;
        await until(() => stats.connections.production >= 3 && stats.keySetsAnswered >= 1 && stats.versionLookups >= 3);
        const before = stack.sim.stats.connections.production;
        const reply = await b.request(callback);
        assert.equal(reply.status, 303);
        assert.equal(stack.sim.stats.codeExchanges, 1);
        // The result page waits for identity, and status.json for introspection: both calls are over.
        assert.equal((await b.request(new URL(reply.location!, stack.origin).href)).status, 200);
        assert.equal((await b.request(new URL(`${reply.location!}/status.json`, stack.origin).href)).status, 200);
        assert.equal(stack.sim.stats.identityRequests, 1);
        assert.equal(stack.sim.stats.connections.production, before, 'token, identity and introspection reused them');
    });

    it('a login host that refuses connections changes nothing for POST /login', async (t) => {
        const closed = await startStack(t);
        await closed.close();
        const stack = await startStack(t, { env: { BASE_SALESFORCE_SANDBOX_URL: closed.sim.urls.sandbox } });
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Sandbox' });
        assert.equal(reply.status, 302);
        assert.ok(reply.location!.startsWith(`${closed.sim.urls.sandbox}/services/oauth2/authorize?`));
    });

    it('a login host that never answers while the person starts changes nothing: the login then completes', async (t) => {
        const stack = await startStack(t, { env: { PREFLIGHT_TIMEOUT_MS: '100' }, sim: { silent: true } });
        const b = new Browser();
        const login = await b.post(`${stack.origin}/login`, { sf_env: 'Production' });
        assert.equal(login.status, 302);
        // The host comes back while the warm-up's requests still hang on the connections it accepted.
        stack.sim.settings.silent = false;
        const authorizeUrl = new URL(login.location!);
        const page = await b.request(authorizeUrl.href);
        const callback = await decide(b, authorizeUrl, loginRequestId(page.body), 'allow', 'ada@example.com');
        const reply = await b.request(callback);
        assert.equal(reply.status, 303);
        const result = await b.request(new URL(reply.location!, stack.origin).href);
        assert.match(result.body, /ada@example\.com/);
        assert.equal(stack.sim.stats.codeExchanges, 1);
    });
});

/** A login host nobody here wrote, as a bare TCP server: `answer` writes the raw HTTP answer to each request. */
async function rawHost(t: { after(fn: () => unknown): void }, answer: (request: string, socket: net.Socket) => void) {
    const stats = { connections: 0, requests: [] as string[] };
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
        stats.connections += 1;
        sockets.add(socket);
        let buffered = '';
        socket.on('data', (chunk) => {
            buffered += chunk.toString('latin1');
            let end;
            while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
                const head = buffered.slice(0, end);
                buffered = buffered.slice(end + 4);
                stats.requests.push(head.split('\r\n')[0]!);
                answer(head, socket);
            }
        });
        socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
        server.close();
        for (const socket of sockets) socket.destroy();
    });
    return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, stats, server };
}

/** Waits the given milliseconds: only to show that nothing more happens in that time. */
const quiet = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the warm-up is bounded whatever the host does', () => {
    const timing = { ...WARM_DEFAULTS, backoffMs: 5, quickCloseMs: 2_000, now: Date.now };

    it("a host that closes every connection after one answer gets the login's budget of connections, then no more", async (t) => {
        const host = await rawHost(t, (_head, socket) => {
            socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        });
        const warm = createWarmer(createTransport(5_000), timing);
        warm(host.url);
        await until(() => host.stats.connections >= WARM_DEFAULTS.opensPerLogin);
        // Backing off 5, 10, 20… ms: a hundred times the first wait shows that no further connection comes.
        await quiet(500);
        assert.equal(host.stats.connections, WARM_DEFAULTS.opensPerLogin, 'two, then two replacements, then none');
        assert.ok(WARM_DEFAULTS.opensPerLogin <= 6);
    });

    it('with the defaults, a host that closes every connection at once is not reopened at once', async (t) => {
        const host = await rawHost(t, (_head, socket) => {
            socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        });
        createWarmer(createTransport(5_000), { ...WARM_DEFAULTS, now: Date.now })(host.url);
        await until(() => host.stats.connections >= 2);
        await quiet(200);
        assert.equal(host.stats.connections, 2, 'the next pair waits a whole second');
    });

    it('ten logins at once against such a host open ten connections, not forty', async (t) => {
        const host = await rawHost(t, (_head, socket) => {
            socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        });
        const warm = createWarmer(createTransport(5_000), timing);
        for (let i = 0; i < 10; i++) warm(host.url);
        const most = WARM_DEFAULTS.sockets + 2 * WARM_DEFAULTS.opensPerLogin;
        await until(() => host.stats.connections >= most);
        await quiet(500);
        assert.equal(host.stats.connections, most);
    });

    it('a host whose root answers HEAD with a 404 and no length still ends with warm connections that are reused', async (t) => {
        const host = await rawHost(t, (head, socket) => {
            if (head.startsWith('HEAD '))
                return void socket.write('HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n');
            socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
        });
        const send = createTransport(5_000);
        createWarmer(send, timing)(host.url);
        await until(() => host.stats.requests.length >= WARM_DEFAULTS.sockets);
        // A HEAD of this root leaves Node no connection to reuse; the warm-up's own request has a length.
        const reply = await send('POST', `${host.url}/services/oauth2/token`, { form: { grant_type: 'x' } });
        assert.equal(reply.body, '{}');
        assert.equal(host.stats.connections, WARM_DEFAULTS.sockets, 'the token call used a warm connection');
        assert.deepEqual(host.stats.requests.slice(0, 2), [
            'GET /services/data/ HTTP/1.1',
            'GET /services/data/ HTTP/1.1',
        ]);
    });

    it('POST /login against a host that closes every connection opens at most a few in the seconds after', async (t) => {
        const host = await rawHost(t, (_head, socket) => {
            socket.end(
                'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}',
            );
        });
        const stack = await startStack(t, { env: { PREFLIGHT: 'off', BASE_SALESFORCE_SANDBOX_URL: host.url } });
        const reply = await new Browser().post(`${stack.origin}/login`, { sf_env: 'Sandbox' });
        assert.equal(reply.status, 302);
        await until(() => host.stats.connections >= 2);
        await quiet(300);
        // The warm pair, the signing keys and the API versions: each fetched once, none reopened at once.
        assert.ok(host.stats.connections <= 6, `${host.stats.connections} connections`);
    });
});
