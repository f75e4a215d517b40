// Listening on loopback (RFC 8252 §7.3, §8.3). When APP_URL says `localhost`, browsers may reach either
// 127.0.0.1 or ::1 (Chromium tries ::1 first), so the app holds both: another local user who took ::1 on
// the same port would otherwise receive the browser's cookie, code and token pages.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Bound {
    readonly port: number;
    readonly servers: readonly http.Server[];
    /** Attaches the request handler (the app) to every listener. */
    serve(handler: http.RequestListener): void;
    close(): Promise<void>;
}

/** Whether an APP_BIND address keeps the app on this machine. */
export function isLoopbackAddress(address: string): boolean {
    return address === '::1' || address.startsWith('127.');
}

/** The addresses to bind for an APP_URL host: both loopback addresses for `localhost`. */
export function bindAddresses(host: string): string[] {
    if (host === '[::1]') return ['::1'];
    if (host === '127.0.0.1') return ['127.0.0.1'];
    return ['127.0.0.1', '::1'];
}

export interface SlowClientLimits {
    headersTimeout: number;
    requestTimeout: number;
}

/** Lower than Node's defaults (60 s / 300 s): a slow client cannot hold a socket for minutes. */
export const SLOW_CLIENT_LIMITS: SlowClientLimits = { headersTimeout: 10_000, requestTimeout: 30_000 };

function createServer(limits: SlowClientLimits): http.Server {
    // Node checks these limits every connectionsCheckingInterval (30 s by default), so a slow client would
    // keep its socket for up to 30 s more than configured; here it is checked every second.
    return http.createServer({ ...limits, connectionsCheckingInterval: 1_000 });
}

function listen(server: http.Server, port: number, address: string): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: address, ipv6Only: address === '::1' }, () => {
            server.off('error', reject);
            resolve((server.address() as AddressInfo).port);
        });
    });
}

function closeAll(servers: readonly http.Server[]): Promise<void> {
    return Promise.all(
        servers.map(
            (s) =>
                new Promise<void>((resolve) => {
                    s.close(() => resolve());
                    s.closeAllConnections();
                }),
        ),
    ).then(() => undefined);
}

/**
 * Binds every loopback address of `host` on one port before the app exists, so that a random port (0) is
 * known when the callback URL is built. If any address is taken the whole bind fails (EADDRINUSE), except
 * that a machine without IPv6 loopback (EADDRNOTAVAIL) is served on 127.0.0.1 alone.
 */
export async function bindLoopback(
    host: string,
    port: number,
    limits: SlowClientLimits = SLOW_CLIENT_LIMITS,
    bindOverride?: string,
): Promise<Bound> {
    const servers: http.Server[] = [];
    let bound = port;
    try {
        for (const address of bindOverride ? [bindOverride] : bindAddresses(host)) {
            const server = createServer(limits);
            try {
                bound = await listen(server, bound, address);
            } catch (err) {
                if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL' && address === '::1') continue;
                throw err;
            }
            servers.push(server);
        }
    } catch (err) {
        await closeAll(servers);
        throw err;
    }
    return {
        port: bound,
        servers,
        serve: (handler) => servers.forEach((s) => s.on('request', handler)),
        close: () => closeAll(servers),
    };
}
