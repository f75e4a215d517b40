// The JWT Bearer assertion (RFC 7523 §3; Salesforce help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server
// Integration"): RS256, iss = the Consumer Key, sub = the username, aud = the authorization server, exp within
// three minutes. The claims are a pure function of the login; signing uses jose with the key in memory.
import type { KeyObject } from 'node:crypto';
import { orgKind } from '../salesforce/hosts.js';
import type { AssertionShown, Environment } from '../types.js';

/** Salesforce: "The validity must be the expiration time of the assertion within 3 minutes". */
export const ASSERTION_LIFETIME_S = 180;

export interface AudienceInput {
    environment: Environment;
    /** The login host shown (a My Domain, a site with its path). */
    loginHost: string;
    /** Where the token request goes. */
    baseUrl: string;
    productionUrl: string;
    sandboxUrl: string;
    /** Whether the Custom address is an Experience Cloud site. */
    site: boolean;
    /** `my_domain`: the org's My Domain itself, which some External Client Apps require since Spring '26. */
    audience?: 'login_host' | 'my_domain';
}

/**
 * Salesforce: "Use the authorization server's URL for the audience value: https://login.salesforce.com,
 * https://test.salesforce.com, or https://site.force.com/customers if implementing for an Experience Cloud site."
 * A My Domain takes the login host of its kind (a sandbox's or scratch org's is test.salesforce.com), even
 * though the token request goes to the My Domain; or, when asked, the My Domain itself: External Client Apps in
 * some orgs since Spring '26 refuse the login hosts as the audience (`app_not_found`) and want their My Domain.
 */
export function audienceFor(input: AudienceInput): string {
    const { environment, loginHost, baseUrl, productionUrl, sandboxUrl } = input;
    if (environment === 'Custom' && (input.site || input.audience === 'my_domain')) return baseUrl.replace(/\/+$/, '');
    const kind = orgKind(environment, loginHost);
    return kind === 'Sandbox' || kind === 'Scratch org' ? sandboxUrl : productionUrl;
}

interface AssertionInput {
    clientId: string;
    username: string;
    audience: string;
    nowMs: number;
}

/** The header and claims of the assertion, which the result page shows as they were sent. */
export function assertionContent({ clientId, username, audience, nowMs }: AssertionInput): AssertionShown {
    return {
        header: { alg: 'RS256' },
        claims: { iss: clientId, sub: username, aud: audience, exp: Math.floor(nowMs / 1000) + ASSERTION_LIFETIME_S },
    };
}

/** The compact JWS of the assertion (RFC 7515 §7.1), signed RSASSA-PKCS1-v1_5 with SHA-256. */
export async function signAssertion(content: AssertionShown, privateKey: KeyObject): Promise<string> {
    // jose is loaded on the first assertion, not at start-up.
    const { SignJWT } = await import('jose');
    return new SignJWT(content.claims).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
}
