// The fix table: each Salesforce error this flow can meet, its usual cause and the exact fix. The rows for
// invalid_grant are in fix-grant.ts.
import { FLOW_ROWS } from './fix-flows.js';
import { GRANT_ROWS } from './fix-grant.js';
import {
    APP_SETTINGS,
    CONSUMER_DETAILS,
    PERMITTED,
    POLICIES,
    realmHint,
    TAKES_TIME,
    type Fix,
    type FixContext,
    type Row,
} from './fix-text.js';

export type { Fix, FixContext, Row };

export const FIXES: readonly Row[] = [
    ...FLOW_ROWS,
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
    ...GRANT_ROWS,
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
        headline: 'This user is inactive',
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
