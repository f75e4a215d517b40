// Every call this app makes to Salesforce: the code exchange, refresh, revoke, identity, API versions
// and a query. Each failure becomes an AppError; a raw axios error (which carries the secret, the code
// and the verifier in its config) never leaves this file.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { Config } from './config.js';
import { AppError, type SalesforceError } from './errors.js';
import { requestTiming } from './timing.js';

export interface TokenSet {
    readonly accessToken: string;
    readonly refreshToken?: string;
    readonly instanceUrl: string;
    readonly id: string;
    readonly issuedAt?: string;
    readonly scope?: string;
    readonly tokenType: string;
    readonly idToken?: string;
}

export interface Identity {
    readonly username?: string;
    readonly displayName?: string;
    readonly email?: string;
    readonly userId?: string;
    readonly organizationId?: string;
    readonly userType?: string;
}

export type QueryOutcome =
    | { ok: true; soql: string; totalSize: number; columns: string[]; rows: string[][] }
    | { ok: false; soql: string; errorCode: string; message: string };

export interface Exchanged {
    tokens: TokenSet;
    /** True when a signature came and matched; false when there was none or no secret to check it with. */
    signatureVerified: boolean;
}

// Hosts Salesforce serves instance and identity URLs from (sfdx-core's isSalesforceDomain list).
const SALESFORCE_SUFFIXES = [
    '.salesforce.com',
    '.force.com',
    '.cloudforce.com',
    '.salesforce.mil',
    '.my-salesforce.com',
    '.site.com',
    '.salesforce-sites.com',
    '.sfcrmproducts.cn',
];

/** base64url(32 random bytes): 43 characters, 256 bits, only characters Salesforce accepts (no `~`). */
export function randomToken(): string {
    return randomBytes(32).toString('base64url');
}

