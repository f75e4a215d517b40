// What each error Salesforce returns in this flow usually means, and the exact fix: one table, from
// Salesforce's OAuth error lists (help "OAuth 2.0 Web Server Flow for Web App Integration") and the
// failures developers report. The error page shows the code and description Salesforce
// sent, then the matching row's cause and steps. Unknown codes get no row: the page still shows code and text.
import { FIXES, type Fix, type FixContext } from './fix-table.js';
import type { SalesforceError } from './types.js';

export { FIXES };

export function explain(error: SalesforceError, ctx: FixContext): (Fix & { headline?: string }) | undefined {
    const row = FIXES.find(
        (r) =>
            r.error === error.error &&
            (!r.grant || r.grant === error.grant) &&
            (!r.description || r.description.test(error.description ?? '')),
    );
    return row && { ...row.explain(ctx), headline: row.headline };
}
