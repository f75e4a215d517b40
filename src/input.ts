// Validation of what a person types into the login form (and the matching .env defaults).
// Each function returns the clean value or throws an AppError with a message fit for the page.
import { AppError } from './errors.js';
import { FLOW } from './messages.js';
import type { Environment, Flow } from './types.js';
import { hasSuffix, isIpAddress, LOOKALIKE_SUFFIXES, MY_DOMAIN_SUFFIXES, SITE_SUFFIXES } from './salesforce/hosts.js';

export const ENVIRONMENTS: readonly Environment[] = ['Production', 'Sandbox', 'Dev', 'Custom'];

/** `Dev` is a Developer Edition org: it logs in at the production host, as in the tutorial. */
export function parseEnvironment(raw: string | undefined): Environment {
    if (raw === undefined || raw.trim() === '') {
        throw new AppError('bad_request', 'Choose an environment: Production, Sandbox, Dev or Custom (My Domain).');
    }
    const found = ENVIRONMENTS.find((e) => e.toLowerCase() === raw.trim().toLowerCase());
    if (!found) {
        throw new AppError(
            'bad_request',
            `Unknown environment "${raw.slice(0, 40)}": choose Production, Sandbox, Dev or Custom.`,
        );
    }
    return found;
}

const LABEL = /^(?!-)(?!xn--)[a-z0-9-]{1,63}(?<!-)$/;

function notMyDomain(detail: string): AppError {
    return new AppError(
        'bad_request',
        `That is not a Salesforce My Domain host: ${detail} Enter it like acme.my.salesforce.com or ` +
            `acme--dev.sandbox.my.salesforce.com (Setup → My Domain shows yours).`,
    );
}

/**
 * Experience Cloud sites keep their OAuth endpoints under the site's path (Salesforce help, "OAuth
 * Endpoints": `https://acme.my.site.com/partners/services/oauth2/authorize`), so a site host may carry one.
 */
const SITE_PATH = /^(?:\/[a-z0-9_-]{1,80}){1,3}$/;

function isSiteHost(host: string): boolean {
    return SITE_SUFFIXES.some((s) => hasSuffix(host, s));
}

/** Splits `host/path` into the host and a site path, refusing a path anywhere but on a site host. */
function splitSitePath(address: string): { host: string; path: string } {
    const slash = address.indexOf('/');
    if (slash === -1) return { host: address, path: '' };
    const host = address.slice(0, slash);
    const path = address.slice(slash).replace(/\/$/, '');
    if (path === '' || (isSiteHost(host) && SITE_PATH.test(path))) return { host, path };
    throw notMyDomain(
        'enter the host only, without a path, query or fragment (only an Experience Cloud site has a path).',
    );
}

/**
 * Accepts `acme.my.salesforce.com`, `https://acme.my.salesforce.com/` or an Experience Cloud site such as
 * `acme.my.site.com/partners`; returns the lowercased host, followed by the site's path if it has one.
 */
