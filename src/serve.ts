import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The address to bind for an APP_URL host: loopback only (RFC 8252 §8.3). */
export function bindAddress(host: string): string {
    return host === '[::1]' ? '::1' : '127.0.0.1';
}

/**
 * Binds an HTTP server on loopback before the app exists, so that a random port (0) is known when the
 * callback URL is built. Requests are attached with `server.on('request', app)`.
 */
export async function bindLoopback(host: string, port: number): Promise<{ server: http.Server; port: number }> {
    // Lower than Node's defaults (60 s / 300 s): a slow client cannot hold a socket for minutes. Node checks
    // these limits every connectionsCheckingInterval (30 s by default), so it checks every second here.
    const server = http.createServer({
        headersTimeout: 10_000,
        requestTimeout: 30_000,
        connectionsCheckingInterval: 1_000,
    });
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, bindAddress(host), () => {
            server.off('error', reject);
            resolve();
        });
    });
    return { server, port: (server.address() as AddressInfo).port };
}
