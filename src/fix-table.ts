// The fix table: each Salesforce error this flow can meet, its usual cause and the exact fix.
import type { SalesforceError } from './types.js';

export interface FixContext {
    callbackUrl: string;
    /** The login host the failed login or call used, when known. */
    loginHost?: string;
}

export interface Fix {
    cause: string;
    steps: string[];
    /** Something to know rather than to do, shown after the steps. */
    note?: string;
}

export interface Row {
    error: string;
    /** Matches only this grant's refusals (the same words mean another thing on a refresh). */
    grant?: SalesforceError['grant'];
    /** What happened, in words a person uses: the error page's heading. */
    headline?: string;
    /** Matches error_description; a row without one matches any description of that code. */
    description?: RegExp;
    explain(ctx: FixContext): Fix;
}

/** The advice for errors that come from logging in at the wrong kind of org. */
export function realmHint(ctx: FixContext): string {
    const where = ctx.loginHost ? ` This login used ${ctx.loginHost}.` : '';
    return `Pick the environment the org really is: Sandbox for a sandbox or a scratch org (test.salesforce.com), Production or Dev for a production or Developer Edition org (login.salesforce.com), Custom for its My Domain.${where}`;
}

// External Client Apps are the self-service path since Spring '26, so their screens come first.
const TAKES_TIME = 'Changes to an External Client App or Connected App can take up to 10 minutes to take effect.';
const APP_SETTINGS =
    'Setup → External Client App Manager → your app → Settings → OAuth Settings (Connected App: Setup → App Manager → your app → Edit)';
const CONSUMER_DETAILS =
    'Setup → External Client App Manager → your app → Settings → OAuth Settings → Consumer Key and Secret (Connected App: App Manager → your app → Manage Consumer Details)';
const POLICIES =
    'Setup → External Client App Manager → your app → Policies (Connected App: App Manager → your app → Manage → Edit Policies)';
const PERMITTED =
    'Setup → External Client App Manager → your app → Policies → App Policies → Select Profiles or Permission Sets (Connected App: App Manager → your app → Manage → Manage Profiles or Manage Permission Sets)';

