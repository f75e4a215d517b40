// Corporate proxies, as curl, npm and the Salesforce CLI read them: HTTPS_PROXY for https URLs, HTTP_PROXY
// for http URLs, NO_PROXY for hosts to reach directly (lower-case names win, as in curl). https goes
// through a CONNECT tunnel, so TLS is still verified end to end with Salesforce.
import http from 'node:http';
import https from 'node:https';

export interface ProxySettings {
    readonly https?: string;
    readonly http?: string;
    readonly noProxy?: string;
}

/** NO_PROXY: `*`, or names that match the host and its subdomains (a leading `.` or `*.` is allowed), with an optional port. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
    const entries = (noProxy ?? '').split(/[\s,]+/).filter(Boolean);
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return entries.some((entry) => {
        if (entry === '*') return true;
        const m = /^(?:\*?\.)?(.+?)(?::(\d+))?$/.exec(entry.toLowerCase().replace(/^\[|\](?=:|$)/g, ''));
        if (!m || (m[2] !== undefined && m[2] !== port)) return false;
        const name = m[1]!;
        return host === name || host.endsWith(`.${name}`);
    });
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

/** An agent that tunnels through `proxy`; the proxy libraries load only when a proxy is configured. */
async function proxyAgent(protocol: string, proxy: string, options: http.AgentOptions): Promise<http.Agent> {
    if (protocol === 'https:') {
        const { HttpsProxyAgent } = await import('https-proxy-agent');
        return new HttpsProxyAgent(proxy, options);
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
