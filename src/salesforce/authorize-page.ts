// What Salesforce's authorize endpoint shows when it will not send the person back: a plain-text or HTML
// page carrying `error=…&error_description=…`, or its OAUTH_APPROVAL_ERROR_GENERIC / OAUTH_EC_APP_NOT_FOUND
// pages. The same reader explains what a person pastes from such a page or from an address bar.
import { cleanErrorCode, cleanErrorText } from './reply.js';
import type { Reply, SalesforceError } from '../types.js';

const ERROR_PARAMS = /(?:^|[?&#\s"'>;])error=([A-Za-z0-9_.%+-]{1,80})(?:&(?:amp;)?error_description=([^&<>"\r\n]*))?/;
const PAGE_CODES = /\b(OAUTH_EC_APP_NOT_FOUND|OAUTH_APPROVAL_ERROR_GENERIC)\b(?:\s*:\s*([^<\r\n]{1,200}))?/;
// Guessed from the My Domain setting's name ("Prevent login from https://login.salesforce.com"); the exact
// wording of Salesforce's page is not documented.
const LOGIN_HOST_REFUSED = /prevent(?:ed)? login from|log in (?:with|using) your (?:company's )?(?:custom|my) domain/i;

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
    if (LOGIN_HOST_REFUSED.test(text)) return { error: 'login_host_refused' };
    return undefined;
}

/**
 * Salesforce's answer to an authorize request asked ahead, server-side: a redirect (to its login page or
 * to the callback) means it would let the person log in; a 4xx with an error on its page means it would
 * stop them there. Anything else says nothing.
 */
export function readAuthorizeReply(reply: Reply): SalesforceError | undefined {
    if (reply.status < 400 || reply.status >= 500) return undefined;
    const found = readSalesforceErrorText(reply.body);
    return found && { ...found, httpStatus: reply.status };
}
