// GET / shows the form; POST /login starts a login and sends the browser to Salesforce's authorize page.
import type { Request, RequestHandler } from 'express';
import { codeChallenge, randomToken } from '../crypto.js';
import { parseEnvironment, parseLoginHint, parseMyDomain, parsePrompt, parseScope } from '../input.js';
import { AppError } from '../errors.js';
import { REQUEST } from '../messages.js';
import { indexView, type FieldError, type LoginFormValues } from '../view-model.js';
import { buildAuthorizeUrl } from '../oauth/authorize.js';
import { readSalesforceErrorText } from '../salesforce/authorize-page.js';
import type { Deps } from './deps.js';
import { browserId, cookieName, formFields, RANDOM_ID, redirect } from './middleware.js';
import type { Environment } from '../types.js';

export function home(deps: Deps): RequestHandler {
    const { config, preflight } = deps;
    return (_req, res) => {
        // Asked ahead while the person reads the page, so that POST /login finds the verdict ready.
        for (const baseUrl of [config.productionUrl, config.sandboxUrl]) {
            void preflight({ baseUrl, scope: config.scope, prompt: config.prompt });
        }
        res.render('index', { v: indexView(config) });
    };
}

/** POST /explain: what a person pasted from Salesforce's own error page or address bar, explained. */
export function explainPasted(): RequestHandler {
    return (req) => {
        const pasted = formFields(req, ['pasted']).pasted ?? '';
        const found = readSalesforceErrorText(pasted);
        if (!found) throw new AppError('bad_request', REQUEST.nothingToExplain);
        throw new AppError('explained', REQUEST.explained, { salesforce: found });
    };
}

/** Where a login goes: the login host shown to the person, and the base URL that /authorize and /token use. */
function loginTarget({ config }: Deps, environment: Environment, myDomain: string | undefined) {
    if (environment === 'Custom') {
        // `acme.my.salesforce.com`, or a site with its path: `acme.my.site.com/partners`.
        const address = parseMyDomain(myDomain);
        const path = address.slice(address.indexOf('/') === -1 ? address.length : address.indexOf('/'));
        const simulated = config.simulation && `${config.simulation.myDomainUrl}${path}`;
        return { loginHost: address, baseUrl: simulated ?? `https://${address}` };
    }
    const baseUrl = environment === 'Sandbox' ? config.sandboxUrl : config.productionUrl;
    return { loginHost: new URL(baseUrl).host, baseUrl };
}

const LOGIN_FIELDS = ['sf_env', 'my_domain', 'use_my_domain', 'scope', 'prompt', 'login_hint', 'tab'];

/**
 * A refused My Domain comes back as the same form, with what was typed and the reason next to the field
 * (and a one-click suggestion when the app knows the login host to use).
 */
function myDomainTarget(deps: Deps, f: Record<string, string | undefined>, environment: Environment) {
    try {
        return loginTarget(deps, environment, f.my_domain);
    } catch (err) {
        if (!(err instanceof AppError) || environment !== 'Custom') throw err;
        const form = { ...f, sf_env: 'Custom' } as Partial<LoginFormValues>;
        throw new FormRefusal(form, { message: err.message, suggestion: err.suggestion });
    }
}

function readLoginForm(deps: Deps, req: Request) {
    const f = formFields(req, LOGIN_FIELDS);
    // "Use acme.my.salesforce.com" on a refused form: the suggested host, for Custom.
    if (f.use_my_domain) Object.assign(f, { my_domain: f.use_my_domain, sf_env: 'Custom' });
    const environment = parseEnvironment(f.sf_env);
    return {
        environment,
        ...myDomainTarget(deps, f, environment),
        scope: parseScope(f.scope) ?? deps.config.scope,
        prompt: parsePrompt(f.prompt) ?? deps.config.prompt,
        loginHint: parseLoginHint(f.login_hint),
        // Filled in by the page's script from sessionStorage; anything but a value it made is ignored.
        tab: f.tab !== undefined && RANDOM_ID.test(f.tab) ? f.tab : undefined,
    };
}

/** The login form, refused and shown again with its values and the reason. */
class FormRefusal extends Error {
    readonly form: Partial<LoginFormValues>;
    readonly error: FieldError;

    constructor(form: Partial<LoginFormValues>, error: FieldError) {
        super('The login form was refused.');
        this.name = this.constructor.name;
        this.form = form;
        this.error = error;
    }
}

export function login(deps: Deps): RequestHandler {
    const { config, store, preflight } = deps;
    return async (req, res) => {
        let form;
        try {
            form = readLoginForm(deps, req);
        } catch (err) {
            if (!(err instanceof FormRefusal)) throw err;
            const page = { form: err.form, error: err.error };
            return void res.status(400).render('index', { v: indexView(config, page) });
        }
        const refused = await preflight({ baseUrl: form.baseUrl, scope: form.scope, prompt: form.prompt });
        // While the person logs in at Salesforce, connections to the host that will redeem the code open.
        if (!refused) deps.salesforce.warm(form.baseUrl);
        if (refused) {
            res.locals.loginHost = form.loginHost;
            throw new AppError('refused_at_authorize', REQUEST.refusedAtAuthorize(form.loginHost), {
                salesforce: refused,
            });
        }
        const browser = browserId(config, store, req) ?? randomToken();
        // RFC 6749 §10.12 and RFC 7636 §4.1: a fresh 256-bit state and verifier for every login.
        const state = randomToken();
        const verifier = randomToken();
        // Sent with every login: Salesforce echoes it in the id_token whenever the openid scope is granted.
        const nonce = randomToken();
        const { environment, loginHost, baseUrl, tab } = form;
        if (!store.addPending(browser, { state, verifier, nonce, environment, loginHost, baseUrl, tab })) {
            throw new AppError('busy', REQUEST.busy);
        }

        res.cookie(cookieName(config), browser, {
            httpOnly: true,
            // Lax: the callback arrives as a cross-site top-level GET from Salesforce.
            sameSite: 'lax',
            path: '/',
            maxAge: store.limits.resultTtlMs,
        });
        const authorize = buildAuthorizeUrl({
            baseUrl,
            authorizePath: config.authorizePath,
            clientId: config.clientId,
            redirectUri: config.callbackUrl,
            state,
            codeChallenge: codeChallenge(verifier),
            nonce,
            scope: form.scope,
            prompt: form.prompt,
            loginHint: form.loginHint,
        });
        redirect(res, 302, authorize.href);
    };
}
