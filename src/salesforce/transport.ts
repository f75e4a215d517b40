// The only file that speaks HTTP to Salesforce: keep-alive agents, one deadline per call, size caps,
// timing for Server-Timing, and network failures turned into AppErrors that carry no request data (the
// secret, the code and the verifier never leave this file inside an error).
//
// Node's own http and https modules, not a general-purpose client: a login's calls are a handful of small
// requests, and on the callback every millisecond between Salesforce's answer and the next request is a
// millisecond the person waits. Redirects are never followed (a 307/308 would re-post the code, verifier and
// secret to wherever Location points) and answers are read as text for the pure parsers.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
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
    /**
     * Asks for a gzip-compressed answer (REST API Developer Guide, "Compression Headers"): worth it for query
     * results; token and identity answers are a few hundred bytes, and unpacking them would only add time.
     */
    compressed?: boolean;
}

export type Send = (method: 'GET' | 'POST' | 'HEAD', url: string, options?: SendOptions) => Promise<Reply>;

/** The largest answer read, unpacked: Salesforce's token, identity and query answers are a few kilobytes. */
const MAX_ANSWER_BYTES = 256 * 1024;
const HEADERS = { Accept: 'application/json, text/html;q=0.5', 'User-Agent': 'sf-oauth-auth' };

function formBody(form: Record<string, string | undefined>): string {
    const data = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v !== undefined) data.set(k, v);
    return data.toString();
}

/** Why a call failed, in the person's words; `code` is Node's error code (ENOTFOUND, a TLS code…). */
function networkError(kind: Cut | 'network', code: string, host: string, timeoutMs: number) {
    if (kind === 'timeout') return new AppError('timeout', SALESFORCE.timeout(host, timeoutMs));
    if (kind === 'too_large') return new AppError('bad_response', SALESFORCE.tooLarge(host));
    if (kind === 'unreadable') return new AppError('bad_response', SALESFORCE.unreadable(host));
    const why = SALESFORCE.why;
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code);
    const reason =
        code === 'ENOTFOUND' ? why.ENOTFOUND : code === 'ECONNREFUSED' ? why.ECONNREFUSED : tls ? why.tls : why.other;
    return new AppError('unreachable', SALESFORCE.unreachable(host, reason));
}

/** Why the app stopped reading an answer. */
type Cut = 'timeout' | 'too_large' | 'unreadable';

interface Call {
    method: string;
    url: URL;
    headers: Record<string, string>;
    body?: string;
    agent: http.Agent;
    /** Bounds the whole call, a trickling answer included. */
    deadlineMs: number;
}

/** One request; resolves with the answer and the connection it came on, or rejects with an AppError. */
function exchange(call: Call, timeoutMs: number): Promise<{ reply: Reply; socket: Socket }> {
    const { url } = call;
    return new Promise((resolve, reject) => {
        let cut: Cut | undefined;
        let settled = false;
        const fail = (err?: unknown) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const code = String((err as { code?: unknown } | undefined)?.code ?? '');
            reject(networkError(cut ?? 'network', code, url.host, timeoutMs));
        };
        const stop = (why: Cut) => {
            cut = why;
            req.destroy();
            fail();
        };
        const req = (url.protocol === 'https:' ? https : http).request(
            url,
            { method: call.method, headers: call.headers, agent: call.agent },
            (res) => {
                let received = false;
                // An answer cut short (the connection closed, the deadline) ends in close without end.
                res.on('end', () => (received = true));
                res.on('close', () => received || fail());
                res.on('error', fail);
                const answer: Readable = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
                answer.on('error', () => stop('unreadable'));
                const chunks: Buffer[] = [];
                let size = 0;
                // The cap applies to what is unpacked: a small compressed answer cannot fill the memory.
                answer.on('data', (chunk: Buffer) => {
                    size += chunk.length;
                    chunks.push(chunk);
                    if (size > MAX_ANSWER_BYTES) {
                        answer.destroy();
                        stop('too_large');
                    }
                });
                answer.on('end', () => {
                    if (settled) return;
                    settled = true;
                    clearTimeout(timer);
                    const reply = {
                        status: res.statusCode ?? 0,
                        contentType: String(res.headers['content-type'] ?? ''),
                        body: Buffer.concat(chunks).toString('utf8'),
                    };
                    resolve({ reply, socket: res.socket ?? req.socket! });
                });
            },
        );
        const timer = setTimeout(() => stop('timeout'), call.deadlineMs);
        req.on('error', fail);
        req.end(call.body);
    });
}

/**
 * One keep-alive pool per app (per proxy, behind one), so the token, identity and query calls to one host
 * share a TLS session.
 */
export function createTransport(timeoutMs: number, proxy: ProxySettings = {}): Send {
    const agentsFor = createAgents(proxy);

    return async (method, url, options = {}) => {
        const target = new URL(url);
        const headers: Record<string, string> = { ...HEADERS };
        if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
        if (options.compressed) headers['Accept-Encoding'] = 'gzip';
        const body = options.form ? formBody(options.form) : undefined;
        if (body !== undefined) {
            headers['Content-Type'] = 'application/x-www-form-urlencoded';
            headers['Content-Length'] = String(Buffer.byteLength(body));
        }
        const timing = options.background ? undefined : requestTiming.getStore();
        // One deadline per page: each call gets what is left of HTTP_TIMEOUT_MS, not a fresh allowance.
        const limit = Math.min(timeoutMs, options.timeoutMs ?? timeoutMs);
        const allowed = Math.floor(Math.min(limit, timing?.remainingMs() ?? limit));
        if (allowed <= 0) throw new AppError('timeout', SALESFORCE.timeout(target.host, timeoutMs));
        const found = agentsFor(target);
        const agents = found instanceof Promise ? await found : found;
        const agent = (target.protocol === 'https:' ? agents.httpsAgent : agents.httpAgent)!;
        const finished = timing?.upstream();
        try {
            const { reply, socket } = await exchange(
                { method, url: target, headers, body, agent, deadlineMs: allowed },
                timeoutMs,
            );
            options.onSocket?.(socket);
            return reply;
        } finally {
            finished?.();
        }
    };
}
