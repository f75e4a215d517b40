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
    /**
     * The tab's secret, as the app's page script keeps it: a claim page in the answer is posted back at once
     * with it, as the script does, before the redirect is followed.
     */
    tab?: string;
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
const CLAIM = /<form id="tab-claim"[^>]*>\s*<input type="hidden" name="claim" value="([^"]+)"/;

/** The claim page's post, as public/app.js sends it; the answer without a claim page as it is. */
async function claimed(url: string, answer: Sent, init: Visit['init'], tab: string | undefined): Promise<Sent> {
    const claim = tab && answer.status === 200 ? CLAIM.exec(answer.body)?.[1] : undefined;
    if (!claim) return answer;
    return request(new URL('/callback/tab', url).href, {
        method: 'POST',
        headers: { ...init.headers, 'sec-fetch-site': 'same-origin' },
        form: new URLSearchParams({ claim, tab: tab! }).toString(),
        agent,
    });
}

parentPort?.on('message', async ({ id, url, init, follow, tab }: Visit) => {
    const started = now();
    try {
        const first = await claimed(url, await request(url, { ...init, agent }), init, tab);
        const answered = now();
        const location = first.headers.location;
        // A browser keeps the cookie an answer sets, and sends it with the redirect it follows.
        const setCookie = first.headers['set-cookie'];
        const headers = setCookie ? { ...init.headers, cookie: String(setCookie).split(';')[0]! } : init.headers;
        const page = follow && location ? await request(new URL(location, url).href, { headers, agent }) : undefined;
        parentPort!.postMessage({ id, first, page, started, answered, shown: now() } satisfies Visited);
    } catch (err) {
        parentPort!.postMessage({ id, started, answered: 0, shown: 0, error: String(err) } satisfies Visited);
    }
});
