import express, { type Express, type Request, type RequestHandler } from 'express';
import type { Config } from './config.js';
import { AppError, type ErrorCode } from './errors.js';
import { parseEnvironment, parseLoginHint, parseMyDomain, parsePrompt, parseScope, type Environment } from './input.js';
import { cleanErrorCode, cleanErrorText, codeChallenge, randomToken, type SalesforceClient } from './salesforce.js';
import type { LoginResult, Store } from './store.js';
import { resultView } from './view-model.js';

interface Deps {
    config: Config;
    store: Store;
    salesforce: SalesforceClient;
}

const RANDOM_ID = /^[A-Za-z0-9_-]{43}$/;

const loginForm = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 });
const actionForm = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 5 });

/**
 * The POST actions are refused unless they come from this app's own pages. SameSite cookies are not
 * enough: another app on another localhost port is same-site. With Referrer-Policy no-referrer Chromium
 * sends `Origin: null` on same-origin form posts, so Sec-Fetch-Site is checked first.
 */
function sameOriginOnly(config: Config): RequestHandler {
    return (req, _res, next) => {
        const site = req.get('sec-fetch-site');
        const ok = site !== undefined ? site === 'same-origin' : req.get('origin') === config.origin;
        if (!ok) {
            throw new AppError(
                'not_same_origin',
                "This request did not come from this app's own page, so it was refused.",
            );
        }
        next();
    };
}

/** Form fields must be single strings; arrays (a repeated field) and unknown fields are refused. */
function formFields(req: Request, allowed: readonly string[]): Record<string, string | undefined> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const fields: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(body)) {
        if (!allowed.includes(name)) throw new AppError('bad_request', `Unexpected form field "${name.slice(0, 40)}".`);
        if (typeof value !== 'string')
            throw new AppError('bad_request', `The field "${name}" was sent more than once.`);
        fields[name] = value;
    }
    return fields;
}

function browserId(config: Config, req: Request): string | undefined {
    const value: unknown = req.cookies?.[cookieName(config)];
    return typeof value === 'string' && RANDOM_ID.test(value) ? value : undefined;
}

/** Cookies are shared by every port of a host, so the port is part of the name. */
export function cookieName(config: Config): string {
    return `sf_oauth_auth_${config.port}`;
}

