// The simulated identity URL, userinfo, API version list and SOQL query endpoint.
import { gzipSync } from 'node:zlib';
import express, { type Request, type Response, type Router } from 'express';
import { API_VERSIONS, INSTANCE_OF, OBJECTS, ORG_IDS, userId, type Realm } from './fixtures.js';
import { restError } from './http.js';
import { keySet } from './jwt.js';
import type { IssuedToken, Org } from './org.js';

function identityBody(base: string, token: IssuedToken) {
    const org = ORG_IDS[token.realm];
    const uid = userId(token.username);
    const local = token.username.split('@')[0] ?? token.username;
    return {
        id: `${base}/id/${org}/${uid}`,
        asserted_user: true,
        user_id: uid,
        organization_id: org,
        username: token.username,
        nick_name: local,
        display_name: `${local} (simulated)`,
        email: token.username.includes('@') ? token.username : `${local}@example.com`,
        email_verified: true,
        first_name: 'API',
        last_name: 'User',
        timezone: 'America/Los_Angeles',
        active: true,
        user_type: 'STANDARD',
        language: 'en_US',
        locale: 'en_US',
        utcOffset: -28800000,
        urls: { rest: `${base}/services/data/v{version}/`, query: `${base}/services/data/v{version}/query/` },
        is_app_installed: true,
    };
}

/** The identity URL answers a bad token with 403 plain text `Bad_OAuth_Token`, and another user's URL with 404. */
function identity(org: Org, realm: Realm) {
    return async (req: Request, res: Response) => {
        org.stats.identityRequests += 1;
        if (org.settings.identityHold) await org.settings.identityHold;
        const token = org.bearer(req.get('authorization'));
        if (org.settings.identityFault === 'hang') return;
        if (org.settings.identityFault === 'server_error') {
            return void res.status(500).type('text/plain').send('Internal Server Error');
        }
        // Any host of the token's org answers for it (a Client Credentials token's id names the login host).
        if (!token || ORG_IDS[token.realm] !== ORG_IDS[realm]) {
            return void res.status(403).type('text/plain').send('Bad_OAuth_Token');
        }
        if (req.params.org !== ORG_IDS[token.realm] || req.params.user !== userId(token.username)) {
            return void res.status(404).type('text/plain').send('Not Found');
        }
        res.json(identityBody(org.urls[realm], token));
    };
}

function userinfo(org: Org, realm: Realm) {
    return (req: Request, res: Response) => {
        const token = org.bearer(req.get('authorization'));
        if (!token) return void res.status(403).type('text/plain').send('Bad_OAuth_Token');
        const body = identityBody(org.urls[realm], token);
        res.json({
            sub: body.id,
            user_id: body.user_id,
            organization_id: body.organization_id,
            preferred_username: token.username,
            name: body.display_name,
            email: token.username,
            email_verified: true,
            user_type: 'STANDARD',
            active: true,
        });
    };
}

// The SOQL the simulated org understands: fields or COUNT(), FROM an object it holds, an optional ORDER BY on
// one field and a LIMIT. Anything else is refused in Salesforce's words.
const SOQL =
    /^\s*SELECT\s+(COUNT\(\s*\)|[\w\s,.]+?)\s+FROM\s+(\w+)(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?)?(?:\s+LIMIT\s+(\d+))?\s*$/i;

/** Salesforce's parse errors span lines: the query, a caret under the column, then the position and reason. */
function malformed(soql: string): string {
    const words = soql.trim().split(/\s+/);
    const word = /\bFROM\b/i.test(soql) ? (words.at(-1) ?? 'EOF') : 'EOF';
    const column = word === 'EOF' ? soql.trimEnd().length : soql.lastIndexOf(word);
    return `\n${soql}\n${' '.repeat(column)}^\nERROR at Row:1:Column:${column + 1}\nunexpected token: '${word}'`;
}

interface ReadQuery {
    object: string;
    records: ReadonlyArray<Record<string, string>>;
    /** Undefined for COUNT(): the answer carries the count and no records. */
    fields?: string[];
    limit?: number;
    order?: { field: string; descending: boolean };
}

/** The field's API name as the object spells it, if it has it (field names are case-insensitive). */
function fieldOf(records: ReadonlyArray<Record<string, string>>, name: string): string | undefined {
    return Object.keys(records[0]!).find((k) => k.toLowerCase() === name.toLowerCase());
}

