// createApp(config, deps): the middleware, the routes, the 404 and the one error handler. It never
// listens, reads the environment or loads .env; the entry points and the tests do that.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import ejs from 'ejs';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import onHeaders from 'on-headers';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import { explain } from './fixes.js';
import { REQUEST } from './messages.js';
import { errorView } from './view-model.js';
import { fileJwtKey, type JwtKeySource } from './oauth/jwt-key.js';
import { createPreflight } from './preflight.js';
import { routes } from './routes/index.js';
import { hostCheck } from './routes/middleware.js';
import { createSalesforceClient, type SalesforceClient } from './salesforce/client.js';
import { DEFAULT_LIMITS, Store, type Clock } from './store.js';
import { Timing, type Deadline } from './timing.js';
import type { StoreLimits } from './types.js';

export interface AppOptions {
    /** Where request and error lines go; tests capture them to prove no secret is ever printed. */
    log?: (line: string) => void;
    limits?: StoreLimits;
    /** The clock of the store; tests pass one they can move. */
    now?: Clock;
    store?: Store;
    salesforce?: SalesforceClient;
    /** Makes each page's deadline for its calls to Salesforce; tests pass one they abort when they choose. */
    deadline?: Deadline;
    /** The key JWT Bearer logins sign with; JWT_KEY_FILE's when not given (the demo passes one it made). */
    jwtKey?: JwtKeySource;
}

const VIEWS = fileURLToPath(new URL('../views', import.meta.url));
const PUBLIC = fileURLToPath(new URL('../public', import.meta.url));

/**
 * EJS as Express's view engine: each template compiled once, without the line bookkeeping EJS adds for its
 * error messages (`compileDebug`, a help while writing templates, a cost on every page). Includes are named
 * from the views folder (`/partials/head`), which EJS resolves without asking the file system.
 */
export function renderView(path: string, data: object, done: (err: Error | null, html?: string) => void): void {
    ejs.renderFile(path, data, { cache: true, compileDebug: false, root: VIEWS }, done);
}

/** Logs the path only, never a query string; long segments (result ids) show their last 4 characters. */
export function safePath(path: string): string {
    return path
        .split('/')
        .map((seg) => (seg.length > 16 ? `...${seg.slice(-4)}` : seg))
        .join('/')
        .replace(/[^\x21-\x7e]/g, '?')
        .slice(0, 120);
}

/** Server-Timing (the app's own time and the time spent waiting for Salesforce) and one log line per request. */
function timed(log: (line: string) => void, budgetMs: number, deadline?: Deadline): RequestHandler {
    return (req, res, next) => {
        const timing = new Timing(budgetMs, deadline);
        res.locals.timing = timing;
        onHeaders(res, () => {
            const { appMs, salesforceMs } = timing.read();
            res.setHeader('Server-Timing', `app;dur=${appMs.toFixed(2)}, salesforce;dur=${salesforceMs.toFixed(2)}`);
        });
        res.on('finish', () => {
            const { totalMs, salesforceMs } = timing.read();
            const waited = salesforceMs > 0 ? ` (salesforce ${salesforceMs.toFixed(1)}ms)` : '';
            // originalUrl: a mounted route (/static) sees its own path in req.path; the log names what was asked.
            const path = req.originalUrl.split('?')[0] ?? '';
            log(`${req.method} ${safePath(path)} ${res.statusCode} ${totalMs.toFixed(1)}ms${waited}`);
        });
        next();
    };
}

const securityHeaders = helmet({
    contentSecurityPolicy: {
        useDefaults: false,
        // No form-action: Chromium applies it to the redirect after POST /login, which goes to Salesforce.
        // No upgrade-insecure-requests: it would break http://localhost.
        directives: {
            defaultSrc: ["'none'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'"],
            imgSrc: ["'self'"],
            connectSrc: ["'self'"],
            baseUri: ["'none'"],
            frameAncestors: ["'none'"],
        },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
});

const noStore: RequestHandler = (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    next();
};

function toAppError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    // body-parser's errors carry a status and a type; their messages never contain the body.
    const e = err as { status?: unknown; type?: unknown };
    if (e && typeof e.status === 'number') {
        if (e.status === 413 || e.type === 'parameters.too.many') return new AppError('too_large', REQUEST.tooLarge);
        if (e.status >= 400 && e.status < 500) return new AppError('bad_request', REQUEST.unreadable);
    }
    return new AppError('internal', REQUEST.internal);
}

function errorPage(config: Config, log: (line: string) => void): ErrorRequestHandler {
    return (err: unknown, _req, res, _next) => {
        const error = toAppError(err);
        const incident = error.code === 'internal' ? randomUUID().slice(0, 8) : undefined;
        // Only the code and status: a whole error object may carry a code, a token or the secret.
        const what = incident ? ` incident=${incident} ${err instanceof Error ? err.name : typeof err}` : '';
        log(`error ${error.code} ${error.status}${what}`);
        const loginHost = typeof res.locals.loginHost === 'string' ? res.locals.loginHost : undefined;
        const audience = typeof res.locals.audience === 'string' ? res.locals.audience : undefined;
        const fix = error.salesforce
            ? explain(error.salesforce, { callbackUrl: config.callbackUrl, loginHost, audience })
            : undefined;
        res.status(error.status)
            .set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })
            .render('error', { v: errorView(error, fix, incident) });
    };
}

export function createApp(config: Config, options: AppOptions = {}) {
    const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
    const store = options.store ?? new Store(options.limits ?? DEFAULT_LIMITS, options.now);
    const salesforce = options.salesforce ?? createSalesforceClient(config);
    const app = express();

    app.disable('x-powered-by');
    app.engine('ejs', renderView);
    app.set('view engine', 'ejs');
    app.set('views', VIEWS);
    // Express keeps the view lookups (it only does by itself when NODE_ENV=production); EJS keeps the compiled
    // templates (renderView).
    app.enable('view cache');
    // Every page is Cache-Control: no-store, so a validator is never used: no hashing of each page for an ETag.
    app.set('etag', false);
    // /callback reads its raw query itself (duplicates matter); nothing else takes a query.
    app.set('query parser', false);
    app.locals.simulated = config.simulation !== undefined;
    // What every page may show; the config object itself (with the secret) never reaches a template.
    app.locals.callbackUrl = config.callbackUrl;
    app.locals.publicClient = config.clientSecret === undefined;

    app.use(timed(log, config.httpTimeoutMs, options.deadline));
    // Headers first, so that the host check's own error pages carry them too.
    app.use(securityHeaders);
    app.use(hostCheck(config));
    app.use('/static', express.static(PUBLIC, { index: false, maxAge: '1h' }));
    app.use(noStore);
    app.use(cookieParser());
    const jwtKey = options.jwtKey ?? fileJwtKey(config.jwtKeyFile);
    app.use(routes({ config, store, salesforce, preflight: createPreflight(config, salesforce), jwtKey }));
    app.use((req, _res, next) => next(new AppError('not_found', REQUEST.notFound(safePath(req.path)))));
    app.use(errorPage(config, log));
    return app;
}
