// The only file that speaks HTTP to Salesforce: keep-alive agents, one deadline per call, size caps,
// timing for Server-Timing, and network failures turned into AppErrors. A raw axios error (which carries
// the secret, the code and the verifier in its config) never leaves this file.
import type { Socket } from 'node:net';
import axios from 'axios';
import { AppError } from '../errors.js';
import { SALESFORCE } from '../messages.js';
import { requestTiming } from '../timing.js';
import { createAgents, type ProxySettings } from './proxy.js';
import type { Reply } from './reply.js';

export interface SendOptions {
    form?: Record<string, string | undefined>;
    bearer?: string;
    /** A shorter limit than HTTP_TIMEOUT_MS for this call. */
    timeoutMs?: number;
    /** Not part of the page being answered: no share of its deadline, no Server-Timing. */
    background?: boolean;
    /** Called with the connection the call used, to watch it (the warmer keeps connections open). */
    onSocket?: (socket: Socket) => void;
}

export type Send = (method: 'GET' | 'POST' | 'HEAD', url: string, options?: SendOptions) => Promise<Reply>;

function formBody(form: Record<string, string | undefined>): URLSearchParams {
    const data = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v !== undefined) data.set(k, v);
    return data;
}

function networkError(err: unknown, host: string, timeoutMs: number): AppError {
    const code = axios.isAxiosError(err) ? err.code : undefined;
    const message = err instanceof Error ? err.message : '';
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || axios.isCancel(err)) {
        return new AppError('timeout', SALESFORCE.timeout(host, timeoutMs));
    }
    if (/maxContentLength/i.test(message)) return new AppError('bad_response', SALESFORCE.tooLarge(host));
    const why = SALESFORCE.why;
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code ?? '');
    const reason =
        code === 'ENOTFOUND' ? why.ENOTFOUND : code === 'ECONNREFUSED' ? why.ECONNREFUSED : tls ? why.tls : why.other;
    return new AppError('unreachable', SALESFORCE.unreachable(host, reason));
}

/**
 * One keep-alive pool per app (per proxy, behind one), so the token, identity and query calls to one host
 * share a TLS session.
 */
export function createTransport(timeoutMs: number, proxy: ProxySettings = {}): Send {
    const agentsFor = createAgents(proxy);
    const client = axios.create({
        // A 307/308 would re-post the code, verifier and secret to wherever Location points.
        maxRedirects: 0,
        maxContentLength: 256 * 1024,
        maxBodyLength: 64 * 1024,
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        headers: { Accept: 'application/json, text/html;q=0.5' },
        proxy: false,
    });

    return async (method, url, options = {}) => {
        const headers: Record<string, string> = {};
        if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
        if (options.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
        const timing = options.background ? undefined : requestTiming.getStore();
        // One deadline per page: each call gets what is left of HTTP_TIMEOUT_MS, not a fresh allowance.
        const limit = Math.min(timeoutMs, options.timeoutMs ?? timeoutMs);
        const allowed = Math.floor(Math.min(limit, timing?.remainingMs() ?? limit));
        if (allowed <= 0) throw new AppError('timeout', SALESFORCE.timeout(new URL(url).host, timeoutMs));
        const finished = timing?.upstream();
        try {
            // axios's timeout is a socket-idle timer; the signal bounds the whole call, trickling bodies included.
            const res = await client.request<string>({
                method,
                url,
                data: options.form ? formBody(options.form) : undefined,
                headers,
                timeout: allowed,
                signal: AbortSignal.timeout(allowed),
                ...(await agentsFor(new URL(url))),
            });
            const socket = (res.request as { socket?: Socket } | undefined)?.socket;
            if (socket) options.onSocket?.(socket);
            return {
                status: res.status,
                contentType: String(res.headers['content-type'] ?? ''),
                body: typeof res.data === 'string' ? res.data : '',
            };
        } catch (err) {
            throw networkError(err, new URL(url).host, timeoutMs);
        } finally {
            finished?.();
        }
    };
}