/** RFC 7636 §4.2: code_challenge = base64url(SHA-256(ASCII(code_verifier))). */
export function codeChallenge(verifier: string): string {
    return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Salesforce's `signature`: base64(HMAC-SHA256(key = client secret, message = id + issued_at)). */
export function tokenSignature(secret: string, id: string, issuedAt: string): string {
    return createHmac('sha256', secret)
        .update(id + issuedAt)
        .digest('base64');
}

/** Compares two secrets (state, cookie, signature, client secret) in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 6749 §4.1.2.1 limits error_description to printable ASCII; anything else is replaced and capped. */
export function cleanErrorText(raw: unknown, max = 300): string | undefined {
    if (typeof raw !== 'string' || raw === '') return undefined;
    const text = raw.replace(/[^\x20-\x7e]/g, '?');
    return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function cleanErrorCode(raw: unknown): string {
    return typeof raw === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(raw) ? raw : 'unknown_error';
}

/** An instance or identity URL must be https on a Salesforce host, or on the login host itself (the simulator). */
export function isTrustedUrl(raw: unknown, loginBaseUrl: string): raw is string {
    if (typeof raw !== 'string') return false;
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        return false;
    }
    if (url.username || url.password) return false;
    if (url.origin === loginBaseUrl) return true;
    return url.protocol === 'https:' && SALESFORCE_SUFFIXES.some((s) => url.hostname.endsWith(s));
}

interface Reply {
    status: number;
    contentType: string;
    body: string;
}

type Json = Record<string, unknown>;

function parseJson(body: string): unknown {
    try {
        return JSON.parse(body);
    } catch {
        return undefined;
    }
}

function parseJsonObject(reply: Reply): Json | undefined {
    if (!/\bjson\b/i.test(reply.contentType)) return undefined;
    const value = parseJson(reply.body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function optionalString(body: Json, field: string): string | undefined {
    const v = body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string')
        throw new AppError('bad_response', `Salesforce sent a token response whose ${field} is not text.`);
    return v;
}

export interface SalesforceClient {
    exchangeCode(baseUrl: string, code: string, verifier: string): Promise<Exchanged>;
    refresh(baseUrl: string, tokens: TokenSet): Promise<Exchanged>;
    revoke(baseUrl: string, token: string): Promise<SalesforceError | undefined>;
    identity(tokens: TokenSet): Promise<Identity>;
    latestApiVersion(tokens: TokenSet): Promise<string>;
    query(tokens: TokenSet, apiVersion: string, soql: string): Promise<QueryOutcome>;
    close(): void;
}

export function createSalesforceClient(config: Config): SalesforceClient {
    // One keep-alive pool per app, so the token, identity and query calls to one host share a TLS session.
    const agentOptions = { keepAlive: true, maxSockets: 64 };
    const httpAgent = new http.Agent(agentOptions);
    const httpsAgent = new https.Agent(agentOptions);
    const client: AxiosInstance = axios.create({
        httpAgent,
        httpsAgent,
        // A 307/308 would re-post the code, verifier and secret to wherever Location points.
        maxRedirects: 0,
        maxContentLength: 256 * 1024,
        maxBodyLength: 64 * 1024,
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        headers: { Accept: 'application/json' },
        proxy: false,
    });

    async function send(
        method: 'GET' | 'POST',
        url: string,
        options: { form?: Record<string, string | undefined>; bearer?: string } = {},
    ): Promise<Reply> {
        const headers: Record<string, string> = {};
        if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
        let data: URLSearchParams | undefined;
        if (options.form) {
            data = new URLSearchParams();
            for (const [k, v] of Object.entries(options.form)) if (v !== undefined) data.set(k, v);
            headers['Content-Type'] = 'application/x-www-form-urlencoded';
        }
        const finished = requestTiming.getStore()?.upstream();
        try {
            // axios's timeout is a socket-idle timer; the signal bounds the whole call, trickling bodies included.
            const res = await client.request<string>({
                method,
                url,
                data,
                headers,
                timeout: config.httpTimeoutMs,
                signal: AbortSignal.timeout(config.httpTimeoutMs),
            });
            return {
                status: res.status,
                contentType: String(res.headers['content-type'] ?? ''),
                body: typeof res.data === 'string' ? res.data : '',
            };
        } catch (err) {
            throw networkError(err, new URL(url).host, config.httpTimeoutMs);
        } finally {
            finished?.();
        }
    }

    function tokensFrom(reply: Reply, baseUrl: string, previous?: TokenSet): Exchanged {
        const what = previous ? 'refresh' : 'code exchange';
        if (reply.status >= 300 && reply.status < 400) {
            throw new AppError(
                'bad_response',
                `Salesforce answered the ${what} with a redirect (HTTP ${reply.status}) instead of a token. ` +
                    `Check that the login host and TOKEN_URL are right and use https://.`,
            );
        }
        if (reply.body.trim() === '') {
            throw new AppError(
                'bad_response',
                `Salesforce answered the ${what} with an empty response (HTTP ${reply.status}).`,
            );
        }
        const body = parseJsonObject(reply);
        if (reply.status !== 200) {
            if (body && typeof body.error === 'string') {
                throw new AppError('salesforce_error', `Salesforce refused the ${what}.`, {
                    salesforce: {
                        error: cleanErrorCode(body.error),
                        description: cleanErrorText(body.error_description),
                        httpStatus: reply.status,
                    },
                });
            }
            throw new AppError(
                'bad_response',
                `Salesforce answered the ${what} with an error (HTTP ${reply.status}) and no OAuth error code.`,
            );
        }
        if (!body) {
            throw new AppError(
                'bad_response',
                `Salesforce answered the ${what} with something that is not a JSON token response.`,
            );
        }
        const accessToken = body.access_token;
        if (typeof accessToken !== 'string' || accessToken === '') {
            throw new AppError('bad_response', `Salesforce's answer to the ${what} has no access token.`);
        }
        const tokenType = optionalString(body, 'token_type');
        if (!tokenType || tokenType.toLowerCase() !== 'bearer') {
            throw new AppError('bad_response', `Salesforce's answer to the ${what} has an unsupported token type.`);
        }
        const instanceUrl = body.instance_url;
        const id = body.id;
        if (!isTrustedUrl(instanceUrl, baseUrl) || !isTrustedUrl(id, baseUrl)) {
            throw new AppError(
                'untrusted_url',
                `Salesforce's answer to the ${what} names an instance or identity URL that is not an https:// Salesforce address.`,
            );
        }
        const issuedAt = optionalString(body, 'issued_at');
        const signature = optionalString(body, 'signature');
        let signatureVerified = false;
        if (config.clientSecret && signature !== undefined) {
            if (
                issuedAt === undefined ||
                !constantTimeEqual(tokenSignature(config.clientSecret, id, issuedAt), signature)
            ) {
                throw new AppError(
                    'signature_invalid',
                    `The signature of Salesforce's answer to the ${what} could not be verified with CLIENT_SECRET, ` +
                        `so the token is not shown. Check that CLIENT_SECRET is the Consumer Secret of this app.`,
                );
            }
            signatureVerified = true;
        }
        const tokens: TokenSet = {
            accessToken,
            // Without rotation a refresh answer carries no refresh token: the old one stays valid.
            refreshToken: optionalString(body, 'refresh_token') ?? previous?.refreshToken,
            instanceUrl,
            id,
            issuedAt,
            scope: optionalString(body, 'scope') ?? previous?.scope,
            tokenType,
            idToken: optionalString(body, 'id_token'),
        };
        return { tokens, signatureVerified };
    }

    return {
        async exchangeCode(baseUrl, code, verifier) {
            const reply = await send('POST', new URL(config.tokenPath, baseUrl).href, {
                form: {
                    grant_type: 'authorization_code',
                    code,
                    client_id: config.clientId,
                    client_secret: config.clientSecret,
                    redirect_uri: config.callbackUrl,
                    code_verifier: verifier,
                },
            });
            return tokensFrom(reply, baseUrl);
        },

        async refresh(baseUrl, tokens) {
            const reply = await send('POST', new URL(config.tokenPath, baseUrl).href, {
                form: {
                    grant_type: 'refresh_token',
                    refresh_token: tokens.refreshToken,
                    client_id: config.clientId,
                    client_secret: config.clientSecret,
                },
            });
            return tokensFrom(reply, baseUrl, tokens);
        },

        async revoke(baseUrl, token) {
            const reply = await send('POST', new URL('/services/oauth2/revoke', baseUrl).href, { form: { token } });
            if (reply.status === 200) return undefined;
            if (reply.status === 400) {
                // The body's format is not documented: JSON in some answers, form-encoded in others (jsforce).
                const json = parseJsonObject(reply);
                const form = new URLSearchParams(reply.body);
                const error = json?.error ?? form.get('error') ?? 'invalid_token';
                const description = json?.error_description ?? form.get('error_description') ?? undefined;
                return { error: cleanErrorCode(error), description: cleanErrorText(description), httpStatus: 400 };
            }
            throw new AppError('bad_response', `Salesforce answered the revoke request with HTTP ${reply.status}.`);
        },

        async identity(tokens) {
            const reply = await send('GET', tokens.id, { bearer: tokens.accessToken });
            const body = parseJsonObject(reply);
            if (reply.status !== 200 || !body) {
                const said =
                    reply.body.trim() === 'Bad_OAuth_Token' ? ' (Bad_OAuth_Token: the access token is not valid)' : '';
                throw new AppError('bad_response', `the identity URL answered HTTP ${reply.status}${said}.`);
            }
            const text = (field: string) => (typeof body[field] === 'string' ? (body[field] as string) : undefined);
            return {
                username: text('username'),
                displayName: text('display_name'),
                email: text('email'),
                userId: text('user_id'),
                organizationId: text('organization_id'),
                userType: text('user_type'),
            };
        },

        async latestApiVersion(tokens) {
            const reply = await send('GET', new URL('/services/data/', tokens.instanceUrl).href, {
                bearer: tokens.accessToken,
            });
            const versions = parseJson(reply.body);
            const numbers = Array.isArray(versions)
                ? versions
                      .map((v: { version?: unknown }) => (typeof v?.version === 'string' ? v.version : ''))
                      .filter((v) => /^\d+\.\d$/.test(v))
                : [];
            if (reply.status !== 200 || numbers.length === 0) {
                throw new AppError(
                    'bad_response',
                    `Salesforce's /services/data/ answered HTTP ${reply.status} without a list of API versions.`,
                );
            }
            return numbers.sort((a, b) => Number(a) - Number(b)).at(-1)!;
        },

        async query(tokens, apiVersion, soql) {
            const url = new URL(`/services/data/v${apiVersion}/query`, tokens.instanceUrl);
            url.searchParams.set('q', soql);
            const reply = await send('GET', url.href, { bearer: tokens.accessToken });
            const body = parseJson(reply.body);
            if (reply.status === 200 && body && typeof body === 'object' && Array.isArray((body as Json).records)) {
                const records = (body as { records: Json[]; totalSize?: unknown }).records;
                const columns = [...new Set(records.flatMap((r) => Object.keys(r).filter((k) => k !== 'attributes')))];
                const rows = records.map((r) =>
                    columns.map((c) => {
                        const v = r[c];
                        return v === null || v === undefined
                            ? ''
                            : typeof v === 'object'
                              ? JSON.stringify(v)
                              : String(v);
                    }),
                );
                const totalSize = Number((body as Json).totalSize ?? records.length);
                return { ok: true, soql, totalSize, columns, rows };
            }
            // REST errors come as [{ "message": …, "errorCode": … }].
            const first = Array.isArray(body) ? (body[0] as Json | undefined) : undefined;
            return {
                ok: false,
                soql,
                errorCode: cleanErrorCode(first?.errorCode ?? `HTTP_${reply.status}`),
                message: cleanErrorText(first?.message, 1000) ?? `Salesforce answered HTTP ${reply.status}.`,
            };
        },

        close() {
            httpAgent.destroy();
            httpsAgent.destroy();
        },
    };
}

function networkError(err: unknown, host: string, timeoutMs: number): AppError {
    const code = axios.isAxiosError(err) ? err.code : undefined;
    const message = err instanceof Error ? err.message : '';
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || axios.isCancel(err)) {
        return new AppError('timeout', `Salesforce (${host}) did not answer within ${timeoutMs} ms (HTTP_TIMEOUT_MS).`);
    }
    if (/maxContentLength/i.test(message)) {
        return new AppError('bad_response', `Salesforce (${host}) sent a response that is too large.`);
    }
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code ?? '');
    const what =
        code === 'ENOTFOUND'
            ? 'the host name does not resolve'
            : code === 'ECONNREFUSED'
              ? 'the connection was refused'
              : tls
                ? 'its TLS certificate is not trusted (behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA)'
                : 'the connection failed';
    return new AppError('unreachable', `Could not reach Salesforce at ${host}: ${what}.`);
}
