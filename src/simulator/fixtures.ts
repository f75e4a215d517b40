// The simulated org's data: org ids, users, API versions and Accounts.
import { createHash } from 'node:crypto';

/**
 * The simulated hosts: the two generic login hosts, and the My Domain of each org (production and
 * sandbox), which is also where that org's REST API lives (`instance_url`).
 */
export type Realm = 'production' | 'sandbox' | 'mydomain' | 'sandboxdomain';

export const REALMS: readonly Realm[] = ['production', 'sandbox', 'mydomain', 'sandboxdomain'];

export const ORG_IDS: Record<Realm, string> = {
    production: '00D5g000004SimAEAS',
    sandbox: '00D1x000000SbxAEAS',
    mydomain: '00D5g000004SimAEAS',
    sandboxdomain: '00D1x000000SbxAEAS',
};

/** Where each login host's org serves its API: `instance_url` is the org's My Domain, `id` stays on the login host. */
export const INSTANCE_OF: Record<Realm, Realm> = {
    production: 'mydomain',
    mydomain: 'mydomain',
    sandbox: 'sandboxdomain',
    sandboxdomain: 'sandboxdomain',
};

/** Spring '26 = 66.0, Summer '26 = 67.0, Winter '27 = 68.0 (SOQL and SOSL reference, release archive). */
/** A release's name: v31.0 was Summer '14, and three releases follow each year (Winter, Spring, Summer). */
function releaseName(version: number): string {
    const after = version - 31;
    const season = ['Summer', 'Winter', 'Spring'][after % 3]!;
    const year = 14 + Math.floor(after / 3) + (after % 3 === 0 ? 0 : 1);
    return `${season} '${year}`;
}

/**
 * `/services/data/`: a real org lists every version it serves, from 31.0 (older ones were retired in 2025) to
 * the current release (Winter '27, 68.0).
 */
export const API_VERSIONS = Array.from({ length: 68 - 31 + 1 }, (_, i) => {
    const version = `${31 + i}.0`;
    return { label: releaseName(31 + i), url: `/services/data/v${version}`, version };
});

export const DEFAULT_USERNAME = 'api.user@test.not';

export function userId(username: string): string {
    return `005${createHash('sha256').update(username).digest('hex').slice(0, 12)}AAA`;
}

function account(id: number, name: string, industry: string, city: string, type: string) {
    return { Id: `0015g00000SimA${id}AAK`, Name: name, Industry: industry, BillingCity: city, Type: type };
}

export const ACCOUNTS = [
    account(1, 'Edge Communications', 'Electronics', 'Austin', 'Customer - Direct'),
    account(2, 'Burlington Textiles Corp of America', 'Apparel', 'Burlington', 'Customer - Direct'),
    account(3, 'Pyramid Construction Inc.', 'Construction', 'Paris', 'Customer - Channel'),
    account(4, 'Dickenson plc', 'Consulting', 'Lawrence', 'Customer - Channel'),
    account(5, 'Grand Hotels & Resorts Ltd', 'Hospitality', 'Chicago', 'Customer - Direct'),
    account(6, 'United Oil & Gas Corp.', 'Energy', 'New York', 'Customer - Direct'),
];