function noSuchColumn(name: string, object: string): [string, string] {
    return [
        'INVALID_FIELD',
        `No such column '${name}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    ];
}

function readQuery(soql: string): { error: [string, string] } | ReadQuery {
    const m = SOQL.exec(soql);
    if (!m) return { error: ['MALFORMED_QUERY', malformed(soql)] };
    const [, fieldList, objectName, orderBy, direction, limit] = m;
    const object = Object.keys(OBJECTS).find((o) => o.toLowerCase() === objectName!.toLowerCase());
    if (!object) {
        return {
            error: [
                'INVALID_TYPE',
                `sObject type '${objectName}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
            ],
        };
    }
    const records = OBJECTS[object]!;
    const read: ReadQuery = { object, records, limit: limit === undefined ? undefined : Number(limit) };
    if (orderBy !== undefined) {
        const field = fieldOf(records, orderBy);
        if (!field) return { error: noSuchColumn(orderBy, object) };
        read.order = { field, descending: direction?.toUpperCase() === 'DESC' };
    }
    if (/^COUNT/i.test(fieldList!)) return read;
    const names = fieldList!.split(',').map((f) => f.trim());
    const fields = names.map((f) => fieldOf(records, f));
    const unknown = names.find((_, i) => fields[i] === undefined);
    if (unknown !== undefined) return { error: noSuchColumn(unknown, object) };
    return { ...read, fields: fields as string[] };
}

/** The query's records, ordered and limited, each with its attributes and the fields asked for. */
function answerOf(parsed: ReadQuery, version: string) {
    let records = [...parsed.records];
    const order = parsed.order;
    if (order) {
        records.sort((a, b) => a[order.field]!.localeCompare(b[order.field]!) * (order.descending ? -1 : 1));
    }
    records = records.slice(0, parsed.limit ?? records.length);
    // COUNT() answers the number in totalSize, with no records (SOQL and SOSL Reference, "COUNT()").
    if (!parsed.fields) return { totalSize: records.length, done: true, records: [] };
    const fields = parsed.fields;
    return {
        totalSize: records.length,
        done: true,
        records: records.map((r) => ({
            attributes: { type: parsed.object, url: `/services/data/${version}/sobjects/${parsed.object}/${r.Id}` },
            ...Object.fromEntries(fields.map((f) => [f, r[f]])),
        })),
    };
}

function query(org: Org, realm: Realm) {
    return (req: Request, res: Response) => {
        const token = org.bearer(req.get('authorization'));
        if (!token || ORG_IDS[token.realm] !== ORG_IDS[realm]) {
            return restError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
        }
        // A token granted without the `api` scope cannot use the REST API.
        if (!token.scope.includes('api') && !token.scope.includes('full')) {
            return restError(res, 401, 'INVALID_SESSION_ID', 'This session is not valid for use with the REST API');
        }
        const version = String(req.params.version);
        if (!API_VERSIONS.some((v) => `v${v.version}` === version)) {
            return restError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
        }
        const parsed = readQuery(typeof req.query.q === 'string' ? req.query.q : '');
        if ('error' in parsed) return restError(res, 400, ...parsed.error);
        sendQueryAnswer(org, req, res, answerOf(parsed, version));
    };
}

/**
 * Salesforce compresses an answer when the request says `Accept-Encoding: gzip` (REST API Developer Guide,
 * "Compression Headers").
 */
function sendQueryAnswer(org: Org, req: Request, res: Response, answer: object): void {
    if (!/\bgzip\b/.test(req.get('accept-encoding') ?? '')) return void res.json(answer);
    org.stats.gzippedQueries += 1;
    const fault = org.settings.queryFault;
    const json = fault === 'gzip_bomb' ? `{"records":"${' '.repeat(4 * 1024 * 1024)}"}` : JSON.stringify(answer);
    const packed = gzipSync(json);
    // A corrupt answer: the gzip header is right, the deflate stream after it is cut in the middle.
    const body = fault === 'bad_gzip' ? packed.subarray(0, Math.floor(packed.length / 2)) : packed;
    res.status(200).type('application/json').set('Content-Encoding', 'gzip').send(body);
}

export function restRoutes(org: Org, realm: Realm): Router {
    const router = express.Router();
    router.get('/id/:org/:user', identity(org, realm));
    router.get('/id/keys', async (_req, res) => {
        res.json(await keySet());
        org.stats.keySetsAnswered += 1;
    });
    router.get('/services/oauth2/userinfo', userinfo(org, realm));
    router.get('/services/data/', (_req, res) => {
        org.stats.versionLookups += 1;
        const delay = org.settings.versionsDelayMs;
        if (delay > 0) setTimeout(() => res.json(API_VERSIONS), delay);
        else res.json(API_VERSIONS);
    });
    // The REST API lives on each org's My Domain (its instance_url), not on the generic login hosts.
    if (INSTANCE_OF[realm] === realm) router.get('/services/data/:version/query', query(org, realm));
    return router;
}
