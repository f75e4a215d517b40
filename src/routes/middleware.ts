// What several routes share: the same-origin check on POSTs, strict form fields, the browser cookie,
// and the Host check against DNS rebinding.
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { REQUEST } from '../messages.js';
import { isLoopbackHost } from '../salesforce/hosts.js';
import type { Store } from '../store.js';

/** A value this app minted with randomToken(): 43 base64url characters. */
export const RANDOM_ID = /^[A-Za-z0-9_-]{43}$/;

export const loginForm = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 });
export const actionForm = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 5 });
/** What a person pastes from Salesforce's page: a whole saved error page weighs tens of kilobytes. */
export const pasteForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 5 });

/**
 * The POST actions are refused unless they come from this app's own pages. SameSite cookies are not
 * enough: another app on another localhost port is same-site. With Referrer-Policy no-referrer Chromium
 * sends `Origin: null` on same-origin form posts, so Sec-Fetch-Site is checked first.
 */
export function sameOriginOnly(config: Config): RequestHandler {
    return (req, _res, next) => {
        const site = req.get('sec-fetch-site');
        const ok = site !== undefined ? site === 'same-origin' : req.get('origin') === config.origin;
        if (!ok) throw new AppError('not_same_origin', REQUEST.notSameOrigin);
        next();
    };
}

/** Form fields must be single strings; arrays (a repeated field) and unknown fields are refused. */
export function formFields(req: Request, allowed: readonly string[]): Record<string, string | undefined> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const fields: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(body)) {
        if (!allowed.includes(name)) throw new AppError('bad_request', REQUEST.unexpectedField(name));
        if (typeof value !== 'string') throw new AppError('bad_request', REQUEST.repeatedField(name));
        fields[name] = value;
    }
    return fields;
}

/** Cookies are shared by every port of a host, so the port is part of the name. */
export function cookieName(config: Config): string {
    return `sf_oauth_auth_${config.port}`;
}

/** Names the browser for its logins and results: the cookie that says whose results are whose. */
export function setBrowserCookie({ config, store }: { config: Config; store: Store }, res: Response, browser: string) {
    res.cookie(cookieName(config), browser, {
        httpOnly: true,
        // Lax: the callback arrives as a cross-site top-level GET from Salesforce.
        sameSite: 'lax',
        path: '/',
        maxAge: store.limits.resultTtlMs,
    });
}

/**
 * The value of this app's cookie. Another localhost port can write this cookie (cookies ignore ports,
 * RFC 6265 §8.5), so a repeated cookie (a planted copy with a narrower Path beside the real one) is refused.
 */
export function cookieValue(config: Config, req: Request): string | undefined {
    const name = cookieName(config);
    const copies = (req.headers.cookie ?? '').split(';').filter((c) => c.trim().startsWith(`${name}=`));
    if (copies.length > 1) throw new AppError('bad_request', REQUEST.duplicateCookie);
    const value: unknown = req.cookies?.[name];
    return typeof value === 'string' && RANDOM_ID.test(value) ? value : undefined;
}

/** The browser id, only if this app issued it and still holds logins or results for it (no session fixation). */
export function browserId(config: Config, store: Store, req: Request): string | undefined {
    const value = cookieValue(config, req);
    return value !== undefined && store.knowsBrowser(value) ? value : undefined;
}

/**
 * The request's path and query on the APP_URL origin. `new URL('//evil.example/', origin)` would leave
 * the origin (a protocol-relative reference, RFC 3986 §4.2), so the path is set on a URL whose origin is
 * already fixed, with leading slashes and backslashes folded into one.
 */
export function sameOriginTarget(origin: string, originalUrl: string): string {
    const target = new URL(origin);
    const query = originalUrl.indexOf('?');
    const path = query === -1 ? originalUrl : originalUrl.slice(0, query);
    target.pathname = `/${path.replace(/^[/\\]+/, '')}`;
    target.search = query === -1 ? '' : originalUrl.slice(query);
    return target.href;
}

/**
 * DNS rebinding: a hostile page can resolve its own name to 127.0.0.1, so only loopback names are served.
 * Other loopback names are sent to the APP_URL origin before a login starts, because the login's cookie
 * lives on that origin and the callback comes back to it.
 */
export function hostCheck(config: Config): RequestHandler {
    const canonicalHost = new URL(config.origin).host;
    return (req, res, next) => {
        const host = req.headers.host ?? '';
        if (host === canonicalHost) return next();
        let url: URL | undefined;
        try {
            url = new URL(`http://${host}`);
        } catch {
            url = undefined;
        }
        if (!url || !isLoopbackHost(url.hostname) || Number(url.port || 80) !== config.port) {
            throw new AppError('unknown_host', REQUEST.unknownHost);
        }
        if ((req.method === 'GET' || req.method === 'HEAD') && req.path !== '/callback') {
            return redirect(res, 302, sameOriginTarget(config.origin, req.originalUrl));
        }
        throw new AppError('wrong_address', REQUEST.wrongAddress(config.origin));
    };
}

/**
 * A redirect without a body: browsers follow it without showing one, and Express's res.redirect would first
 * negotiate which body to build (res.format) on every login.
 */
export function redirect(res: Response, status: 302 | 303, url: string): void {
    res.status(status).location(url).end();
}

export function methodNotAllowed(message: string): RequestHandler {
    return () => {
        throw new AppError('method_not_allowed', message);
    };
}
