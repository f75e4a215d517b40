// A result's transcript: every HTTP exchange the app had with Salesforce for it, as Google's OAuth 2.0
// Playground shows them, with each secret masked when the exchange is recorded (so no whole secret is ever
// kept in it) and a curl line that puts a shell variable where each secret goes. Pure functions and one
// bounded list.
import type { Exchange } from './types.js';

/** Form fields that carry a secret, and the shell variable a copied curl line names in its place. */
const SECRET_FIELDS: Readonly<Record<string, string>> = {
    client_secret: 'CLIENT_SECRET',
    code: 'CODE',
    code_verifier: 'CODE_VERIFIER',
    refresh_token: 'SF_REFRESH_TOKEN',
    // Revocation and introspection: the token asked about (RFC 7009 §2.1, RFC 7662 §2.1).
    token: 'SF_TOKEN',
    assertion: 'ASSERTION',
};

/** Answer fields that carry a secret (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3). */
const SECRET_ANSWER_FIELDS = ['access_token', 'refresh_token', 'id_token'];

/** The most of an answer a transcript keeps: a query result can be long, and the page shows it whole. */
const MAX_ANSWER_CHARS = 4000;

/**
 * At most the first and last four characters, and never more than a fifth of the value: enough to tell two
 * tokens apart, never enough to guess one. Nothing of a short value.
 */
export function maskSecret(value: string): string {
    const shown = value.length < 16 ? 0 : Math.min(4, Math.floor(value.length / 10));
    if (shown === 0) return '•••';
    return `${value.slice(0, shown)}…${value.slice(-shown)}`;
}

/**
 * A compact JWT (an assertion, an id_token) keeps its header and claims, which say what was asserted and
 * carry no secret; its signature is masked (RFC 7515 §7.1).
 */
export function maskJwt(value: string): string {
    const parts = value.split('.');
    if (parts.length !== 3) return maskSecret(value);
    return `${parts[0]}.${parts[1]}.${maskSecret(parts[2]!)}`;
}

function maskField(name: string, value: string): string {
    if (!(name in SECRET_FIELDS)) return value;
    return name === 'assertion' ? maskJwt(value) : maskSecret(value);
}

/** Replaces every occurrence of each secret in a text with its masked form. */
function maskKnown(text: string, secrets: readonly string[]): string {
    let masked = text;
    for (const secret of secrets) if (secret.length >= 8) masked = masked.split(secret).join(maskSecret(secret));
    return masked;
}

/**
 * An answer's text with its secrets masked: the tokens of a token answer (found by their field names, so a
 * token Salesforce just minted is masked too), and every secret the request carried wherever it appears.
 */
export function maskAnswer(body: string, secrets: readonly string[]): string {
    let text = body;
    try {
        const parsed: unknown = JSON.parse(body);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
            const fields = parsed as Record<string, unknown>;
            for (const name of SECRET_ANSWER_FIELDS) {
                const v = fields[name];
                if (typeof v === 'string') fields[name] = name === 'id_token' ? maskJwt(v) : maskSecret(v);
            }
            text = JSON.stringify(fields, null, 2);
        } else {
            text = JSON.stringify(parsed, null, 2);
        }
    } catch {
        // Not JSON (an HTML page, a form-encoded error): shown as it came.
    }
    text = maskKnown(text, secrets);
    return text.length > MAX_ANSWER_CHARS ? `${text.slice(0, MAX_ANSWER_CHARS)}\n…` : text;
}

