// `npm run jwt-key`: makes the JWT Bearer flow's key and certificate, as Salesforce's "Create a Private Key and
// Self-Signed Digital Certificate" does with openssl, without needing openssl. The key is written readable by
// its owner only (mode 0600), in a folder git ignores; the certificate is what gets uploaded to the app.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newPrivateKey, selfSignedCertificate } from './oauth/jwt-key.js';

const FOLDER = '.jwt';
const KEY = join(FOLDER, 'server.key');
const CERT = join(FOLDER, 'server.crt');

if (existsSync(KEY) && !process.argv.includes('--force')) {
    console.error(`${KEY} already exists: the app it is uploaded to would stop accepting logins with a new one.`);
    console.error('To replace it anyway: npm run jwt-key -- --force (then upload the new certificate).');
    process.exit(1);
}

mkdirSync(FOLDER, { recursive: true, mode: 0o700 });
const privateKey = await newPrivateKey();
// Written with mode 0600 from the start (and again, should the file have existed with a wider mode).
writeFileSync(KEY, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
chmodSync(KEY, 0o600);
writeFileSync(CERT, await selfSignedCertificate(privateKey));

console.log(`Made a 2048-bit RSA key (${KEY}, readable by you only) and its self-signed certificate (${CERT}).`);
console.log('');
console.log('1. Add this line to .env and restart npm start:');
console.log(`JWT_KEY_FILE=${KEY}`);
console.log('');
console.log(`2. Upload ${CERT} to the app (or download it from the app's first page, /jwt/certificate.crt):`);
console.log(
    '   External Client App: Settings → OAuth Settings → Flow Enablement → Enable JWT Bearer Flow → Upload Files',
);
console.log('   Connected App: Edit → API (Enable OAuth Settings) → Use digital signatures');
console.log(
    '3. Pre-authorize the user: Policies → Permitted Users = Admin approved users are pre-authorized, then add',
);
console.log("   the user's profile or permission set.");
console.log('');
console.log('The key never leaves this machine: keep it out of version control (.jwt/ is in .gitignore).');
