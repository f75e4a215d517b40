// The person's browser in the latency bench, on a thread of its own: a real browser does not share an event
// loop with Salesforce, so reading the app's redirect here never delays the proxy that stands for the network.
// It keeps one keep-alive connection to the app, as a browser does, and times its visits itself.
import http from 'node:http';
import { parentPort } from 'node:worker_threads';
import { request, type RequestInit, type Sent } from './request.js';

export interface Visit {
    id: number;
    url: string;
    init: Omit<RequestInit, 'agent' | 'ca'>;
    /** Follows the answer's Location with the same headers, as a browser follows a redirect. */
    follow: boolean;
}

export interface Visited {
    id: number;
    first?: Sent;
    page?: Sent;
    /** Milliseconds on the shared clock (performance.timeOrigin + performance.now()). */
    started: number;
    answered: number;
    shown: number;
    error?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const now = () => performance.timeOrigin + performance.now();

parentPort?.on('message', async ({ id, url, init, follow }: Visit) => {
    const started = now();
    try {
        const first = await request(url, { ...init, agent });
        const answered = now();
        const location = first.headers.location;
        const page =
            follow && location
                ? await request(new URL(location, url).href, { headers: init.headers, agent })
                : undefined;
        parentPort!.postMessage({ id, first, page, started, answered, shown: now() } satisfies Visited);
    } catch (err) {
        parentPort!.postMessage({ id, started, answered: 0, shown: 0, error: String(err) } satisfies Visited);
    }
});