/** POSIX shell single quotes. */
function quoted(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A curl line that repeats the request, with `"$NAME"` where each secret goes. */
export function curlOf(request: RecordedRequest): string {
    const parts = ['curl'];
    if (request.method !== 'GET') parts.push('-X', request.method);
    parts.push(quoted(request.url));
    if (request.bearer !== undefined) parts.push('-H', '"Authorization: Bearer $SF_ACCESS_TOKEN"');
    for (const [name, value] of Object.entries(request.form ?? {})) {
        if (value === undefined) continue;
        const variable = SECRET_FIELDS[name];
        parts.push('--data-urlencode', variable ? `"${name}=$${variable}"` : quoted(`${name}=${value}`));
    }
    return parts.join(' ');
}

/** What the transport knows of a request it sent. */
interface RecordedRequest {
    method: string;
    url: string;
    form?: Record<string, string | undefined>;
    bearer?: string;
}

/** What came back: an answer, or why there was none. */
export type RecordedOutcome = { status: number; body: string } | { failure: string };

/** One exchange, masked, as the transcript keeps it. */
export function recordExchange(
    request: RecordedRequest,
    outcome: RecordedOutcome,
    timing: { startedAt: number; ms: number },
): Exchange {
    const form = Object.entries(request.form ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    const secrets = [
        ...form.filter(([name]) => name in SECRET_FIELDS).map(([, v]) => v),
        ...(request.bearer ? [request.bearer] : []),
    ];
    return {
        method: request.method,
        url: maskKnown(request.url, secrets),
        startedAt: timing.startedAt,
        ms: timing.ms,
        form: form.map(([name, value]) => [name, maskField(name, value)]),
        bearer: request.bearer === undefined ? undefined : maskSecret(request.bearer),
        ...('status' in outcome
            ? { status: outcome.status, answer: maskAnswer(outcome.body, secrets) }
            : { failure: outcome.failure }),
        curl: curlOf(request),
    };
}

/** How much of a transcript is kept: results live in memory, ten thousand of them at most. */
const TRANSCRIPT_LIMITS = { exchanges: 40, chars: 32_000 };

function sizeOf(exchange: Exchange): number {
    return exchange.url.length + exchange.curl.length + (exchange.answer?.length ?? 0) + 200;
}

/**
 * A result's exchanges in the order they were sent: the newest ones, at most `limits.exchanges` of them and about
 * `limits.chars` characters (a login's own exchanges take a few thousand; long query answers push out old ones).
 */
export class Transcript {
    private readonly exchanges: Exchange[] = [];
    private dropped = 0;
    private chars = 0;

    constructor(private readonly limits = TRANSCRIPT_LIMITS) {}

    readonly add = (exchange: Exchange): void => {
        this.exchanges.push(exchange);
        this.chars += sizeOf(exchange);
        while (
            this.exchanges.length > 1 &&
            (this.exchanges.length > this.limits.exchanges || this.chars > this.limits.chars)
        ) {
            this.chars -= sizeOf(this.exchanges.shift()!);
            this.dropped += 1;
        }
    };

    /** The exchanges by the time each was sent (calls made side by side finish in any order). */
    list(): { exchanges: Exchange[]; dropped: number } {
        const exchanges = [...this.exchanges].sort((a, b) => a.startedAt - b.startedAt);
        return { exchanges, dropped: this.dropped };
    }
}

/** What each exchange is, named from its endpoint (and for a token request, its grant). */
function exchangeTitle(exchange: Exchange): string {
    const path = new URL(exchange.url).pathname;
    const grant = exchange.form.find(([name]) => name === 'grant_type')?.[1];
    if (path.endsWith('/services/oauth2/token')) return `Token request (${grant ?? 'no grant_type'})`;
    if (path.endsWith('/services/oauth2/introspect')) return 'Token introspection';
    if (path.endsWith('/services/oauth2/revoke')) return 'Revoke';
    if (/\/id\/00D/.test(path)) return 'Identity';
    if (path.endsWith('/query')) return 'Query';
    if (path.endsWith('/services/data/')) return 'API versions';
    return path;
}

/** The exchanges as the transcript partial shows them: request, answer and curl line, each secret masked. */
export function transcriptView(exchanges: readonly Exchange[], dropped = 0) {
    return {
        dropped,
        exchanges: exchanges.map((e, i) => ({
            n: i + 1,
            title: exchangeTitle(e),
            method: e.method,
            url: e.url,
            outcome: e.status !== undefined ? `HTTP ${e.status}` : 'no answer',
            ms: `${Math.round(e.ms)} ms`,
            request: [
                ...(e.bearer ? [`Authorization: Bearer ${e.bearer}`] : []),
                ...e.form.map(([name, value]) => `${name}=${value}`),
            ].join('\n'),
            answer: e.answer ?? e.failure ?? '',
            curl: { id: `exchange-${i + 1}-curl`, text: e.curl, copy: 'Copy as curl' },
        })),
    };
}
