// `npm run simulator`: the Salesforce simulator alone, on fixed ports, for rehearsing the own-org path
// with `npm start`, or for testing your own scripts, Postman or jsforce against a local Salesforce. It
// accepts any Consumer Key and Secret and any loopback callback URL.
import { readFileSync } from 'node:fs';
import { startSimulator } from './simulator/index.js';

// SIMULATOR_PORT=0 takes four free ports, whichever the system gives (the tests use it).
const first = Number(process.env.SIMULATOR_PORT ?? 7781);
const ports =
    first === 0 ? undefined : { production: first, sandbox: first + 1, mydomain: first + 2, sandboxdomain: first + 3 };

/** `--jwt-cert <path>` (or SIMULATOR_JWT_CERT): the certificate JWT Bearer assertions are verified with. */
function jwtCertificates(): string[] {
    const at = process.argv.indexOf('--jwt-cert');
    const path = at === -1 ? process.env.SIMULATOR_JWT_CERT : process.argv[at + 1];
    if (!path) return [];
    try {
        return [readFileSync(path, 'utf8')];
    } catch {
        console.error(`The certificate ${path} could not be read.`);
        process.exit(1);
    }
}

let simulator;
try {
    simulator = await startSimulator(
        {
            clientId: '',
            acceptAnyClient: true,
            requireSecret: false,
            introspectionRequiresSecret: false,
            jwtCertificates: jwtCertificates(),
        },
        { ports },
    );
} catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
    console.error(
        `The simulator cannot listen on ports ${first} to ${first + 3} (${code}). Set SIMULATOR_PORT to another first port, or to 0 for any free ports.`,
    );
    process.exit(1);
}
const { urls } = simulator;

console.log('Simulated Salesforce is running on this machine (any Consumer Key, Secret and loopback callback).');
console.log(`  production login host  ${urls.production}`);
console.log(`  sandbox login host     ${urls.sandbox}`);
console.log(`  production My Domain   ${urls.mydomain}  (instance_url, REST API)`);
console.log(`  sandbox My Domain      ${urls.sandboxdomain}  (instance_url, REST API)`);
console.log('');
console.log('Point `npm start` at it with these .env lines (keep your CLIENT_ID and CLIENT_SECRET):');
console.log(`BASE_SALESFORCE_PRODUCTION_URL=${urls.production}`);
console.log(`BASE_SALESFORCE_SANDBOX_URL=${urls.sandbox}`);
console.log('');
console.log(`Other tools: use ${urls.production} as the login URL (jsforce loginUrl, Postman's auth URL host).`);
console.log('');
console.log(
    `Custom (My Domain), and Client Credentials, which only a My Domain serves: enter ${new URL(urls.mydomain).host} as the My Domain.`,
);
console.log(
    "JWT Bearer: start with --jwt-cert <path> (the certificate from the app's /jwt/certificate.crt), or paste it at",
);
console.log(`  ${urls.production}/setup, where the Run As user and the pre-authorized users are set too.`);
console.log('Stop with Control-C.');

process.on('SIGINT', () => void simulator.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
