// GET / shows the form; POST /login starts a login and sends the browser to Salesforce's authorize page.
import type { RequestHandler } from 'express';
import { codeChallenge, randomToken } from '../crypto.js';
import { AppError } from '../errors.js';
import { REQUEST } from '../messages.js';
import { indexView } from '../view-model.js';
import { buildAuthorizeUrl } from '../oauth/authorize.js';
import { readSalesforceErrorText } from '../salesforce/authorize-page.js';
import type { Deps } from './deps.js';
import { directLogin } from './direct-login.js';
import { FormRefusal, readLoginForm, refusedForm } from './login-form.js';
import { browserId, formFields, redirect, setBrowserCookie } from './middleware.js';

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

export function login(deps: Deps): RequestHandler {
    const { config, store, preflight } = deps;
    return async (req, res) => {
        let form;
        try {
            form = readLoginForm(deps, req);
        } catch (err) {
            if (!(err instanceof FormRefusal)) throw err;
            return refusedForm(deps, res, err);
        }
        if (form.flow !== 'web_server') return directLogin(deps, req, res, form);
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
        setBrowserCookie(deps, res, browser);
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
