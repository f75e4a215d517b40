// What the fix table's rows are made of: their shape, and the words several rows share (Setup paths, the realm
// advice), so a path is written once.
import type { SalesforceError } from './types.js';

export interface FixContext {
    callbackUrl: string;
    /** The login host the failed login or call used, when known. */
    loginHost?: string;
    /** The `aud` a JWT Bearer assertion carried. */
    audience?: string;
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
export const TAKES_TIME =
    'Changes to an External Client App or Connected App can take up to 10 minutes to take effect.';
export const APP_SETTINGS =
    'Setup → External Client App Manager → your app → Settings → OAuth Settings (Connected App: Setup → App Manager → your app → Edit)';
export const CONSUMER_DETAILS =
    'Setup → External Client App Manager → your app → Settings → OAuth Settings → Consumer Key and Secret (Connected App: App Manager → your app → Manage Consumer Details)';
export const POLICIES =
    'Setup → External Client App Manager → your app → Policies (Connected App: App Manager → your app → Manage → Edit Policies)';
export const PERMITTED =
    'Setup → External Client App Manager → your app → Policies → App Policies → Select Profiles or Permission Sets (Connected App: App Manager → your app → Manage → Manage Profiles or Manage Permission Sets)';
