// `npm start` as a person runs it: start-up validation, the port-taken message, the URLs it prints.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { bindLoopback } from '../../src/serve.js';
import { Browser, loginRequestId, text } from '../support/stack.js';

// What `npm start` runs: the build that `npm test` (and `npm install`) makes first.
const SERVER = fileURLToPath(new URL('../../dist/server.js', import.meta.url));
const SIMULATE = fileURLToPath(new URL('../../dist/simulate.js', import.meta.url));

/**
 * Runs the server entry in an empty folder (so no developer .env is read), or one holding `dotEnv` as its
 * .env, until it exits or prints `until`.
 */
function run(
    env: Record<string, string>,
    until?: RegExp,
    dotEnv?: string,
): Promise<{ code: number | null; out: string; err: string }> {
    const cwd = mkdtempSync(join(tmpdir(), 'sfoa-'));
    if (dotEnv !== undefined) writeFileSync(join(cwd, '.env'), dotEnv);
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [SERVER], {
            cwd,
            env: { PATH: process.env.PATH ?? '', ...env },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => {
            out += d;
            if (until?.test(out)) child.kill('SIGTERM');
        });
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (code) => resolve({ code, out, err }));
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
}

describe('npm start', () => {
    it('for localhost, binds both loopback addresses on one port and never all interfaces', async (t) => {
        const bound = await bindLoopback('localhost', 0);
        t.after(() => bound.close());
        const addresses = bound.servers.map((s) => s.address() as AddressInfo);
        assert.deepEqual(
            addresses.map((a) => a.address),
            ['127.0.0.1', '::1'],
        );
        assert.ok(addresses.every((a) => a.port === bound.port));
    });

    it('with the app up, another process cannot take [::1] on its port', async (t) => {
        const bound = await bindLoopback('localhost', 0);
        t.after(() => bound.close());
        const squatter = net.createServer();
        const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
            squatter.once('error', resolve);
            squatter.listen({ port: bound.port, host: '::1', ipv6Only: true }, () => resolve(new Error('bound')));
        });
        squatter.close();
        assert.equal(error.code, 'EADDRINUSE');
    });

    it('when a squatter holds [::1] on the port, start-up fails and names the port', async (t) => {
        const squatter = net.createServer();
        await new Promise<void>((resolve) => squatter.listen({ port: 0, host: '::1', ipv6Only: true }, resolve));
        t.after(() => squatter.close());
        const port = (squatter.address() as AddressInfo).port;
        await assert.rejects(bindLoopback('localhost', port), { code: 'EADDRINUSE' });
        const { code, err } = await run({ CLIENT_ID: 'abc', APP_PORT: String(port) });
        assert.equal(code, 1);
        assert.match(err, new RegExp(`cannot listen on port ${port}: another program is using it`));
        assert.match(err, /APP_PORT/);
        assert.match(err, /callback URL changes too/);
    });

    it('with CLIENT_ID missing, APP_PORT and APP_BIND invalid, prints one message naming all three and exits 1 without a stack trace', async () => {
        const { code, err } = await run({ APP_PORT: 'seventy', APP_BIND: 'everywhere' });
        assert.equal(code, 1);
        assert.match(err, /CLIENT_ID is missing/);
        assert.match(err, /APP_PORT must be a whole number/);
        assert.match(err, /APP_BIND must be an IP address/);
        assert.match(err, /There is no \.env here: copy \.env\.example to \.env/);
        assert.match(err, /npm run demo/);
        assert.doesNotMatch(err, /TypeError|    at /);
    });

    it('on success, prints the URL to open, the callback URL to register and the client type; APP_BIND beyond loopback adds a loud warning', async () => {
        const { close, port } = await bindLoopback('localhost', 0);
        await close();
        const { out, err } = await run(
            { CLIENT_ID: 'abc', APP_PORT: String(port), APP_BIND: '0.0.0.0' },
            /Stop with Control-C/,
        );
        assert.match(err, /WARNING: APP_BIND=0\.0\.0\.0 listens beyond this machine/);
        assert.match(out, new RegExp(`open http://localhost:${port}\\n`));
        assert.match(
            out,
            new RegExp(
                `register in your External Client App \\(or Connected App\\): http://localhost:${port}/callback`,
            ),
        );
        assert.match(out, /Public client: no CLIENT_SECRET/);
    });

    it('a JWT_KEY_FILE that cannot be used is named at start-up; a good one is confirmed, and neither prints the key', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'sfoa-key-'));
        const good = join(dir, 'server.key');
        const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            type: 'pkcs8',
            format: 'pem',
        });
        writeFileSync(good, pem, { mode: 0o600 });
        const port = async () => {
            const { close, port } = await bindLoopback('localhost', 0);
            await close();
            return String(port);
        };
        const missing = await run(
            { CLIENT_ID: 'abc', APP_PORT: await port(), JWT_KEY_FILE: join(dir, 'nope.key') },
            /Stop with Control-C/,
        );
        assert.match(
            missing.err,
            /WARNING: JWT_KEY_FILE \(.*nope\.key\) could not be read.* JWT Bearer logins are refused until it is fixed\./,
        );
        const fine = await run({ CLIENT_ID: 'abc', APP_PORT: await port(), JWT_KEY_FILE: good }, /Stop with Control-C/);
        assert.match(fine.out, /JWT Bearer: assertions are signed with the key in .*server\.key\./);
        assert.equal(fine.err, '');
        for (const output of [missing.out, missing.err, fine.out, fine.err]) assert.ok(!output.includes('PRIVATE KEY'));
    });

    it('a client that trickles its headers is cut off within a second of headersTimeout, not 30 s later', async (t) => {
        const bound = await bindLoopback('127.0.0.1', 0, { headersTimeout: 200, requestTimeout: 400 });
        t.after(() => bound.close());
        bound.serve((_req, res) => res.end('ok'));
        const started = performance.now();
        const closedAfter = await new Promise<number>((resolve) => {
            const socket = net.connect(bound.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n'));
            socket.on('data', () => undefined);
            socket.on('close', () => resolve(performance.now() - started));
        });
        assert.ok(closedAfter < 2_500, `the socket stayed open ${Math.round(closedAfter)} ms`);
    });

    it('npm run simulator serves any Consumer Key and prints the .env lines that point npm start at it', async (t) => {
        // SIMULATOR_PORT=0: four ports the system picks, so no other test or program can hold them.
        const child = spawn(process.execPath, [SIMULATE], {
            env: { PATH: process.env.PATH ?? '', SIMULATOR_PORT: '0' },
        });
        t.after(() => child.kill('SIGKILL'));
        const out = await new Promise<string>((resolve) => {
            let printed = '';
            child.stdout.on('data', (d) => {
                printed += d;
                if (/Stop with Control-C/.test(printed)) resolve(printed);
            });
            child.on('exit', () => resolve(printed));
        });
        const production = /BASE_SALESFORCE_PRODUCTION_URL=(\S+)/.exec(out)?.[1];
        assert.match(production ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.match(out, /BASE_SALESFORCE_SANDBOX_URL=http:\/\/127\.0\.0\.1:\d+/);
        assert.match(out, new RegExp(`use ${production} as the login URL`));

        // The app, configured from those lines with a Consumer Key of its own, logs in end to end.
        const bound = await bindLoopback('localhost', 0);
        t.after(() => bound.close());
        const config = loadConfig({
            CLIENT_ID: 'my-own-key',
            CLIENT_SECRET: 'my-own-secret',
            APP_PORT: String(bound.port),
            BASE_SALESFORCE_PRODUCTION_URL: production!,
        });
        bound.serve(createApp(config, { log: () => undefined }));
        const b = new Browser();
        const login = await b.post(`${config.origin}/login`, { sf_env: 'Production' });
        assert.equal(login.status, 302);
        const page = await b.request(login.location!);
        const authorize = new URL(login.location!);
        const decision = await b.request(`${authorize.origin}/services/oauth2/authorize/decision`, {
            form: { request: loginRequestId(page.body), decision: 'allow', username: 'me@example.com' },
        });
        const callback = await b.request(decision.location!);
        assert.equal(callback.status, 303);
        const result = text((await b.request(callback.location!)).body);
        assert.match(result, /Username me@example\.com/);
        assert.match(result, /Signature Verified with CLIENT_SECRET/);
    });

    it('a misspelt name in .env is named at start-up with the setting it looks like, before the configuration is checked', async () => {
        // No CLIENT_ID reaches the app (it is misspelt too), so it stops after the warnings: no port is needed.
        const { code, err } = await run(
            {},
            undefined,
            'CLIENT_IDD=abc\nCLIENT_SECERT=oops\nAPP_PROT=8080\nMY_NOTE=kept\n',
        );
        assert.equal(code, 1);
        assert.match(err, /\.env sets CLIENT_IDD, which this app does not read\. Did you mean CLIENT_ID\?/);
        assert.match(err, /\.env sets CLIENT_SECERT, which this app does not read\. Did you mean CLIENT_SECRET\?/);
        assert.match(err, /\.env sets APP_PROT, which this app does not read\. Did you mean APP_PORT\?/);
        assert.match(err, /CLIENT_ID is missing/);
        assert.doesNotMatch(err, /MY_NOTE/);
        assert.doesNotMatch(err, /oops/, 'a value is never printed');
    });

    it('with a .env that has a mistake, the message names it and says to fix .env, not to copy the example', async () => {
        const { code, err } = await run({}, undefined, 'CLIENT_ID = abc\nAPP_PORT = seventy\n');
        assert.equal(code, 1);
        assert.match(err, /APP_PORT must be a whole number/);
        assert.match(err, /Fix these in \.env/);
        assert.doesNotMatch(err, /copy \.env\.example/);
    });
});
