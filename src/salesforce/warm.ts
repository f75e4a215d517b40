// Connections opened while the person is still on Salesforce's login page, so that the code exchange and the
// identity call start at once on the callback: a new TCP connection and TLS handshake cost two round trips
// each. Salesforce (or a proxy) closes idle connections after a while, so a closed one may be opened again
// while a login may still come back, but only within a budget each login grants: a host that closes every
// connection at once (`Connection: close`, as some proxies and load balancers answer) gets a few
// connections per login, further and further apart, never a flood of TLS handshakes.
import type { Socket } from 'node:net';
import type { Send } from './transport.js';

export interface WarmOptions {
    /** Connections kept open per login host: the token call, then identity and introspection side by side. */
    sockets: number;
    /** Connections each login may open in all, replacements included. */
    opensPerLogin: number;
    /** How long after a login starts its host is kept warm. */
    windowMs: number;
    /** A connection closed sooner than this after it answered was closed by the host at once: back off. */
    quickCloseMs: number;
    /** The first wait after a round of quick closes or failures; it doubles with each such round in a row. */
    backoffMs: number;
    now: () => number;
}

export const WARM_DEFAULTS: Omit<WarmOptions, 'now'> = {
    sockets: 2,
    opensPerLogin: 4,
    windowMs: 5 * 60_000,
    // A host that sends `Connection: close` closes as it answers; an idle cut comes seconds later.
    quickCloseMs: 100,
    backoffMs: 1_000,
};

interface HostState {
    until: number;
    open: Set<Socket>;
    /** Connections that may still be opened: each login adds opensPerLogin, up to twice that. */
    budget: number;
    /** The wait before the next fill, after quick closes or failures; 0 when the host behaves. */
    backoffMs: number;
    /** The fill round in flight, if any. */
    filling?: Promise<void>;
    timer?: NodeJS.Timeout;
}

/** Warms a login host; settles when this round of connections has answered (or failed). */
export type Warm = (baseUrl: string) => Promise<void>;

/**
 * The warm-up request: the API version list, which every Salesforce host serves without a token as a small,
 * fixed JSON answer with a known length (REST API Developer Guide, "Versions"). Not `HEAD /`: a root that
 * answers HEAD with no Content-Length leaves Node's client unsure where the answer ends, so it closes that
 * connection instead of keeping it.
 */
const WARM_PATH = '/services/data/';

export function createWarmer(send: Send, options: WarmOptions): Warm {
    const hosts = new Map<string, HostState>();

    function later(origin: string, state: HostState): void {
        if (state.timer || state.budget <= 0 || options.now() >= state.until) return;
        state.timer = setTimeout(() => {
            state.timer = undefined;
            void fill(origin, state);
        }, state.backoffMs).unref();
    }

    /** Once per round: the connections of one fill that close together double the wait once, not each. */
    function backOff(state: HostState): void {
        if (state.timer) return;
        state.backoffMs = Math.min(Math.max(state.backoffMs * 2, options.backoffMs), 60_000);
    }

    function watch(origin: string, state: HostState, socket: Socket): void {
        if (state.open.has(socket)) return;
        const answeredAt = options.now();
        const closed = () => {
            state.open.delete(socket);
            // A connection that lived a while was closed for being idle: replacing it at once is what warming is.
            if (options.now() - answeredAt < options.quickCloseMs) backOff(state);
            else if (!state.timer) state.backoffMs = 0;
            later(origin, state);
        };
        if (socket.destroyed) return closed();
        state.open.add(socket);
        socket.once('close', closed);
    }

    /** Opens the missing connections at once, each request on a connection of its own, within the budget. */
    function fill(origin: string, state: HostState): Promise<void> {
        if (state.filling) return state.filling;
        const missing = Math.min(options.sockets - state.open.size, state.budget);
        if (missing <= 0 || options.now() >= state.until) return Promise.resolve();
        state.budget -= missing;
        state.filling = round(origin, state, missing).finally(() => (state.filling = undefined));
        return state.filling;
    }

    async function round(origin: string, state: HostState, missing: number): Promise<void> {
        const onSocket = (socket: Socket) => watch(origin, state, socket);
        const results = await Promise.allSettled(
            Array.from({ length: missing }, () =>
                send('GET', `${origin}${WARM_PATH}`, { onSocket, signal: AbortSignal.timeout(5_000) }),
            ),
        );
        // Refused or timed out: the host is left cold for a while, quietly; the login goes on without it.
        if (results.some((r) => r.status === 'rejected')) {
            backOff(state);
            later(origin, state);
        }
    }

    return (baseUrl) => {
        const origin = new URL(baseUrl).origin;
        const state: HostState = hosts.get(origin) ?? { until: 0, open: new Set<Socket>(), budget: 0, backoffMs: 0 };
        hosts.set(origin, state);
        state.until = Math.max(state.until, options.now() + options.windowMs);
        state.budget = Math.min(state.budget + options.opensPerLogin, 2 * options.opensPerLogin);
        // A new login needs its connections now: the wait after earlier quick closes starts again from the
        // beginning, and the budget bounds what it may open.
        clearTimeout(state.timer);
        state.timer = undefined;
        state.backoffMs = 0;
        return fill(origin, state);
    };
}
