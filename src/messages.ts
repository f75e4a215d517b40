import type { Environment, StoreLimits } from './types.js';
// Every sentence a person reads on this app's pages, apart from the fix table (fixes.ts). Sentences
// that state a limit take it from the configured limits, so a page never states the wrong number.

function minutes(ms: number): string {
    const n = Math.round(ms / 60_000);
    return n === 1 ? '1 minute' : `${n} minutes`;
}

/** The first page's environment choices, naming the login host each really uses. */
export const ENVIRONMENT_LABELS: Record<Environment, (host: string | undefined) => string> = {
    Production: (host) => `Production (${host})`,
    Sandbox: (host) => `Sandbox (${host})`,
    Dev: (host) => `Dev: Developer Edition (${host})`,
    Custom: (host) =>
        host ? `Custom: My Domain (simulated at ${host})` : 'Custom: My Domain or Experience Cloud site',
};

/** The sentence under the environment choice, for the environment picked. */
export const ENVIRONMENT_HELP: Record<Environment, (host: string | undefined) => string> = {
    Production: (host) => `A production org logs in at ${host}, and its code is redeemed there too.`,
    Sandbox: (host) => `A sandbox (or scratch org) login goes to ${host}, and its code is redeemed there too.`,
    Dev: (host) => `A Developer Edition org logs in at ${host}, like production.`,
    Custom: () => "The org's own My Domain (or an Experience Cloud site): the login and the code both go there.",
};

/** The first page's flow choices, each with the sentence that says when to use it. */
export const FLOW_CHOICES = {
    web_server: {
        label: 'Web Server (a person logs in)',
        help: 'You log in at Salesforce in this browser; the app redeems the code with PKCE. Needs the Callback URL below.',
    },
    client_credentials: {
        label: 'Client Credentials (an integration, no person)',
        help: "The app's Consumer Key and Secret get a token for the app's Run As user. Only the org's My Domain serves it: choose Custom.",
    },
    jwt_bearer: {
        label: 'JWT Bearer (CI, sf org login jwt)',
        help: 'A JWT signed with the key in JWT_KEY_FILE gets a token for the user named below, who must be pre-authorized on the app. No browser, no secret.',
    },
} as const;

/** What the login form says about the flow it was given. */
export const FLOW = {
    unknown: (value: string) => `Unknown flow "${value}": choose web_server, client_credentials or jwt_bearer.`,
    passwordBlocked:
        "The username-password flow is not offered: Salesforce blocks it by default since Summer '23, External Client Apps do not support it, and it retires on 2027-02-20. Use Client Credentials for an integration user (the replacement Salesforce names) or JWT Bearer for CI.",
    myDomainOnly: (host: string) =>
        `Client Credentials is served only by the org's My Domain: Salesforce doesn't support it at ${host}. Choose Custom and enter the My Domain (acme.my.salesforce.com, or acme--dev.sandbox.my.salesforce.com for a sandbox).`,
    notOnSite:
        "Client Credentials is served by the org's My Domain, not by an Experience Cloud site: enter the org's My Domain (acme.my.salesforce.com).",
    needsSecret:
        'Client Credentials authenticates the app with its Consumer Secret: set CLIENT_SECRET in .env (Consumer Key and Secret on the app) and restart.',
    unknownAudience: (value: string) => `Unknown audience "${value}": choose login_host or my_domain.`,
    audienceNeedsMyDomain:
        'The My Domain as the audience needs the My Domain: choose Custom and enter it (acme.my.salesforce.com).',
    noUsername: 'Enter the username of the Salesforce user to log in as (for example integration@acme.com).',
    badUsername:
        'The username must look like an email address (name@example.com), without spaces, at most 80 characters.',
} as const;

