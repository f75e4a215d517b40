// The only file that speaks HTTP to Salesforce: one axios instance with keep-alive agents, a deadline per
// call given as a signal, a size cap, and failures turned into AppErrors that carry no request data. An
// AxiosError holds the request's config (the secret, the code, the verifier): it is read for its `code` and
// dropped here, so it never reaches a log or a page.
//
// Redirects are never followed (a 307/308 would re-post the code, verifier and secret to wherever Location
// points) and answers are read as text for the pure parsers.
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import axios, { type AxiosResponse } from 'axios';
import { AppError } from '../errors.js';
import { SALESFORCE } from '../messages.js';
import type { CallContext, Reply } from '../types.js';
import { recordExchange, type RecordedOutcome } from '../transcript.js';
import { createAgents, tunnelRefusal, type ProxySettings } from './proxy.js';

export interface SendOptions extends CallContext {
    form?: Record<string, string | undefined>;
    bearer?: string;
    /** Called with the connection the call used, to watch it (the warmer keeps connections open). */
    onSocket?: (socket: Socket) => void;
    /**
     * Asks for a gzip-compressed answer (REST API Developer Guide, "Compression Headers"): worth it for query
     * results; token and identity answers are a few hundred bytes, and unpacking them would only add time.
     */
    compressed?: boolean;
}

export type Send = (method: 'GET' | 'POST' | 'HEAD', url: string, options?: SendOptions) => Promise<Reply>;

/** The largest answer read, unpacked: Salesforce's token, identity and query answers are a few kilobytes. */
const MAX_ANSWER_BYTES = 256 * 1024;

const http = axios.create({
    maxRedirects: 0,
    // The bytes on the wire; unpack() caps what a compressed answer unpacks to.
    maxContentLength: MAX_ANSWER_BYTES,
    // axios unpacks leniently (a flush mode that accepts a stream cut in the middle and returns the part it
    // got), so a cut answer would reach the parsers as if whole; unpack() refuses it instead.
    decompress: false,
    // Every status is an answer for the parsers to read; only a failed exchange rejects.
    validateStatus: () => true,
    responseType: 'arraybuffer',
    transformResponse: [(data: unknown) => data],
    // Proxies are the agents' job (HTTPS_PROXY, NO_PROXY), never axios's own reading of the environment.
    proxy: false,
    headers: { Accept: 'application/json, text/html;q=0.5', 'User-Agent': 'sf-oauth-auth' },
});

function formBody(form: Record<string, string | undefined>): string {
    const data = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v !== undefined) data.set(k, v);
    return data.toString();
}

/** TLS verification failures, by the codes Node's TLS layer gives them. */
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/**
 * Why a call failed, in the person's words, from the failure's `code` alone (ENOTFOUND, a TLS code, axios's
 * ERR_BAD_RESPONSE and zlib's ERR_BUFFER_TOO_LARGE for the size cap, zlib's Z_ codes for a corrupt answer).
 */
export function failureOf(err: unknown, host: string, timeoutMs: number, timedOut: boolean): AppError {
    if (timedOut) return new AppError('timeout', SALESFORCE.timeout(host, timeoutMs));
    const e = err as { code?: unknown; message?: unknown } | undefined;
    const code = String(e?.code ?? '');
    const tooLarge = code === 'ERR_BUFFER_TOO_LARGE' || /maxContentLength/.test(String(e?.message));
    if (tooLarge) {
        return new AppError('bad_response', SALESFORCE.tooLarge(host));
    }
    if (code.startsWith('Z_') || code === 'ERR_BAD_RESPONSE') {
        return new AppError('bad_response', SALESFORCE.unreadable(host));
    }
    const why = SALESFORCE.why;
    const reason =
        code === 'ENOTFOUND'
            ? why.ENOTFOUND
            : code === 'ECONNREFUSED'
              ? why.ECONNREFUSED
              : TLS_CODE.test(code)
                ? why.tls
                : why.other;
    return new AppError('unreachable', SALESFORCE.unreachable(host, reason));
}

/**
 * The answer's text. Only gzip is ever asked for (`Accept-Encoding`), so any other coding is unreadable; the
 * cap applies to what is unpacked, so a small compressed answer cannot fill the memory.
 */
function unpack(data: Buffer, encoding: string): string {
    if (encoding === '' || encoding === 'identity') return data.toString('utf8');
    if (encoding !== 'gzip') throw Object.assign(new Error('unknown content coding'), { code: 'Z_DATA_ERROR' });
    return gunzipSync(data, { maxOutputLength: MAX_ANSWER_BYTES }).toString('utf8');
}

function replyOf(response: AxiosResponse): Reply {
    const data: unknown = response.data;
    const bytes = Buffer.isBuffer(data) ? data : Buffer.alloc(0);
    const header = (name: string) => String(response.headers[name] ?? '');
    const location = header('location');
    return {
        status: response.status,
        contentType: header('content-type'),
        body: unpack(bytes, header('content-encoding').trim().toLowerCase()),
        location: location === '' ? undefined : location,
    };
}

/**
 * One keep-alive pool per app (per proxy, behind one), so the token, identity and query calls to one host
 * share a TLS session. Every call is bounded by `timeoutMs` and by the caller's signal (the page's deadline),
 * whichever ends first; axios's own `timeout` would only notice an idle socket, not a trickling answer.
 */
export function createTransport(timeoutMs: number, proxy: ProxySettings = {}): Send {
    const agentsFor = createAgents(proxy);

    return async (method, url, options = {}) => {
        const target = new URL(url);
        const own = AbortSignal.timeout(timeoutMs);
        const signal = options.signal ? AbortSignal.any([options.signal, own]) : own;
        if (signal.aborted) throw failureOf(undefined, target.host, timeoutMs, true);
        const headers: Record<string, string> = { 'Accept-Encoding': options.compressed ? 'gzip' : 'identity' };
        if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
        const data = options.form ? formBody(options.form) : undefined;
        if (data !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
        const { httpAgent, httpsAgent } = await agentsFor(target);
        const finished = options.waiting?.();
        const startedAt = Date.now();
        const started = performance.now();
        const record = (outcome: RecordedOutcome) =>
            options.record?.(
                recordExchange({ method, url, form: options.form, bearer: options.bearer }, outcome, {
                    startedAt,
                    ms: performance.now() - started,
                }),
            );
        try {
            const response = await http.request({ method, url, headers, data, httpAgent, httpsAgent, signal });
            const refused = tunnelRefusal(response.request);
            if (refused)
                throw new AppError('unreachable', SALESFORCE.proxyRefused(refused.proxy, target.host, refused.status));
            const socket = (response.request as { socket?: Socket } | undefined)?.socket;
            if (socket) options.onSocket?.(socket);
            const reply = replyOf(response);
            record({ status: reply.status, body: reply.body });
            return reply;
        } catch (err) {
            const failure = err instanceof AppError ? err : failureOf(err, target.host, timeoutMs, signal.aborted);
            record({ failure: failure.message });
            throw failure;
        } finally {
            finished?.();
        }
    };
}
