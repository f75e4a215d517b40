// What Salesforce's authorize endpoint shows when it will not send the person back: a plain-text or HTML
// page carrying `error=…&error_description=…`, or its OAUTH_APPROVAL_ERROR_GENERIC / OAUTH_EC_APP_NOT_FOUND
// pages. The same reader explains what a person pastes from such a page or from an address bar.
import { cleanErrorCode, cleanErrorText } from './reply.js';
import type { Reply, SalesforceError } from '../types.js';

const ERROR_PARAMS = /(?:^|[?&#\s"'>;])error=([A-Za-z0-9_.%+-]{1,80})(?:&(?:amp;)?error_description=([^&<>"\r\n]*))?/;
const PAGE_CODES = /\b(OAUTH_EC_APP_NOT_FOUND|OAUTH_APPROVAL_ERROR_GENERIC)\b(?:\s*:\s*([^<\r\n]{1,200}))?/;
// The heading an Experience Cloud site shows for OAUTH_APPROVAL_ERROR_GENERIC, without the code itself.
const GENERIC_HEADING = /OAuth Approval Error Generic/i;

function decode(value: string): string {
    try {
        return decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
        return value;
    }
}

/** The Salesforce error in a page's text or a pasted address, or undefined when there is none. */
export function readSalesforceErrorText(text: string): SalesforceError | undefined {
    const params = ERROR_PARAMS.exec(text);
    if (params) {
        const description = params[2] === undefined ? undefined : decode(params[2].replace(/&amp;/g, '&')).trim();
        return { error: cleanErrorCode(decode(params[1]!)), description: cleanErrorText(description) };
    }
    const page = PAGE_CODES.exec(text);
    if (page) return { error: page[1]!, description: cleanErrorText(page[2]?.trim()) };
    if (GENERIC_HEADING.test(text)) return { error: 'OAUTH_APPROVAL_ERROR_GENERIC' };
    return undefined;
}

/** Where Salesforce sends a person it stops after a redirect (the path on any of its hosts). */
const ERROR_PAGE_PATH = /\/setup\/secur\/RemoteAccessErrorPage\.apexp$/i;

/**
 * A redirect that stops the person: to Salesforce's RemoteAccessErrorPage (a scope the app does not allow, an
 * app not installed in the org: real orgs answer so with a 302 rather than a page), or back to the callback
 * with `error=` (RFC 6749 §4.1.2.1). A redirect anywhere else, such as a login page, lets the person go on.
 */
function readStoppingRedirect(location: string, callbackUrl: string): SalesforceError | undefined {
    let url: URL;
    try {
        url = new URL(location, 'https://salesforce.invalid');
    } catch {
        return undefined;
    }
    const callback = new URL(callbackUrl);
    const toCallback = url.origin === callback.origin && url.pathname === callback.pathname;
    if (!ERROR_PAGE_PATH.test(url.pathname) && !toCallback) return undefined;
    const error = url.searchParams.get('error');
    if (!error) return toCallback ? undefined : { error: 'OAUTH_APPROVAL_ERROR_GENERIC' };
    return { error: cleanErrorCode(error), description: cleanErrorText(url.searchParams.get('error_description')) };
}

/**
 * Salesforce's answer to an authorize request asked ahead, server-side: a redirect to its login page means it
 * would let the person log in; a redirect to its error page or to the callback with an error, or a 4xx with an
 * error on its page, means it would stop them. Anything else says nothing.
 */
export function readAuthorizeReply(reply: Reply, callbackUrl: string): SalesforceError | undefined {
    if (reply.status >= 300 && reply.status < 400) {
        const stopped = reply.location ? readStoppingRedirect(reply.location, callbackUrl) : undefined;
        return stopped && { ...stopped, httpStatus: reply.status };
    }
    if (reply.status < 400 || reply.status >= 500) return undefined;
    const found = readSalesforceErrorText(reply.body);
    return found && { ...found, httpStatus: reply.status };
}
