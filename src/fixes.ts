// What each error Salesforce returns in this flow usually means, and the exact fix: one table, from
// Salesforce's OAuth error lists (help "OAuth 2.0 Web Server Flow for Web App Integration") and the
// failures developers report. The error page shows the code and description Salesforce
// sent, then the matching row's cause and steps. Unknown codes get no row: the page still shows code and text.
import type { SalesforceError } from './errors.js';
import { FIXES } from './fix-table.js';

export { FIXES };

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
    /** What happened, in words a person uses: the error page's heading. */
    headline?: string;
    /** Matches error_description; a row without one matches any description of that code. */
    description?: RegExp;
    explain(ctx: FixContext): Fix;
}

/**
 * The advice for errors that come from logging in at the wrong kind of org. A function declaration, so the
 * fix table can use it although this file imports the table.
 */
export function realmHint(ctx: FixContext): string {
    const where = ctx.loginHost ? ` This login used ${ctx.loginHost}.` : '';
    return `Pick the environment the org really is: Sandbox for a sandbox or a scratch org (test.salesforce.com), Production or Dev for a production or Developer Edition org (login.salesforce.com), Custom for its My Domain.${where}`;
}

export function explain(error: SalesforceError, ctx: FixContext): (Fix & { headline?: string }) | undefined {
    const row = FIXES.find(
        (r) => r.error === error.error && (!r.description || r.description.test(error.description ?? '')),
    );
    return row && { ...row.explain(ctx), headline: row.headline };
}
