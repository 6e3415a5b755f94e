/**
 * `npm run conformance -- --endpoint URL [options]`: runs the API conformance
 * suite (suite.ts) against an endpoint, prints each check, and exits 1 when
 * any check failed (2 on a usage error). Options fall back on the variables a
 * reference endpoint is configured with, so the same environment serves both.
 */
import { parseArgs } from 'node:util';
import { CHECKS, runConformance } from './suite.js';

const USAGE = `Usage: npm run conformance -- --endpoint URL [options]

  --endpoint URL        the endpoint's base URL            (env TANDEM_CONFORMANCE_ENDPOINT)
  --jwt-secret SECRET   HS256 secret shared with the endpoint (env TANDEM_JWT_SECRET)
  --issuer ISS          the iss tokens carry, default tandem-demo (env TANDEM_JWT_ISSUER)
  --audience AUD        the aud tokens carry, default tandem      (env TANDEM_JWT_AUDIENCE)
  --platform-key KEY    X-Tandem-Platform-Key                (env TANDEM_PLATFORM_KEY)
  --course ID           course to work in, default a fresh random id (env TANDEM_CONFORMANCE_COURSE)
  --json                print the report as JSON after the checks
  --list                list the checks and exit

The suite writes to the endpoint: learners, an invite, groups, events, a
tandem request and progress reports in that course, and its settings.`;

function main(): Promise<number> | number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        endpoint: { type: 'string' },
        'jwt-secret': { type: 'string' },
        issuer: { type: 'string' },
        audience: { type: 'string' },
        'platform-key': { type: 'string' },
        course: { type: 'string' },
        json: { type: 'boolean' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    for (const check of CHECKS) console.log(`${check.id} — ${check.title}`);
    return 0;
  }
  const env = process.env;
  const endpoint = values.endpoint ?? env.TANDEM_CONFORMANCE_ENDPOINT;
  const jwtSecret = values['jwt-secret'] ?? env.TANDEM_JWT_SECRET;
  const platformKey = values['platform-key'] ?? env.TANDEM_PLATFORM_KEY;
  const missing = [!endpoint && '--endpoint', !jwtSecret && '--jwt-secret', !platformKey && '--platform-key'].filter(Boolean);
  if (missing.length > 0 || !endpoint || !jwtSecret || !platformKey) {
    console.error(`Missing ${missing.join(', ')}.\n\n${USAGE}`);
    return 2;
  }
  const course = values.course ?? env.TANDEM_CONFORMANCE_COURSE;
  console.log(`Tandem API conformance: ${endpoint}`);
  return runConformance({
    endpoint,
    jwtSecret,
    jwtIssuer: values.issuer ?? env.TANDEM_JWT_ISSUER ?? 'tandem-demo',
    jwtAudience: values.audience ?? env.TANDEM_JWT_AUDIENCE ?? 'tandem',
    platformKey,
    ...(course ? { course } : {}),
    log: (line) => console.log(line),
  }).then((report) => {
    const count = (status: string) => report.results.filter((r) => r.status === status).length;
    console.log(`\n${report.passed ? 'PASSED' : 'FAILED'}: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped (course ${report.course})`);
    if (values.json) console.log(JSON.stringify(report, null, 2));
    return report.passed ? 0 : 1;
  });
}

Promise.resolve(main()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
