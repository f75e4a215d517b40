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
export const API_VERSIONS = [
    { label: "Spring '26", url: '/services/data/v66.0', version: '66.0' },
    { label: "Summer '26", url: '/services/data/v67.0', version: '67.0' },
    { label: "Winter '27", url: '/services/data/v68.0', version: '68.0' },
];

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
