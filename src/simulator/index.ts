// A local imitation of Salesforce's login servers and REST API, for the demo and the tests, written from
// Salesforce's documentation and the OAuth RFCs alone: it imports nothing from the app. It runs four
// listeners that share one state: a production and a sandbox login host, and each org's My Domain (which
// also serves that org's REST API), so a code is bound to the host that issued it as Salesforce binds it.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { NO_FAULTS } from './faults.js';
import { REALMS, type Realm } from './fixtures.js';
import { prepareSigningKey } from './jwt.js';
import { homePage } from './pages.js';
import { oauthRoutes } from './oauth-routes.js';
import { Org, type SimulatorSettings, type SimulatorStats } from './org.js';
import { restRoutes } from './rest-routes.js';
import { setupRoutes } from './setup-page.js';

export type { Realm } from './fixtures.js';
export { API_VERSIONS } from './fixtures.js';
export { DEMO_OUTCOMES, type TokenFault } from './faults.js';
export type { SimulatorSettings, SimulatorStats } from './org.js';

export interface Simulator {
    readonly settings: SimulatorSettings;
    readonly stats: SimulatorStats;
    readonly urls: Readonly<Record<Realm, string>>;
    /** Clears every fault (token, authorize, identity, token decoration) at once. */
    resetFaults(): void;
    close(): Promise<void>;
}

/**
 * DNS rebinding: a hostile page can resolve its own name to 127.0.0.1, so only this listener's own
 * loopback names are answered (421, RFC 9110 §15.5.20).
 */
function loopbackHostOnly(org: Org, realm: Realm): express.RequestHandler {
    return (req, res, next) => {
        const port = new URL(org.urls[realm]).port;
        const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
        if (allowed.includes(req.headers.host ?? '')) return next();
        res.status(421).type('text/plain').send('Misdirected Request');
    };
}

function realmApp(org: Org, realm: Realm) {
    const app = express();
    app.disable('x-powered-by');
    app.use(loopbackHostOnly(org, realm));
    // Salesforce's login pages refuse to be framed (clickjacking), and so do these.
    app.use((_req, res, next) => {
        res.set({ 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' });
        next();
    });
    app.use((_req, _res, next) => {
        if (!org.settings.silent) next();
    });
    app.set('query parser', 'simple');
    app.get('/', (_req, res) => res.send(homePage(realm)));
    app.use(setupRoutes(org));
    app.use(oauthRoutes(org, realm));
    // Experience Cloud sites serve the same endpoints under the site's path.
    app.use('/:site', oauthRoutes(org, realm));
    app.use(restRoutes(org, realm));
    app.all('/redirect-trap', (_req, res) => {
        org.stats.redirectTrapHits += 1;
        res.status(200).json({ access_token: 'should-never-be-used', token_type: 'Bearer' });
    });
    return app;
}

function listenOn(server: http.Server, port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, ipv6Only: host === '::1' }, () => {
            server.off('error', reject);
            resolve((server.address() as AddressInfo).port);
        });
    });
}

/**
 * Listens on both loopback addresses on one port, as browsers reach `localhost` at either (Chromium tries ::1
 * first): a program holding [::1] on the port would otherwise receive the authorize requests meant for this
 * listener. A taken address fails the start (a random port is tried again with another); a machine without IPv6
 * loopback is served on 127.0.0.1 alone.
 */
async function listenLoopback(make: () => http.Server, port: number): Promise<http.Server[]> {
    for (let attempt = 0; ; attempt++) {
        const v4 = make();
        const bound = await listenOn(v4, port, '127.0.0.1');
        const v6 = make();
        try {
            await listenOn(v6, bound, '::1');
            return [v4, v6];
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === 'EADDRNOTAVAIL') return [v4];
            await close(v4);
            if (code !== 'EADDRINUSE' || port !== 0 || attempt >= 4) throw err;
        }
    }
}

function close(server: http.Server): Promise<void> {
    return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
    });
}

export interface StartOptions {
    /** Fixed ports for `npm run simulator`; random free ports otherwise. */
    ports?: Partial<Record<Realm, number>>;
    /** Serve https with this key and certificate, as Salesforce does (the benchmark's realistic setup). */
    tls?: { key: Buffer; cert: Buffer };
    /**
     * The addresses clients reach each listener at, when something stands in between (the benchmark's
     * latency proxy): minted URLs and the Host check use them.
     */
    publicUrls?: Partial<Record<Realm, string>>;
}

export async function startSimulator(
    options: Partial<SimulatorSettings> & { clientId: string },
    start: StartOptions = {},
): Promise<Simulator> {
    const org = new Org({
        clientSecret: 'simulated-consumer-secret',
        requireSecret: options.clientSecret !== undefined,
        requirePkce: true,
        callbackUrls: [],
        scopes: ['api', 'refresh_token', 'web'],
        rotateRefreshTokens: false,
        codeTtlMs: 15 * 60_000,
        appInstalled: true,
        introspectionRequiresSecret: true,
        acceptAnyClient: false,
        clientCredentialsEnabled: true,
        runAsUser: 'integration.user@test.not',
        jwtCertificates: [],
        jwtPermittedUsers: 'admin_approved',
        jwtApprovedUsers: 'all',
        jwtAudience: 'login_host',
        ...NO_FAULTS,
        ...options,
    });
    // Made in the background now, so the first id_token does not wait for it.
    void prepareSigningKey();
    const servers: http.Server[] = [];
    try {
        for (const realm of REALMS) {
            const app = realmApp(org, realm);
            const make = () => {
                const server = start.tls ? https.createServer(start.tls, app) : http.createServer(app);
                server.on('connection', () => (org.stats.connections[realm] += 1));
                // Salesforce keeps an idle connection open for about a minute (observed, not documented); Node's
                // default of 5 s would make clients that keep connections warm reopen them all the time.
                server.keepAliveTimeout = 60_000;
                return server;
            };
            const pair = await listenLoopback(make, start.ports?.[realm] ?? 0);
            servers.push(...pair);
            const port = (pair[0]!.address() as AddressInfo).port;
            org.urls[realm] = start.publicUrls?.[realm] ?? `${start.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
        }
    } catch (err) {
        await Promise.all(servers.map(close));
        throw err;
    }
    return {
        settings: org.settings,
        stats: org.stats,
        urls: org.urls,
        resetFaults: () => Object.assign(org.settings, NO_FAULTS),
        close: async () => void (await Promise.all(servers.map(close))),
    };
}