export const FIXES: readonly Row[] = [
    {
        error: 'redirect_uri_mismatch',
        headline: 'Salesforce does not know this callback URL',
        explain: (ctx) => ({
            cause: 'The callback URL this app sent is not byte-for-byte one of the Callback URLs registered on the app.',
            steps: [
                `In ${APP_SETTINGS}, set Callback URL to exactly ${ctx.callbackUrl}`,
                'localhost and 127.0.0.1 are different to Salesforce, and so are the port, http vs https and a trailing slash. If you changed APP_URL or APP_PORT, register the new URL.',
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'invalid_client_id',
        headline: 'Salesforce does not know this Consumer Key',
        explain: (ctx) => ({
            cause: 'Salesforce does not know this consumer key on this login host: it is mistyped, the app is brand new or just edited, or the app lives in another org.',
            steps: [
                `Copy the Consumer Key from ${CONSUMER_DETAILS} into CLIENT_ID in .env, then restart.`,
                realmHint(ctx),
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'invalid_client',
        description: /must be installed/i,
        explain: () => ({
            cause: 'Since September 2025 Salesforce blocks connected apps that are not installed in the org.',
            steps: [
                'Setup → Connected Apps OAuth Usage → find the app → Install.',
                'Or give the user the permission "Approve Uninstalled Connected Apps" (System Administrators have it).',
            ],
        }),
    },
    {
        error: 'invalid_client',
        headline: 'Salesforce refused the Consumer Secret',
        explain: () => ({
            cause: 'The consumer secret is wrong or missing while the app requires one ("Require Secret for Web Server Flow").',
            steps: [
                `Copy the Consumer Secret from ${CONSUMER_DETAILS} into CLIENT_SECRET in .env, then restart.`,
                'To use the app as a public client with PKCE and no secret, leave CLIENT_SECRET empty and untick "Require Secret for Web Server Flow" (and "Require Secret for Refresh Token Flow").',
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'invalid_grant',
        grant: 'refresh_token',
        description: /expired authorization code/i,
        headline: 'Salesforce refused this refresh',
        explain: () => ({
            cause: "Real orgs answered a refresh this way (before Winter '25) when another refresh with the same refresh token was still being answered: two tabs, a double click or a retry.",
            steps: [
                'Reload the result page: the other refresh usually succeeded, and its token is the one to use.',
                'In your own code, send one refresh at a time for each refresh token.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /^inactive user$/i,
        headline: 'This user is inactive',
        explain: () => ({
            cause: 'The user who logged in is deactivated or frozen, so Salesforce issues no token for them.',
            steps: [
                'In Setup → Users, activate (or unfreeze) the user, then log in again.',
                'Or log in as another user: choose the prompt "login" on the first page to get a fresh login form.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /activation secret invalid/i,
        explain: () => ({
            cause: "Salesforce did not accept this login's identity verification: the verification code was wrong, expired or already used.",
            steps: [
                'Log in again and enter the newest code Salesforce sends: each code works once, for a few minutes.',
                "If no code arrives, check the user's email address and verification methods in Setup → Users.",
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /invalid user credentials/i,
        explain: () => ({
            cause: "Salesforce refused the user's credentials: a wrong, expired or locked-out password, or a client that sends a username and password (the username-password flow, blocked by default since Summer '23).",
            steps: [
                'Log in to the org in a browser as this user to check the password and any lockout.',
                'Use the web server flow this app uses; for a server without a person, use the Client Credentials or JWT Bearer flow.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /^$/,
        explain: (ctx) => ({
            cause: 'Salesforce refused the grant without saying why. Real orgs answered so for a code redeemed at another host than the one that issued it, or a code already used.',
            steps: ['Start the login again and finish it once, in one tab.', realmHint(ctx)],
        }),
    },
    {
        error: 'invalid_grant',
        description: /expired authorization code/i,
        explain: () => ({
            cause: 'The authorization code was already used, or more than 15 minutes passed between login and exchange.',
            steps: ['Start the login again from the first page and finish it within 15 minutes.'],
        }),
    },
    {
        error: 'invalid_grant',
        description: /authentication failure/i,
        explain: (ctx) => ({
            cause: 'The code was redeemed in another realm than the one that issued it (a sandbox code at login.salesforce.com, or the reverse), or the user cannot log in.',
            steps: [
                realmHint(ctx),
                'Check that the user is active and can log in to the org in a browser.',
                'An org with "Prevent login from https://login.salesforce.com" (Setup → My Domain) refuses the generic login hosts, and Salesforce\'s page then looks like a wrong password: choose Custom with the org\'s My Domain.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /code verifier/i,
        explain: () => ({
            cause: 'The PKCE code_verifier did not match the code_challenge of this login.',
            steps: [
                'Start the login again in this browser: each login has its own verifier, kept by this app.',
                'If it keeps happening, check that nothing between the app and Salesforce rewrites AUTHORIZE_URL or TOKEN_URL.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /expired access\/refresh token/i,
        explain: () => ({
            cause: "The refresh token was revoked or expired under the app's Refresh Token Policy, replaced by rotation, or revoked because the same user approved the app more than 5 times (a sixth login revokes the oldest refresh token).",
            steps: [
                'Log in again to get a new refresh token.',
                'With Refresh Token Rotation on, use only the newest refresh token: reusing an older one revokes them all.',
                `To keep refresh tokens longer, set Refresh Token Policy in ${POLICIES} (for example "Refresh token is valid until revoked").`,
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /ip restricted|login hours/i,
        explain: () => ({
            cause: "The user's profile does not allow a login from this IP address or at this hour.",
            steps: [
                "Check Login IP Ranges and Login Hours on the user's profile.",
                `Or set IP Relaxation to "Relax IP restrictions" in ${POLICIES}.`,
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /approved this consumer/i,
        explain: () => ({
            cause: 'The user has not approved this app, and it is not pre-authorized for them.',
            steps: [
                `In ${POLICIES}, set Permitted Users to "Admin approved users are pre-authorized", then add the user's profile or permission set under Manage Profiles / Manage Permission Sets.`,
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /already being processed/i,
        explain: () => ({
            cause: 'Salesforce refuses a second token request with the same code or refresh token while the first is being answered (a double click, a retry, or two tabs at once).',
            steps: [
                'Wait a moment: the first request usually succeeded. Reload the result page, or log in again.',
                'In your own code, send one refresh at a time for each refresh token.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        explain: (ctx) => ({
            cause: 'Salesforce refused the grant: usually a used or expired code, a realm mix-up, or a user who cannot log in.',
            steps: ['Start the login again.', realmHint(ctx)],
        }),
    },
    {
        error: 'invalid_request',
        description: /code challenge/i,
        explain: () => ({
            cause: 'The app or org requires PKCE and the authorize request arrived without a code_challenge.',
            steps: [
                'This app always sends an S256 code_challenge: check that AUTHORIZE_URL is /services/oauth2/authorize and that nothing in between strips parameters.',
            ],
        }),
    },
    {
        error: 'invalid_request',
        explain: () => ({
            cause: 'Salesforce found the request malformed (for example not over https, or a parameter it did not accept).',
            steps: [
                'Check that BASE_SALESFORCE_* URLs start with https:// and that AUTHORIZE_URL and TOKEN_URL are the defaults.',
            ],
        }),
    },
    {
        error: 'OAUTH_APP_ACCESS_DENIED',
        headline: 'This user is not allowed to use the app',
        explain: () => ({
            cause: "The app admits only pre-authorized users, and this user's profile or permission set is not assigned to it.",
            steps: [
                `${PERMITTED} → add the user's profile, for example "Service API User".`,
                `Or in ${POLICIES} set Permitted Users to "All users may self-authorize".`,
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'invalid_app_access',
        explain: () => ({
            cause: 'The user is not admin approved to access this app.',
            steps: [`${PERMITTED} → add the user's profile or permission set.`],
        }),
    },
    {
        error: 'OAUTH_APP_BLOCKED',
        headline: 'An administrator blocked the app',
        explain: () => ({
            cause: 'An administrator blocked this app in the org.',
            steps: ['Setup → Connected Apps OAuth Usage → find the app → Unblock.'],
        }),
    },
    {
        error: 'app_not_found',
        headline: 'The External Client App is not installed in this org',
        explain: (ctx) => ({
            cause: 'The External Client App is not installed in the org this login went to: it lives in another org, or its package was not installed here.',
            steps: [
                'Log in to the org that owns the app (check the environment or My Domain), or install the app in this org: Setup → External Client App Manager.',
                realmHint(ctx),
            ],
        }),
    },
    {
        error: 'OAUTH_EC_APP_NOT_FOUND',
        explain: (ctx) => ({
            cause: 'No External Client App with this consumer key is available in the org you logged in to.',
            steps: [
                "Check CLIENT_ID against the External Client App's consumer key, and that the app is enabled in this org.",
                realmHint(ctx),
            ],
        }),
    },
    {
        error: 'invalid_scope',
        headline: 'The app does not allow a requested scope',
        explain: () => ({
            cause: "A requested scope is not among the app's Selected OAuth Scopes (often refresh_token or openid).",
            steps: [
                `Add the scope in ${APP_SETTINGS} → Selected OAuth Scopes (for this tool: api, refresh_token/offline_access, web), or`,
                'remove it from the Scope field or from SCOPE in .env (empty means every scope the app has).',
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'unsupported_grant_type',
        explain: () => ({
            cause: 'Salesforce did not see grant_type: usually the token request went to http:// and was redirected, which drops the body.',
            steps: [
                'Make BASE_SALESFORCE_PRODUCTION_URL and BASE_SALESFORCE_SANDBOX_URL start with https:// and keep TOKEN_URL=/services/oauth2/token.',
            ],
        }),
    },
    {
        error: 'unsupported_response_type',
        explain: () => ({
            cause: 'The authorize endpoint did not accept response_type=code.',
            steps: ['Keep AUTHORIZE_URL=/services/oauth2/authorize.'],
        }),
    },
    {
        error: 'redirect_uri_missing',
        explain: (ctx) => ({
            cause: 'The authorize request reached Salesforce without a redirect_uri.',
            steps: [`Keep AUTHORIZE_URL=/services/oauth2/authorize; this app sends ${ctx.callbackUrl}.`],
        }),
    },
    {
        error: 'access_denied',
        headline: 'The login was not allowed',
        explain: () => ({
            cause: 'The person logging in clicked Deny on the approval page (or an admin policy refused access).',
            steps: [
                'Start again and click Allow.',
                `To skip the approval page, pre-authorize the user in ${POLICIES}.`,
            ],
        }),
    },
    {
        error: 'inactive_user',
        explain: () => ({
            cause: 'The user is inactive or frozen.',
            steps: ['Setup → Users → activate (or unfreeze) the user, or log in as another user.'],
        }),
    },
    {
        error: 'inactive_org',
        explain: () => ({
            cause: 'The org is locked, closed or suspended (trial and Developer Edition orgs expire when unused).',
            steps: ['Log in to the org in a browser to see its status, or use another org.'],
        }),
    },
    {
        error: 'rate_limit_exceeded',
        explain: () => ({
            cause: 'This user has logged in too many times in the last hour.',
            steps: ['Wait an hour, or log in as another user.'],
        }),
    },
    {
        error: 'immediate_unsuccessful',
        explain: () => ({
            cause: 'An immediate (no-prompt) login was asked for, but the user was not logged in or had not approved the app.',
            steps: ['Start again without immediate login.'],
        }),
    },
    {
        error: 'OAUTH_APPROVAL_ERROR_GENERIC',
        headline: "Salesforce's generic OAuth error page",
        explain: () => ({
            cause: 'Salesforce shows this page for several errors and names the real one only in the address bar: most often a scope the app does not allow (error=invalid_scope), or an app not installed in the org (error=invalid_client, "app must be installed into org"); less often an API-only integration user, who cannot approve an app in a browser.',
            steps: [
                "Copy the whole address from the browser's address bar (it contains error=…) into the paste box on this app's first page: it names the real error and its fix.",
                `For scopes: compare the scopes you asked for with Selected OAuth Scopes in ${APP_SETTINGS}.`,
                `For an API-only user: pre-authorize the user's profile or permission set in ${POLICIES}.`,
            ],
        }),
    },
];