export function addRoutes(app: Express, { config, store, salesforce }: Deps): void {
    function loginTarget(environment: Environment, myDomain: string | undefined) {
        if (environment === 'Custom') {
            const host = parseMyDomain(myDomain);
            return { loginHost: host, baseUrl: config.simulation?.myDomainUrl ?? `https://${host}` };
        }
        const baseUrl = environment === 'Sandbox' ? config.sandboxUrl : config.productionUrl;
        return { loginHost: new URL(baseUrl).host, baseUrl };
    }

    function findResult(req: Request): LoginResult {
        const id = String(req.params.id);
        const result = RANDOM_ID.test(id) ? store.getResult(browserId(config, req), id) : undefined;
        if (!result) {
            throw new AppError(
                'result_not_found',
                'This result is not here: results live in memory, only in the browser that logged in, until the app restarts. Log in again.',
            );
        }
        return result;
    }

    app.get('/', (_req, res) => {
        res.render('index', { defaults: { scope: config.scope ?? '', prompt: config.prompt ?? '' } });
    });

    // The origin is checked before the body is read.
    const sameOrigin = sameOriginOnly(config);

    app.post('/login', sameOrigin, loginForm, (req, res) => {
        const f = formFields(req, ['sf_env', 'my_domain', 'scope', 'prompt', 'login_hint']);
        const environment = parseEnvironment(f.sf_env);
        const { loginHost, baseUrl } = loginTarget(environment, f.my_domain);
        const scope = parseScope(f.scope) ?? config.scope;
        const prompt = parsePrompt(f.prompt) ?? config.prompt;
        const loginHint = parseLoginHint(f.login_hint);

        const browser = browserId(config, req) ?? randomToken();
        // RFC 6749 §10.12 and RFC 7636: a fresh 256-bit state and verifier for every login.
        const state = randomToken();
        const verifier = randomToken();
        store.addPending(browser, { state, verifier, environment, loginHost, baseUrl, createdAt: Date.now() });

        res.cookie(cookieName(config), browser, {
            httpOnly: true,
            // Lax: the callback arrives as a cross-site top-level GET from Salesforce.
            sameSite: 'lax',
            path: '/',
            secure: config.origin.startsWith('https:'),
            maxAge: store.limits.resultTtlMs,
        });

        const authorize = new URL(config.authorizePath, baseUrl);
        authorize.searchParams.set('response_type', 'code');
        authorize.searchParams.set('client_id', config.clientId);
        authorize.searchParams.set('redirect_uri', config.callbackUrl);
        authorize.searchParams.set('state', state);
        authorize.searchParams.set('code_challenge', codeChallenge(verifier));
        authorize.searchParams.set('code_challenge_method', 'S256');
        if (scope) authorize.searchParams.set('scope', scope);
        if (prompt) authorize.searchParams.set('prompt', prompt);
        if (loginHint) authorize.searchParams.set('login_hint', loginHint);
        res.redirect(302, authorize.href);
    });

    app.all('/login', () => {
        throw new AppError('method_not_allowed', 'Start a login from the form on the first page.');
    });

    app.get('/callback', async (req, res) => {
        const params = new URL(req.originalUrl, config.origin).searchParams;
        const names = [...params.keys()];
        // RFC 6749 §3.1: parameters must not be included more than once; `state[]=` is no state either.
        if (names.length > 20 || new Set(names).size !== names.length || names.some((n) => n.includes('['))) {
            throw new AppError(
                'malformed_response',
                'This is not a valid sign-in response: a parameter is repeated or malformed. Start again.',
            );
        }
        // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
        const param = (name: string) => params.get(name) || undefined;

        const state = param('state');
        if (state === undefined) {
            throw new AppError(
                'missing_state',
                'This sign-in response has no state, so it cannot be matched to a login started here. Start again.',
            );
        }
        const browser = browserId(config, req);
        const taken = RANDOM_ID.test(state)
            ? store.takePending(browser, state, Date.now())
            : ({ ok: false, reason: 'state_mismatch' } as const);
        if (!taken.ok) throw new AppError(taken.reason, STATE_MESSAGES[taken.reason]);
        // A login was found under this browser's cookie, so `browser` is set from here on.
        const login = taken.login;
        res.locals.loginHost = login.loginHost;

        // RFC 9207: an `iss` that is present must be the server this login went to.
        const iss = param('iss');
        if (iss !== undefined && iss !== login.baseUrl) {
            throw new AppError(
                'issuer_mismatch',
                'This sign-in response names another issuer than the login host it was sent to.',
            );
        }
        if (['access_token', 'id_token', 'token'].some((n) => params.has(n))) {
            throw new AppError(
                'unsupported_response',
                'This sign-in response carries tokens in the URL; only the authorization code flow is supported.',
            );
        }
        const error = param('error');
        if (error !== undefined) {
            throw new AppError('authorization_error', `Salesforce did not authorize the login at ${login.loginHost}.`, {
                salesforce: { error: cleanErrorCode(error), description: cleanErrorText(param('error_description')) },
            });
        }
        const code = param('code');
        if (code === undefined)
            throw new AppError('missing_code', 'This sign-in response has neither a code nor an error. Start again.');
        if (code.length > 2048 || !/^[\x20-\x7e]+$/.test(code)) {
            throw new AppError(
                'malformed_response',
                'The authorization code in this response is not valid. Start again.',
            );
        }

        const { tokens, signatureVerified } = await salesforce.exchangeCode(login.baseUrl, code, login.verifier);
        const [identity, version] = await Promise.allSettled([
            salesforce.identity(tokens),
            config.apiVersion ? Promise.resolve(config.apiVersion) : salesforce.latestApiVersion(tokens),
        ]);
        const result: LoginResult = {
            id: randomToken(),
            browser: browser!,
            environment: login.environment,
            loginHost: login.loginHost,
            baseUrl: login.baseUrl,
            tokens,
            signatureVerified,
            identity: identity.status === 'fulfilled' ? identity.value : undefined,
            identityError: identity.status === 'rejected' ? reason(identity.reason) : undefined,
            apiVersion: version.status === 'fulfilled' ? version.value : undefined,
            revoked: false,
        };
        store.addResult(result);
        // Post/Redirect/Get (RFC 6749 §3.1.2.5): the code leaves the address bar and a reload cannot re-exchange it.
        res.redirect(303, `/result/${result.id}`);
    });

    app.all('/callback', () => {
        throw new AppError('method_not_allowed', 'Salesforce returns to /callback with a GET.');
    });

    app.get('/result/:id', (req, res) => {
        const result = findResult(req);
        const notice = result.notice;
        result.notice = undefined;
        res.render('result', { r: resultView(config, result), notice });
    });

    const action = (
        name: string,
        handler: (result: LoginResult, fields: Record<string, string | undefined>) => Promise<string | void>,
    ) => {
        app.post(`/result/:id/${name}`, sameOrigin, actionForm, async (req, res) => {
            const result = findResult(req);
            res.locals.loginHost = result.loginHost;
            const fields = formFields(req, ['soql']);
            const anchor = (await handler(result, fields)) ?? '';
            res.redirect(303, `/result/${result.id}${anchor}`);
        });
        app.all(`/result/:id/${name}`, () => {
            throw new AppError('method_not_allowed', 'Use the buttons on the result page.');
        });
    };

    action('refresh', async (result) => {
        const tokens = liveTokens(result);
        if (!tokens.refreshToken) {
            throw new AppError(
                'bad_request',
                'There is no refresh token: add the refresh_token (or offline_access) scope to the app and log in again.',
            );
        }
        const refreshed = await salesforce.refresh(result.baseUrl, tokens);
        result.tokens = refreshed.tokens;
        result.signatureVerified = refreshed.signatureVerified;
        const rotated = refreshed.tokens.refreshToken !== tokens.refreshToken;
        result.notice = {
            kind: 'ok',
            text: `Refreshed: a new access token was issued${rotated ? ', and Salesforce rotated the refresh token (the new one is kept)' : ''}.`,
        };
    });

    action('revoke', async (result) => {
        const tokens = liveTokens(result);
        const refused = await salesforce.revoke(result.baseUrl, tokens.refreshToken ?? tokens.accessToken);
        // Forgotten either way: a token Salesforce calls invalid is of no use, and keeping it would mislead.
        result.tokens = undefined;
        result.revoked = true;
        result.lastQuery = undefined;
        result.notice = refused
            ? {
                  kind: 'error',
                  text: `Salesforce answered ${refused.error}${refused.description ? ` (${refused.description})` : ''}: the token was probably already revoked or expired. The tokens were forgotten here.`,
              }
            : {
                  kind: 'ok',
                  text: `Revoked at ${result.loginHost}: the ${tokens.refreshToken ? 'refresh token and its access tokens are' : 'access token is'} no longer valid, and the tokens were forgotten here.`,
              };
    });

    action('query', async (result, fields) => {
        const tokens = liveTokens(result);
        const soql = (fields.soql ?? '').trim();
        if (soql === '' || soql.length > 4000)
            throw new AppError('bad_request', 'Enter a SOQL query of at most 4000 characters.');
        result.apiVersion ??= config.apiVersion ?? (await salesforce.latestApiVersion(tokens));
        result.lastQuery = await salesforce.query(tokens, result.apiVersion, soql);
        return '#query';
    });
}

function liveTokens(result: LoginResult) {
    if (!result.tokens) throw new AppError('bad_request', 'These tokens were revoked. Log in again to get new ones.');
    return result.tokens;
}

function reason(err: unknown): string {
    return err instanceof AppError ? err.message : 'the identity call failed';
}

const STATE_MESSAGES: Record<
    'no_login_in_progress' | 'state_mismatch' | 'state_already_used' | 'login_expired',
    string
> = {
    no_login_in_progress:
        'No login is in progress in this browser (or it expired after 15 minutes). Start the login from the first page of this app, in this browser.',
    state_mismatch:
        'This sign-in response does not match any login started in this browser (a browser keeps its 5 newest logins). Start again from the first page.',
    state_already_used: 'This sign-in response was already used (a reload or a second tab). Start a new login.',
    login_expired: 'This login expired: more than 15 minutes passed since it started. Start again.',
} satisfies Partial<Record<ErrorCode, string>>;