export function parseMyDomain(raw: string | undefined): string {
    const input = (raw ?? '').trim();
    if (input === '') {
        throw new AppError('bad_request', 'Enter your My Domain host, for example acme.my.salesforce.com.');
    }
    if (input.length > 300) throw notMyDomain('it is too long.');
    if (/[\u0000-\u001f\u007f-\u009f\s]/.test(input)) throw notMyDomain('it contains spaces or control characters.');

    let host = input.toLowerCase();
    if (host.startsWith('https://')) {
        host = host.slice('https://'.length);
        if (host.endsWith('/')) host = host.slice(0, -1);
    } else if (host.startsWith('http://')) {
        throw notMyDomain('Salesforce logins need https://, not http://.');
    } else if (host.includes('://') || /^[a-z][a-z0-9+.-]*:(?!\d)/.test(host)) {
        throw notMyDomain('only https:// addresses are accepted.');
    }

    if (host.includes('@') || host.includes('\\')) throw notMyDomain('it must not contain "@" or "\\".');
    if (/[?#]/.test(host)) throw notMyDomain('enter the host only, without a path, query or fragment.');
    const { path } = splitSitePath(host);
    host = host.slice(0, host.length - path.length).replace(/\/$/, '');
    if (host.includes(':') || host.startsWith('[')) throw notMyDomain('enter the host without a port.');
    if (isIpAddress(host)) throw notMyDomain('IP addresses are not login hosts.');
    if (host === 'localhost' || host.endsWith('.localhost')) throw notMyDomain('localhost is not a login host.');
    if (host.endsWith('.')) throw notMyDomain('remove the trailing dot.');
    const labels = host.split('.');
    if (host.length > 253 || !labels.every((l) => LABEL.test(l))) {
        throw notMyDomain('it is not a valid host name (letters, digits and hyphens; no punycode).');
    }

    for (const [lookalike, login] of LOOKALIKE_SUFFIXES) {
        if (hasSuffix(host, lookalike)) {
            const suggestion = host.slice(0, -lookalike.length) + login;
            throw new AppError(
                'bad_request',
                `${host} is the address of Salesforce pages, not a login host. Use ${suggestion} instead.`,
                { suggestion },
            );
        }
    }
    if (host === 'login.salesforce.com' || host === 'test.salesforce.com') {
        throw new AppError(
            'bad_request',
            `${host} is not a My Domain: choose ${host.startsWith('test') ? 'Sandbox' : 'Production'} instead.`,
        );
    }
    // The suffix must end the host and have a label before it, so `acme.my.salesforce.com.evil.com` fails.
    if (!MY_DOMAIN_SUFFIXES.some((s) => hasSuffix(host, s)) && !isSiteHost(host)) {
        throw notMyDomain(`${host} does not end in ${MY_DOMAIN_SUFFIXES.join(', ')}.`);
    }
    return host + path;
}

// RFC 6749 §3.3 scope-token characters; Salesforce's own scopes are lowercase words with underscores.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/** Space-separated scopes; empty means "the scopes configured on the app". */
export function parseScope(raw: string | undefined, name = 'scope'): string | undefined {
    const tokens = (raw ?? '').trim().split(/ +/).filter(Boolean);
    if (tokens.length === 0) return undefined;
    if (tokens.length > 30 || !tokens.every((t) => SCOPE_TOKEN.test(t))) {
        throw new AppError(
            'bad_request',
            `The ${name} must be scope names separated by spaces, such as "api refresh_token web".`,
        );
    }
    return [...new Set(tokens)].join(' ');
}

export const PROMPTS = ['login', 'consent', 'select_account'];

export function parsePrompt(raw: string | undefined, name = 'prompt'): string | undefined {
    const values = (raw ?? '').trim().split(/ +/).filter(Boolean);
    if (values.length === 0) return undefined;
    if (!values.every((v) => PROMPTS.includes(v))) {
        throw new AppError('bad_request', `The ${name} must be one or more of: ${PROMPTS.join(', ')}.`);
    }
    return [...new Set(values)].join(' ');
}

export function parseLoginHint(raw: string | undefined): string | undefined {
    const hint = (raw ?? '').trim();
    if (hint === '') return undefined;
    if (hint.length > 254 || /[\u0000-\u001f\u007f-\u009f\s]/.test(hint)) {
        throw new AppError('bad_request', 'The login hint must be a username (an email-like value) without spaces.');
    }
    return hint;
}

/** Whether a parsed Custom address (host, then a path for a site) is an Experience Cloud site. */
export function isSiteAddress(address: string): boolean {
    return isSiteHost(address.split('/')[0]!);
}

export const FLOWS: readonly Flow[] = ['web_server', 'client_credentials', 'jwt_bearer'];

/**
 * The flow picked on the first page. The username-password flow is refused with the reason: Salesforce blocks it
 * by default since Summer '23 and retires it on 2027-02-20 (help, "Username-Password Flow Retirement"), and this
 * app never asks for a password.
 */
export function parseFlow(raw: string | undefined): Flow {
    const value = (raw ?? '').trim();
    if (value === '') return 'web_server';
    const found = FLOWS.find((f) => f === value);
    if (found) return found;
    if (/^(?:password|username[_-]?password)$/i.test(value)) throw new AppError('bad_request', FLOW.passwordBlocked);
    throw new AppError('bad_request', FLOW.unknown(value.slice(0, 40)));
}

/** Which `aud` a JWT Bearer assertion names: the login host of the org's kind, or the org's My Domain itself. */
type AudienceChoice = 'login_host' | 'my_domain';

export function parseAudienceChoice(raw: string | undefined): AudienceChoice {
    const value = (raw ?? '').trim();
    if (value === '' || value === 'login_host') return 'login_host';
    if (value === 'my_domain') return 'my_domain';
    throw new AppError('bad_request', FLOW.unknownAudience(value.slice(0, 40)));
}

/** A Salesforce username: shaped like an email address, at most 80 characters (help, "Usernames"). */
export function parseUsername(raw: string | undefined): string {
    const username = (raw ?? '').trim();
    if (username === '') throw new AppError('bad_request', FLOW.noUsername);
    if (username.length > 80 || !/^[^\s@]+@[^\s@]+$/.test(username)) {
        throw new AppError('bad_request', FLOW.badUsername);
    }
    return username;
}
