// Pure parsers of Salesforce's other answers: the identity URL, the API version list, a SOQL query
// and the revoke endpoint. Each takes the reply and returns what the page shows, or throws an AppError.
import { AppError } from '../errors.js';
import { SALESFORCE } from '../messages.js';
import { cleanErrorCode, cleanErrorText, jsonObject, parseJson, type Json } from './reply.js';
import type { Identity, QueryOutcome, Reply, SalesforceError, TokenStatus } from '../types.js';

/** The identity URL (Salesforce help, "Identity URLs"); a bad token gets 403 `Bad_OAuth_Token`. */
export function parseIdentity(reply: Reply): Identity {
    const body = jsonObject(reply);
    if (reply.status !== 200 || !body) {
        throw new AppError(
            'bad_response',
            SALESFORCE.identityStatus(reply.status, reply.body.trim() === 'Bad_OAuth_Token'),
        );
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
}

/** `/services/data/` lists `[{ label, url, version }]`; the newest version wins. */
export function parseApiVersions(reply: Reply): string {
    const versions = parseJson(reply.body);
    const numbers = Array.isArray(versions)
        ? versions
              .map((v: { version?: unknown }) => (typeof v?.version === 'string' ? v.version : ''))
              .filter((v) => /^\d+\.\d$/.test(v))
        : [];
    if (reply.status !== 200 || numbers.length === 0)
        throw new AppError('bad_response', SALESFORCE.noVersions(reply.status));
    return numbers.sort((a, b) => Number(a) - Number(b)).at(-1)!;
}

/** What the page shows of a query at most, so that a wide or long reply costs time in proportion to its size. */
export const TABLE_LIMITS = { columns: 50, rows: 200, cellChars: 1000 };

function cell(v: unknown): string {
    if (v === null || v === undefined) return '';
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text.length > TABLE_LIMITS.cellChars ? `${text.slice(0, TABLE_LIMITS.cellChars)}…` : text;
}

/** The first columns in order of appearance, and how many distinct columns there were in all. */
function columnsOf(records: Json[]): { columns: string[]; total: number } {
    const seen = new Set<string>();
    for (const record of records) for (const key of Object.keys(record)) if (key !== 'attributes') seen.add(key);
    return { columns: [...seen].slice(0, TABLE_LIMITS.columns), total: seen.size };
}

function table(records: Json[]) {
    const shown = records.slice(0, TABLE_LIMITS.rows);
    const { columns, total } = columnsOf(shown);
    const rows = shown.map((r) => columns.map((c) => cell(r[c])));
    const cut = SALESFORCE.tableCut(shown.length, records.length, columns.length, total);
    return { columns, rows, cut };
}

/** A query's records as a table, or the REST error (`[{ "message", "errorCode" }]`) it answered with. */
export function parseQueryResult(reply: Reply, soql: string): QueryOutcome {
    const body = parseJson(reply.body);
    if (reply.status === 200 && body && typeof body === 'object' && Array.isArray((body as Json).records)) {
        const records = (body as { records: Json[] }).records.filter((r) => r !== null && typeof r === 'object');
        const totalSize = Number((body as Json).totalSize ?? records.length);
        return { ok: true, soql, totalSize, ...table(records) };
    }
    const first = Array.isArray(body) ? (body[0] as Json | undefined) : undefined;
    return {
        ok: false,
        soql,
        errorCode: cleanErrorCode(first?.errorCode ?? `HTTP_${reply.status}`),
        message: cleanErrorText(first?.message, 1000, true)?.trim() ?? SALESFORCE.queryStatus(reply.status),
    };
}

/**
 * RFC 7009 §2.2: 200 means revoked. A 400 is Salesforce's refusal, form-encoded as real orgs send it
 * (`error=unsupported_token_type&error_description=…`; jsforce reads it so), or JSON.
 */
export function parseRevokeAnswer(reply: Reply): SalesforceError | undefined {
    if (reply.status === 200) return undefined;
    // Real orgs answer a token they cannot find with 404 and the plain text `Bad_Id`.
    if (reply.status === 404) {
        return { error: cleanErrorCode(reply.body.trim() || 'Bad_Id'), httpStatus: 404 };
    }
    if (reply.status !== 400) throw new AppError('bad_response', SALESFORCE.revokeStatus(reply.status));
    const json = jsonObject(reply);
    const form = new URLSearchParams(reply.body);
    const error = json?.error ?? form.get('error') ?? 'invalid_token';
    const description = json?.error_description ?? form.get('error_description') ?? undefined;
    return { error: cleanErrorCode(error), description: cleanErrorText(description), httpStatus: 400 };
}

/** `{login host}/id/keys`: the JSON Web Key Set that signs id_tokens (RFC 7517 §5). */
export function parseKeySet(reply: Reply): { keys: Json[] } {
    const body = jsonObject(reply);
    if (reply.status !== 200 || !body || !Array.isArray(body.keys)) {
        throw new AppError('bad_response', SALESFORCE.noKeys(reply.status));
    }
    return { keys: (body.keys as unknown[]).filter((k): k is Json => k !== null && typeof k === 'object') };
}

const seconds = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : undefined);
const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function parseIntrospection(reply: Reply): TokenStatus {
    const body = jsonObject(reply);
    if (reply.status !== 200) {
        if (body && typeof body.error === 'string') {
            const error = {
                error: cleanErrorCode(body.error),
                description: cleanErrorText(body.error_description),
                httpStatus: reply.status,
            };
            return { kind: 'refused', error };
        }
        throw new AppError('bad_response', SALESFORCE.introspectStatus(reply.status));
    }
    if (!body || typeof body.active !== 'boolean')
        throw new AppError('bad_response', SALESFORCE.introspectStatus(reply.status));
    if (!body.active) return { kind: 'inactive' };
    return {
        kind: 'active',
        exp: seconds(body.exp),
        iat: seconds(body.iat),
        scope: text(body.scope),
        username: text(body.username),
    };
}
