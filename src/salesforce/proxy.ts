// Corporate proxies, as curl, npm and the Salesforce CLI read them: HTTPS_PROXY for https URLs, HTTP_PROXY
// for http URLs, NO_PROXY for hosts to reach directly (lower-case names win, as in curl). https goes
// through a CONNECT tunnel, so TLS is still verified end to end with Salesforce.
import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';

export interface ProxySettings {
    readonly https?: string;
    readonly http?: string;
    readonly noProxy?: string;
}

/** Whether `host` (no brackets) is a loopback name or address: 127.0.0.0/8, ::1, localhost. */
function isLoopback(host: string): boolean {
    if (host === 'localhost' || host.endsWith('.localhost')) return true;
    return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

/** An address entry's address and port: `10.0.0.1`, `10.0.0.1:8443`, `::1`, `[::1]`, `[::1]:8443`. */
function addressEntry(entry: string): { address: string; port?: string } | undefined {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) return { address: bracketed[1]!, port: bracketed[2] };
    if (ipaddr.isValid(entry)) return { address: entry };
    const withPort = /^([\d.]+):(\d+)$/.exec(entry);
    return withPort && ipaddr.IPv4.isValid(withPort[1]!) ? { address: withPort[1]!, port: withPort[2] } : undefined;
}

/** One NO_PROXY entry, read as curl reads it: `*`, a CIDR range, an address, or a name and its subdomains. */
function entryMatches(entry: string, host: string, port: string): boolean {
    if (entry === '*') return true;
    const ip = ipaddr.isValid(host) ? ipaddr.process(host) : undefined;
    if (entry.includes('/')) {
        if (!ip || !ipaddr.isValidCIDR(entry)) return false;
        const range = ipaddr.parseCIDR(entry);
        return ip.kind() === range[0].kind() && ip.match(range);
    }
    const address = addressEntry(entry);
    if (address) {
        const same =
            ip !== undefined && ipaddr.process(address.address).toNormalizedString() === ip.toNormalizedString();
        return same && (address.port === undefined || address.port === port);
    }
    const m = /^(?:\*?\.)?(.+?)(?::(\d+))?$/.exec(entry);
    if (!m || (m[2] !== undefined && m[2] !== port)) return false;
    const name = m[1]!;
    return host === name || host.endsWith(`.${name}`);
}

/**
 * Whether `url` is reached directly: a loopback host always (the simulator; a secret, a code or a token must not
 * cross a proxy in clear text), and whatever NO_PROXY names.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (isLoopback(host)) return true;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const entries = (noProxy ?? '')
        .toLowerCase()
        .split(/[\s,]+/)
        .filter(Boolean);
    return entries.some((entry) => entryMatches(entry, host, port));
}

/** The proxy URL to use for `url`, if any. */
export function proxyFor(url: URL, settings: ProxySettings): string | undefined {
    const proxy = url.protocol === 'https:' ? settings.https : settings.http;
    return proxy && !bypassesProxy(url, settings.noProxy) ? proxy : undefined;
}

/** Reads the proxy variables; pure, so the configuration (not the transport) decides. */
export function proxySettings(env: Readonly<Record<string, string | undefined>>): ProxySettings {
    const pick = (name: string) => (env[name.toLowerCase()] ?? env[name])?.trim() || undefined;
    return { https: pick('HTTPS_PROXY'), http: pick('HTTP_PROXY'), noProxy: pick('NO_PROXY') };
}

/** The proxy as a person may be shown it: its origin, never its user name or password. */
function proxyName(proxy: string): string {
    try {
        return new URL(proxy).origin;
    } catch {
        return 'the proxy';
    }
}

/** Requests whose CONNECT the proxy refused, with its status: the answer they get is the proxy's, not Salesforce's. */
const refusedTunnels = new WeakMap<object, { proxy: string; status: number }>();

/**
 * Whether the proxy refused the tunnel of this request. https-proxy-agent then hands the request the proxy's own
 * answer (status and body) as if the server had sent it, so it must not be read as Salesforce's.
 */
export function tunnelRefusal(request: unknown): { proxy: string; status: number } | undefined {
    return request !== null && typeof request === 'object' ? refusedTunnels.get(request) : undefined;
}

/** An agent that tunnels through `proxy`; the proxy libraries load only when a proxy is configured. */
async function proxyAgent(protocol: string, proxy: string, options: http.AgentOptions): Promise<http.Agent> {
    if (protocol === 'https:') {
        const { HttpsProxyAgent } = await import('https-proxy-agent');
        const agent = new HttpsProxyAgent(proxy, options);
        agent.on('proxyConnect', (connect: { statusCode: number }, req: object) => {
            if (connect.statusCode !== 200)
                refusedTunnels.set(req, { proxy: proxyName(proxy), status: connect.statusCode });
        });
        return agent;
    }
    const { HttpProxyAgent } = await import('http-proxy-agent');
    return new HttpProxyAgent(proxy, options);
}

/** One keep-alive agent per destination kind and proxy, made on first use. */
type Agents = { httpAgent?: http.Agent; httpsAgent?: http.Agent };

/** The agents for a URL: direct ones, or the tunnel through its proxy (loaded on first use). */
export function createAgents(settings: ProxySettings): (url: URL) => Promise<Agents> {
    const options = { keepAlive: true, maxSockets: 64 };
    const direct = { httpAgent: new http.Agent(options), httpsAgent: new https.Agent(options) };
    const proxied = new Map<string, Promise<http.Agent>>();
    return async (url) => {
        const proxy = proxyFor(url, settings);
        if (!proxy) return direct;
        const key = `${url.protocol} ${proxy}`;
        let agent = proxied.get(key);
        if (!agent) {
            agent = proxyAgent(url.protocol, proxy, options);
            proxied.set(key, agent);
        }
        const a = await agent;
        return url.protocol === 'https:' ? { httpsAgent: a } : { httpAgent: a };
    };
}
