// Connections opened while the person is still on Salesforce's login page, so that the code exchange and the
// identity call start at once on the callback: a new TCP connection and TLS handshake cost two round trips
// each. Salesforce (or a proxy) closes idle connections after a while, so a closed one is opened again for as
// long as a login may still come back.
import type { Socket } from 'node:net';
import type { Send } from './transport.js';

export interface WarmOptions {
    /** Connections kept open per login host: the token call, then identity and introspection side by side. */
    sockets: number;
    /** How long after a login starts its host is kept warm. */
    windowMs: number;
    now: () => number;
}

interface HostState {
    until: number;
    open: Set<Socket>;
    filling: boolean;
}

export type Warm = (baseUrl: string) => void;

export function createWarmer(send: Send, options: WarmOptions): Warm {
    const hosts = new Map<string, HostState>();

    /**
     * Opens connections until `sockets` are open. Connections cut together close one by one, so a request may
     * first land on one about to close: a failure is tried again twice, then (refused, timed out) the host is
     * left cold, quietly.
     */
    async function fill(origin: string, state: HostState): Promise<void> {
        if (state.filling) return;
        state.filling = true;
        const watch = (socket: Socket) => {
            if (state.open.has(socket)) return;
            state.open.add(socket);
            socket.once('close', () => {
                state.open.delete(socket);
                void fill(origin, state);
            });
        };
        let failures = 0;
        while (state.open.size < options.sockets && options.now() < state.until && failures < 3) {
            // Let the pool drop connections that are closing before asking it for one.
            await new Promise((resolve) => setTimeout(resolve, failures * 200).unref());
            // Requests sent together each take a connection of their own, so the pool ends with `sockets` open.
            const missing = options.sockets - state.open.size;
            const results = await Promise.allSettled(
                Array.from({ length: missing }, () =>
                    send('HEAD', `${origin}/`, { onSocket: watch, timeoutMs: 5_000, background: true }),
                ),
            );
            if (results.some((r) => r.status === 'rejected')) failures += 1;
        }
        state.filling = false;
    }

    return (baseUrl) => {
        const origin = new URL(baseUrl).origin;
        const state = hosts.get(origin) ?? { until: 0, open: new Set<Socket>(), filling: false };
        hosts.set(origin, state);
        state.until = Math.max(state.until, options.now() + options.windowMs);
        void fill(origin, state);
    };
}