/** What a JWT Bearer login says about its key. */
export const JWT = {
    noKeyFile:
        'JWT Bearer signs with a private key, and none is configured: run npm run jwt-key, add the JWT_KEY_FILE line it prints to .env, upload the certificate to the app, and restart.',
    unreadable: (path: string) =>
        `JWT_KEY_FILE (${path}) could not be read: check the path, or run npm run jwt-key to make a key.`,
    notAKey:
        'JWT_KEY_FILE holds no unencrypted PEM private key. Decrypt a key made with a passphrase first (openssl rsa -in server.pass.key -out server.key).',
    notRsa: (type: string) => `JWT_KEY_FILE holds an ${type} key; Salesforce verifies RS256 only, with an RSA key.`,
    tooShort: (bits: number) =>
        `JWT_KEY_FILE holds a ${bits}-bit RSA key; Salesforce needs at least 2048 bits. Run npm run jwt-key for a new one.`,
} as const;

/** What the first page, the host check and the form checks say. */
export const REQUEST = {
    unknownHost: 'This app answers only on localhost and 127.0.0.1.',
    wrongAddress: (origin: string) => `Open the app at ${origin}: the login is bound to that address.`,
    notSameOrigin: "This request did not come from this app's own page, so it was refused.",
    unexpectedField: (name: string) => `Unexpected form field "${name.slice(0, 40)}".`,
    repeatedField: (name: string) => `The field "${name}" was sent more than once.`,
    loginMethod: 'Start a login from the form on the first page.',
    callbackMethod: 'Salesforce returns to /callback with a GET.',
    actionMethod: 'Use the buttons on the result page.',
    notFound: (path: string) => `There is no page at ${path}.`,
    refusedAtAuthorize: (host: string) =>
        `Salesforce would stop this login on its own page at ${host}, so you were not sent there. Here is what it said and how to fix it.`,
    explained: 'Salesforce showed this error. Here is what it means and how to fix it.',
    nothingToExplain:
        'No Salesforce error was found in what you pasted. Paste the address from the address bar (it contains error=…) or the text of the page.',
    duplicateCookie:
        "This request carries this app's cookie more than once, so it was refused. Clear the cookies for localhost and start again.",
    busy: 'Too many logins are waiting for Salesforce right now. Finish or close the others, or try again in a few minutes.',
    tooLarge: 'The form sent more data than this app accepts.',
    unreadable: 'The request could not be read.',
    internal: 'Something went wrong inside sf-oauth-auth.',
} as const;

/** What /callback says when the sign-in response cannot be used. */
export function callbackMessages(limits: StoreLimits) {
    const ttl = minutes(limits.pendingTtlMs);
    return {
        malformed: 'This is not a valid sign-in response: a parameter is repeated or malformed. Start again.',
        missingState:
            'This sign-in response has no state, so it cannot be matched to a login started here. Start again.',
        no_login_in_progress: `No login is in progress in this browser (or it expired after ${ttl}). Start the login from the first page of this app, in this browser.`,
        state_mismatch: `This sign-in response does not match any login started in this browser (a browser keeps its ${limits.maxPendingPerBrowser} newest logins). Start again from the first page.`,
        state_already_used: 'This sign-in response was already used (a reload or a second tab). Start a new login.',
        login_expired: `This login expired: more than ${ttl} passed since it started. Start again.`,
        issuerMismatch: 'This sign-in response names another issuer than the login host it was sent to.',
        tokensInUrl: 'This sign-in response carries tokens in the URL; only the authorization code flow is supported.',
        notAuthorized: (loginHost: string) => `Salesforce did not authorize the login at ${loginHost}.`,
        missingCode: 'This sign-in response has neither a code nor an error. Start again.',
        badCode: 'The authorization code in this response is not valid. Start again.',
        tabMismatch:
            'This sign-in response was not started in this browser tab, so its code was not used. If you started the login yourself, start it again and finish it in the same tab.',
        tabGone: 'This sign-in was already finished, or waited too long for this tab. Start again.',
    } as const;
}

