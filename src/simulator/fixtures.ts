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

/** The generic login host of each realm's org: where `id` lives for the grants made at a My Domain. */
export const LOGIN_HOST_OF: Record<Realm, Realm> = {
    production: 'production',
    mydomain: 'production',
    sandbox: 'sandbox',
    sandboxdomain: 'sandbox',
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

/** When each record was created, as the REST API writes a datetime. */
function created(day: number): string {
    return `2026-0${1 + (day % 9)}-${String(10 + day).padStart(2, '0')}T09:30:00.000+0000`;
}

function account(id: number, name: string, industry: string, city: string, type: string) {
    return {
        Id: `0015g00000SimA${id}AAK`,
        Name: name,
        Industry: industry,
        BillingCity: city,
        Type: type,
        CreatedDate: created(id),
    };
}

function contact(id: number, firstName: string, lastName: string, account: number) {
    return {
        Id: `0035g00000SimC${id}AAK`,
        FirstName: firstName,
        LastName: lastName,
        Name: `${firstName} ${lastName}`,
        Email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`,
        AccountId: `0015g00000SimA${account}AAK`,
        CreatedDate: created(id + 2),
    };
}

export const ACCOUNTS = [
    account(1, 'Edge Communications', 'Electronics', 'Austin', 'Customer - Direct'),
    account(2, 'Burlington Textiles Corp of America', 'Apparel', 'Burlington', 'Customer - Direct'),
    account(3, 'Pyramid Construction Inc.', 'Construction', 'Paris', 'Customer - Channel'),
    account(4, 'Dickenson plc', 'Consulting', 'Lawrence', 'Customer - Channel'),
    account(5, 'Grand Hotels & Resorts Ltd', 'Hospitality', 'Chicago', 'Customer - Direct'),
    account(6, 'United Oil & Gas Corp.', 'Energy', 'New York', 'Customer - Direct'),
];

const CONTACTS = [
    contact(1, 'Rose', 'Gonzalez', 1),
    contact(2, 'Sean', 'Forbes', 1),
    contact(3, 'Jack', 'Rogers', 2),
    contact(4, 'Pat', 'Stumuller', 3),
    contact(5, 'Andy', 'Young', 4),
    contact(6, 'Tim', 'Barr', 5),
    contact(7, 'John', 'Bond', 5),
    contact(8, 'Stella', 'Pavlova', 6),
];

/** The objects the simulated org's REST API can query, by their API names. */
export const OBJECTS: Record<string, ReadonlyArray<Record<string, string>>> = { Account: ACCOUNTS, Contact: CONTACTS };
