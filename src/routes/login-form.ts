// The login form, read and checked: which flow, where it goes, and what the flow needs. A refused value comes
// back as the same form, with what was typed and the reason next to the field it concerns.
import type { Request, Response } from 'express';
import {
    isSiteAddress,
    parseEnvironment,
    parseFlow,
    parseLoginHint,
    parseMyDomain,
    parsePrompt,
    parseScope,
    parseAudienceChoice,
    parseUsername,
} from '../input.js';
import { AppError } from '../errors.js';
import { isLoopbackHost } from '../salesforce/hosts.js';
import { FLOW } from '../messages.js';
import { indexView, type FieldError, type LoginFormValues } from '../view-model.js';
import type { Deps } from './deps.js';
import { formFields, RANDOM_ID } from './middleware.js';
import type { Environment, Flow } from '../types.js';

/**
 * `npm run simulator` rehearsal: with the login hosts on loopback (BASE_SALESFORCE_PRODUCTION_URL pointing at the
 * simulator), Custom takes the simulator's My Domain listener as `127.0.0.1:<port>`. A real login never does.
 */
function rehearsalMyDomain(config: Deps['config'], raw: string | undefined): URL | undefined {
    if (!isLoopbackHost(new URL(config.productionUrl).hostname)) return undefined;
    const m = /^(?:http:\/\/)?(127\.0\.0\.1|localhost):(\d{1,5})\/?$/.exec((raw ?? '').trim());
    return m ? new URL(`http://${m[1]}:${m[2]}`) : undefined;
}

/** Where a login goes: the login host shown to the person, and the base URL that /authorize and /token use. */
function loginTarget({ config }: Deps, environment: Environment, myDomain: string | undefined) {
    const rehearsal = rehearsalMyDomain(config, myDomain);
    if (environment === 'Custom' && rehearsal) return { loginHost: rehearsal.host, baseUrl: rehearsal.origin };
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

const LOGIN_FIELDS = [
    'flow',
    'sf_env',
    'my_domain',
    'use_my_domain',
    'username',
    'audience',
    'scope',
    'prompt',
    'login_hint',
    'tab',
];

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
        throw new FormRefusal(form, { field: 'my_domain', message: err.message, suggestion: err.suggestion });
    }
}

/** A form field's value refused: the form comes back with the reason next to that field. */
function refuseField(f: Record<string, string | undefined>, field: FieldError['field'], message: string): never {
    throw new FormRefusal(f as Partial<LoginFormValues>, { field, message });
}

/**
 * What the flow needs that the form or the configuration lacks, refused before any call: Client Credentials
 * only at a My Domain (Salesforce: it "doesn't support calls to login.salesforce.com or test.salesforce.com"),
 * and with the Consumer Secret; JWT Bearer with a username.
 */
function checkFlowNeeds(deps: Deps, f: Record<string, string | undefined>, flow: Flow, target: LoginTarget) {
    if (flow === 'client_credentials') {
        if (f.sf_env !== 'Custom') {
            refuseField({ ...f, sf_env: 'Custom' }, 'my_domain', FLOW.myDomainOnly(target.loginHost));
        }
        if (isSiteAddress(target.loginHost)) refuseField(f, 'my_domain', FLOW.notOnSite);
        if (!deps.config.clientSecret) refuseField(f, 'flow', FLOW.needsSecret);
    }
    if (flow !== 'jwt_bearer') return undefined;
    if (f.audience === 'my_domain' && (f.sf_env !== 'Custom' || isSiteAddress(target.loginHost))) {
        refuseField({ ...f, sf_env: 'Custom' }, 'my_domain', FLOW.audienceNeedsMyDomain);
    }
    try {
        return parseUsername(f.username);
    } catch (err) {
        if (err instanceof AppError) refuseField(f, 'username', err.message);
        throw err;
    }
}

type LoginTarget = ReturnType<typeof loginTarget>;

export function readLoginForm(deps: Deps, req: Request) {
    const f = formFields(req, LOGIN_FIELDS);
    // "Use acme.my.salesforce.com" on a refused form: the suggested host, for Custom.
    if (f.use_my_domain) Object.assign(f, { my_domain: f.use_my_domain, sf_env: 'Custom' });
    const flow = parseFlow(f.flow);
    const environment = parseEnvironment(f.sf_env);
    const target = myDomainTarget(deps, f, environment);
    return {
        /** What was typed, to show the form again with it if a later check refuses the login. */
        typed: f as Partial<LoginFormValues>,
        flow,
        environment,
        ...target,
        username: checkFlowNeeds(deps, f, flow, target),
        audience: parseAudienceChoice(f.audience),
        site: environment === 'Custom' && isSiteAddress(target.loginHost),
        scope: parseScope(f.scope) ?? deps.config.scope,
        prompt: parsePrompt(f.prompt) ?? deps.config.prompt,
        loginHint: parseLoginHint(f.login_hint),
        // Filled in by the page's script from sessionStorage; anything but a value it made is ignored.
        tab: f.tab !== undefined && RANDOM_ID.test(f.tab) ? f.tab : undefined,
    };
}

export type LoginForm = ReturnType<typeof readLoginForm>;

/** The login form, refused and shown again with its values and the reason. */
export class FormRefusal extends Error {
    readonly form: Partial<LoginFormValues>;
    readonly error: FieldError;

    constructor(form: Partial<LoginFormValues>, error: FieldError) {
        super('The login form was refused.');
        this.name = this.constructor.name;
        this.form = form;
        this.error = error;
    }
}

/** The form again, with what was typed and the reason next to the field it concerns. */
export function refusedForm({ config }: Deps, res: Response, refusal: FormRefusal): void {
    const page = { form: refusal.form, error: refusal.error };
    res.status(400).render('index', { v: indexView(config, page) });
}