/** What the result page and its actions say. */
export const RESULT = {
    notFound:
        'This result is not here: results live in memory, only in the browser that logged in, until the app restarts. Log in again.',
    revoked: 'These tokens were revoked. Log in again to get new ones.',
    emptySoql: 'Enter a SOQL query, for example SELECT Id, Name FROM Account LIMIT 5.',
    longSoql: 'This query is longer than 4000 characters; shorten it.',
    refreshed: (rotated: boolean, issuedAt: string | undefined) =>
        `Refreshed: a new access token was issued${issuedAt ? ` at ${issuedAt}` : ''}${rotated ? ', and Salesforce rotated the refresh token (the new one is kept)' : ''}.`,
    revokedOk: (loginHost: string, hadRefreshToken: boolean) =>
        `Revoked at ${loginHost}: the ${hadRefreshToken ? 'refresh token and its access tokens are' : 'access token is'} no longer valid, and the tokens were forgotten here.`,
    revokeRefused: (error: string, description: string | undefined) =>
        `Salesforce answered ${error}${description ? ` (${description})` : ''}: the token was probably already revoked or expired. The tokens were forgotten here.`,
    identityFailed: 'the identity call failed.',
    flowNames: {
        web_server: 'Web Server flow',
        client_credentials: 'Client Credentials flow',
        jwt_bearer: 'JWT Bearer flow',
    },
    whyNoRefreshToken: {
        web_server:
            "No refresh token was issued: add the refresh_token (or offline_access) scope to the app's Selected OAuth Scopes, and to the Scopes field if you set it, then log in again.",
        client_credentials:
            'Client Credentials never issues a refresh token (nor an id_token): when this access token expires, get a new one from the first page.',
        jwt_bearer:
            'JWT Bearer never issues a refresh token: when this access token expires, sign a new assertion (get a token again from the first page), as sf org login jwt does.',
    },
    runAs: (username: string) => `The app's Run As user: every call with this token acts as ${username}.`,
    noKeyFilePath: '<path to the key in JWT_KEY_FILE>',
    sfdxUrlIntro:
        'The SFDX auth URL carries the Consumer Secret and the refresh token: keep it private. Copy it, then run the line below, which reads it from the clipboard (so it stays out of your shell history):',
    sfdxUrlThen: 'Log the CLI in with it:',
    sfJwtIntro: 'Log the CLI in the same way (JWT Bearer, with the same key):',
    sfAccessTokenIntro:
        'Or with the access token alone: the CLI asks for it at a prompt that does not echo it (paste it there):',
    sfCliChecked: (version: string) => `These lines were checked against ${version}.`,
    recordCount: (n: number) => `${n} ${n === 1 ? 'record' : 'records'}`,
    simulatedData:
        'The simulated org holds 6 Accounts (Id, Name, Industry, BillingCity, Type, CreatedDate) and 8 Contacts (Id, FirstName, LastName, Name, Email, AccountId, CreatedDate). It understands SELECT with fields or COUNT(), FROM Account or Contact, ORDER BY one field, and LIMIT; anything else gets the error Salesforce would give for a query it cannot parse.',
    checkedAt: (clock: string) => `checked at ${clock}`,
    introspectionFailed: 'the introspection call failed',
    idTokenVerified: 'Verified: signature, issuer, audience, expiry and nonce all check out',
    idTokenFailed: (reason: string) => `Not verified, so not shown as your identity: ${reason.replace(/\.$/, '')}.`,
    statusActive: 'Active',
    statusChecking: 'Checking with Salesforce…',
    statusInactive: 'Not active: Salesforce no longer accepts this access token',
    statusNeedsSecret:
        'Not checked: Salesforce answers introspection only with the Consumer Secret. Set CLIENT_SECRET to see it.',
    statusRefused: (error: string) => `Not checked: Salesforce refused introspection (${error})`,
    statusUnknown: (why: string) => `Not checked: ${why}`,
    signatureVerified: 'Verified with CLIENT_SECRET',
    publicClient: 'Not verified: no CLIENT_SECRET is configured (public client)',
} as const;

