// One HTTP request with node:http(s): the lightest client Node has, so that the measuring side adds as little
// as a browser does. Shared by the latency bench and the browser thread it starts.
import http from 'node:http';
import https from 'node:https';

export interface Sent {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}

export interface RequestInit {
    method?: string;
    /** A form body, sent as application/x-www-form-urlencoded. */
    form?: string;
    headers?: http.OutgoingHttpHeaders;
    /** `false` opens a new connection for the call (a naive client). */
    agent: http.Agent | false;
    /** The certificate to trust for https. */
    ca?: Buffer;
}

export function request(url: string, init: RequestInit): Promise<Sent> {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
        const req = transport.request(
            target,
            {
                method: init.method ?? 'GET',
                agent: init.agent,
                ...(init.ca ? { ca: init.ca } : {}),
                headers: {
                    ...(init.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
                    ...init.headers,
                },
            },
            (res) => {
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (d: string) => (body += d));
                res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
            },
        );
        req.on('error', reject);
        req.end(init.form);
    });
}
