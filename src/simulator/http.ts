// How Salesforce shapes its answers: JSON OAuth errors, plain-text authorize errors, REST errors and
// redirects back to the client.
import type { Response } from 'express';

/** A form body as express.urlencoded parses it. */
export type Form = Record<string, unknown>;

/** A form field that was sent once, as text. */
export function field(form: Form, name: string): string | undefined {
    return typeof form[name] === 'string' ? (form[name] as string) : undefined;
}

// Token errors come with these headers (RFC 6749 §5.2; Salesforce adds the charset in upper case).
export function oauthError(res: Response, status: number, error: string, description: string): void {
    // res.end, not res.send: Express would rewrite the charset to "; charset=utf-8".
    res.status(status)
        .set({
            'Content-Type': 'application/json;charset=UTF-8',
            'Cache-Control': 'no-cache, no-store',
            Pragma: 'no-cache',
        })
        .end(JSON.stringify({ error, error_description: description }));
}

/** The authorize endpoint answers a bad client or redirect URI with plain text and no redirect. */
export function plainError(res: Response, error: string, description: string): void {
    res.status(400)
        .type('text/plain')
        .send(`error=${error}&error_description=${encodeURIComponent(description)}`);
}

/** REST errors are a JSON array of `{ message, errorCode }`. */
export function restError(res: Response, status: number, errorCode: string, message: string): void {
    res.status(status).json([{ message, errorCode }]);
}

export function redirectWith(res: Response, redirectUri: string, params: Record<string, string | undefined>): void {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    res.redirect(302, url.href);
}

export function tokenAnswer(res: Response, body: Record<string, string>): void {
    res.set({ 'Cache-Control': 'no-cache, no-store', Pragma: 'no-cache' }).json(body);
}