/** What the calls to Salesforce say when an answer cannot be used; `what` names the call. */
export const SALESFORCE = {
    redirect: (what: string, status: number) =>
        `Salesforce answered the ${what} with a redirect (HTTP ${status}) instead of a token. ` +
        `Check that the login host and TOKEN_URL are right and use https://.`,
    empty: (what: string, status: number) => `Salesforce answered the ${what} with an empty response (HTTP ${status}).`,
    refused: (what: string) => `Salesforce refused the ${what}.`,
    errorWithoutCode: (what: string, status: number) =>
        `Salesforce answered the ${what} with an error (HTTP ${status}) and no OAuth error code.`,
    notJson: (what: string) => `Salesforce answered the ${what} with something that is not a JSON token response.`,
    notText: (field: string) => `Salesforce sent a token response whose ${field} is not text.`,
    noAccessToken: (what: string) => `Salesforce's answer to the ${what} has no access token.`,
    notBearer: (what: string) => `Salesforce's answer to the ${what} has an unsupported token type.`,
    untrustedUrl: (what: string) =>
        `Salesforce's answer to the ${what} names an instance or identity URL that is not an https:// Salesforce address.`,
    badSignature: (what: string) =>
        `The signature of Salesforce's answer to the ${what} could not be verified with CLIENT_SECRET, ` +
        `so the token is not shown. Check that CLIENT_SECRET is the Consumer Secret of this app.`,
    noSignature: (what: string) =>
        `Salesforce's answer to the ${what} has no signature, although Salesforce signs every answer to an app ` +
        `with a Consumer Secret, so the token is not shown. Check that the login host is really Salesforce.`,
    badTokenCharacters: (what: string) =>
        `Salesforce's answer to the ${what} has a token with spaces or control characters, so it is not shown.`,
    noKeys: (status: number) => `The login host's /id/keys answered HTTP ${status} without a key set.`,
    introspectStatus: (status: number) =>
        `Salesforce's introspection endpoint answered HTTP ${status} without saying whether the token is active.`,
    revokeStatus: (status: number) => `Salesforce answered the revoke request with HTTP ${status}.`,
    identityStatus: (status: number, badToken: boolean) =>
        `the identity URL answered HTTP ${status}${badToken ? ' (Bad_OAuth_Token: the access token is not valid)' : ''}.`,
    noVersions: (status: number) =>
        `Salesforce's /services/data/ answered HTTP ${status} without a list of API versions.`,
    tableCut: (rows: number, allRows: number, columns: number, allColumns: number) => {
        const parts = [];
        if (rows < allRows) parts.push(`the first ${rows} of ${allRows} records`);
        if (columns < allColumns) parts.push(`the first ${columns} of ${allColumns} columns`);
        return parts.length > 0 ? `Showing ${parts.join(' and ')}; long values are cut.` : undefined;
    },
    queryStatus: (status: number) => `Salesforce answered HTTP ${status}.`,
    timeout: (host: string, ms: number) =>
        `Salesforce (${host}) did not answer within ${ms} ms (HTTP_TIMEOUT_MS, the limit for all of a page's calls).`,
    tooLarge: (host: string) => `Salesforce (${host}) sent a response that is too large.`,
    unreadable: (host: string) => `Salesforce (${host}) sent a compressed response that could not be unpacked.`,
    unreachable: (host: string, why: string) => `Could not reach Salesforce at ${host}: ${why}.`,
    proxyRefused: (proxy: string, host: string, status: number) =>
        `The proxy ${proxy} (HTTPS_PROXY) refused to open a tunnel to ${host} (HTTP ${status}), so Salesforce was not reached. What the proxy answered is not shown: ask whoever runs it to allow ${host}, or set NO_PROXY.`,
    why: {
        ENOTFOUND: 'the host name does not resolve',
        ECONNREFUSED: 'the connection was refused',
        tls: 'its TLS certificate is not trusted (behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA)',
        other: 'the connection failed',
    },
} as const;

/** The error page's heading, by what kind of failure it is. */
export function errorTitle(code: string, status: number): string {
    if (code === 'internal') return 'Something went wrong';
    if (code === 'explained') return "What Salesforce's message means";
    if (status === 404) return 'Not found';
    if (code === 'salesforce_error') return 'Salesforce refused the request';
    if (code === 'busy') return 'Too many logins at once';
    if (status >= 500) return 'Salesforce could not be used';
    return 'This did not work';
}
