// HTTP tests, first part. Each test process pays about a second to load TypeScript, the app and the
// simulator, so the HTTP suites run in three processes of about equal work, two at a time, not one each.
import './http/load.js';
import './http/login-flow.js';
import './http/secrets.js';
