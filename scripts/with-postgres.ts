/**
 * Runs a command against PostgreSQL:
 *
 *   tsx scripts/with-postgres.ts <command> [args…]
 *
 * Uses TANDEM_TEST_DATABASE_URL when it is set; otherwise starts a private
 * throwaway cluster on 127.0.0.1 (test/helpers/postgres-cluster.ts) and stops
 * it afterwards (also on SIGINT/SIGTERM). The command runs with
 * TANDEM_TEST_STORE=postgres and TANDEM_TEST_DATABASE_URL=<url> and inherits
 * stdio; this script exits with its code. Without PostgreSQL server binaries
 * it prints one "skipped" line and exits 0.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { PostgresUnavailableError, startPostgresCluster, type PostgresCluster } from '../test/helpers/postgres-cluster.js';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: tsx scripts/with-postgres.ts <command> [args…]');
  process.exit(2);
}

let cluster: PostgresCluster | null = null;
let url = process.env.TANDEM_TEST_DATABASE_URL ?? '';
if (!url) {
  try {
    cluster = await startPostgresCluster();
  } catch (error) {
    if (error instanceof PostgresUnavailableError) {
      console.log(`PostgreSQL suite skipped: ${error.message} (apt-get install postgresql)`);
      process.exit(0);
    }
    console.error(`with-postgres: could not start a PostgreSQL cluster: ${(error as Error).message}`);
    process.exit(1);
  }
  url = cluster.url;
  console.error(`with-postgres: PostgreSQL cluster on ${url} (${cluster.dir})`);
}

// Last resort if we exit some other way: never leave a cluster behind.
process.on('exit', () => cluster?.stopSync());

const child = spawn(command, args, {
  stdio: 'inherit',
  env: { ...process.env, TANDEM_TEST_STORE: 'postgres', TANDEM_TEST_DATABASE_URL: url },
});

let signalled: NodeJS.Signals | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A terminal's ctrl-c reaches the child too; pass it on anyway (SIGTERM from a supervisor does not).
    signalled ??= signal;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

const code = await new Promise<number>((done) => {
  child.once('error', (error) => {
    console.error(`with-postgres: could not run ${command}: ${error.message}`);
    done(127);
  });
  child.once('exit', (exitCode, signal) => {
    if (exitCode !== null) done(exitCode);
    else done(128 + (signal ? constants.signals[signal] : 0));
  });
});

if (cluster) {
  try {
    await cluster.stop();
  } catch (error) {
    console.error(`with-postgres: stopping the cluster: ${(error as Error).message}`);
  }
}
process.exit(signalled && code === 0 ? 128 + constants.signals[signalled] : code);
