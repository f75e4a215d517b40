// What every parser of a Salesforce answer shares: the reply's shape, JSON reading by media type, and
// the cleaning of error codes and texts before they reach a page.
import type { Reply } from '../types.js';

export type Json = Record<string, unknown>;

/** RFC 9110 §8.3.1: the media type is the part before any parameter, compared case-insensitively. */
export function isJsonMediaType(contentType: string): boolean {
    const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
    return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

export function parseJson(body: string): unknown {
    try {
        return JSON.parse(body);
    } catch {
        return undefined;
    }
}

/** The body as a JSON object, or undefined when it is not labelled JSON or is not an object. */
export function jsonObject(reply: Reply): Json | undefined {
    if (!isJsonMediaType(reply.contentType)) return undefined;
    const value = parseJson(reply.body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/**
 * RFC 6749 §4.1.2.1 limits error_description to printable ASCII; anything else is replaced and capped.
 * REST messages keep their line breaks (a SOQL parse error points at the column on its own line).
 */
export function cleanErrorText(raw: unknown, max = 300, keepLines = false): string | undefined {
    if (typeof raw !== 'string' || raw === '') return undefined;
    const text = raw.replace(keepLines ? /[^\x20-\x7e\n]/g : /[^\x20-\x7e]/g, '?');
    return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function cleanErrorCode(raw: unknown): string {
    return typeof raw === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(raw) ? raw : 'unknown_error';
}
