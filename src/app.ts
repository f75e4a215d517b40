import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import onHeaders from 'on-headers';
import { isLoopbackHost, type Config } from './config.js';
import { AppError } from './errors.js';
import { explain } from './fixes.js';
import { addRoutes } from './routes.js';
import { createSalesforceClient } from './salesforce.js';
import { DEFAULT_LIMITS, Store, type StoreLimits } from './store.js';
import { requestTiming, Timing } from './timing.js';

export interface AppOptions {
    /** Where request and error lines go; tests capture them to prove no secret is ever printed. */
    log?: (line: string) => void;
    limits?: StoreLimits;
}

const VIEWS = fileURLToPath(new URL('../views', import.meta.url));
const PUBLIC = fileURLToPath(new URL('../public', import.meta.url));

/** Logs the path only, never a query string; long segments (result ids) show their last 4 characters. */
export function safePath(path: string): string {
    return path
        .split('/')
        .map((seg) => (seg.length > 16 ? `...${seg.slice(-4)}` : seg))
        .join('/')
        .replace(/[^\x21-\x7e]/g, '?')
        .slice(0, 120);
}

export function createApp(config: Config, options: AppOptions = {}) {
    const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
    const store = new Store(options.limits ?? DEFAULT_LIMITS);
    const salesforce = createSalesforceClient(config);
    const app = express();

    app.disable('x-powered-by');
    app.set('view engine', 'ejs');
    app.set('views', VIEWS);
    // Templates are compiled once; Express only does this by itself when NODE_ENV=production.
    app.enable('view cache');
    // /callback reads its raw query itself (duplicates matter); nothing else takes a query.
    app.set('query parser', false);
    app.locals.simulated = config.simulation !== undefined;
    // What every page may show; the config object itself (with the secret) never reaches a template.
    app.locals.callbackUrl = config.callbackUrl;
    app.locals.publicClient = config.clientSecret === undefined;

    app.use((req, res, next) => {
        const timing = new Timing();
        onHeaders(res, () => {
            const { appMs, salesforceMs } = timing.read();
            res.setHeader('Server-Timing', `app;dur=${appMs.toFixed(2)}, salesforce;dur=${salesforceMs.toFixed(2)}`);
        });
        res.on('finish', () => {
            const { totalMs, salesforceMs } = timing.read();
            const waited = salesforceMs > 0 ? ` (salesforce ${salesforceMs.toFixed(1)}ms)` : '';
            log(`${req.method} ${safePath(req.path)} ${res.statusCode} ${totalMs.toFixed(1)}ms${waited}`);
        });
        requestTiming.run(timing, next);
    });

    // DNS rebinding: a hostile page can resolve its own name to 127.0.0.1, so only loopback names are served.
    // Other loopback names are sent to the APP_URL origin before a login starts, because the login's cookie
    // lives on that origin and the callback comes back to it.
    const canonicalHost = new URL(config.origin).host;
    app.use((req, res, next) => {
        const host = req.headers.host ?? '';
        if (host === canonicalHost) return next();
        let hostname: string;
        let port: string;
        try {
            ({ hostname, port } = new URL(`http://${host}`));
        } catch {
            return next(new AppError('unknown_host', 'This app answers only on localhost and 127.0.0.1.'));
        }
        if (!isLoopbackHost(hostname) || Number(port || 80) !== config.port) {
            return next(new AppError('unknown_host', 'This app answers only on localhost and 127.0.0.1.'));
        }
        if ((req.method === 'GET' || req.method === 'HEAD') && req.path !== '/callback') {
            return res.redirect(302, new URL(req.originalUrl, config.origin).href);
        }
        next(new AppError('wrong_address', `Open the app at ${config.origin}: the login is bound to that address.`));
    });

    app.use(
        helmet({
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
        }),
    );
    app.use('/static', express.static(PUBLIC, { index: false, maxAge: '1h' }));
    app.use((_req, res, next) => {
        res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
        next();
    });
    // Only the routes that read the browser's login cookie parse cookies.
    app.use(['/login', '/callback', '/result'], cookieParser());

    addRoutes(app, { config, store, salesforce });

    app.use((req, _res, next) => {
        next(new AppError('not_found', `There is no page at ${safePath(req.path)}.`));
    });

    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
        const error = toAppError(err);
        const incident = error.code === 'internal' ? randomUUID().slice(0, 8) : undefined;
        // Only the code and status: a whole error object may carry a code, a token or the secret.
        log(
            `error ${error.code} ${error.status}${incident ? ` incident=${incident} ${err instanceof Error ? err.name : typeof err}` : ''}`,
        );
        const loginHost = typeof res.locals.loginHost === 'string' ? res.locals.loginHost : undefined;
        res.status(error.status)
            .set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })
            .render('error', {
                error,
                incident,
                fix: error.salesforce
                    ? explain(error.salesforce, { callbackUrl: config.callbackUrl, loginHost })
                    : undefined,
            });
    });

    return app;
}

function toAppError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    // body-parser's errors carry a status and a type; their messages never contain the body.
    const e = err as { status?: unknown; type?: unknown };
    if (e && typeof e.status === 'number') {
        if (e.status === 413 || e.type === 'parameters.too.many') {
            return new AppError('too_large', 'The form sent more data than this app accepts.');
        }
        if (e.status >= 400 && e.status < 500) return new AppError('bad_request', 'The request could not be read.');
    }
    return new AppError('internal', 'Something went wrong inside sf-oauth-auth.');
}
