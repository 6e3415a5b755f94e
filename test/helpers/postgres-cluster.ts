/**
 * A private, throwaway PostgreSQL cluster for tests: initdb in a fresh temp
 * folder, listening on 127.0.0.1 on a free port, with the same durability as
 * the embedded store (fsync, synchronous_commit and full_page_writes on, so an
 * acknowledged write survives a crash). Uses the Debian server binaries
 * (/usr/lib/postgresql/<version>/bin, or TANDEM_PG_BIN). initdb and postgres
 * refuse to run as root, so when we are root the folder is handed to the
 * `postgres` user and the binaries run through `runuser`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Thrown when no PostgreSQL server binaries (or no user to run them as) can be found. */
export class PostgresUnavailableError extends Error {
  override name = 'PostgresUnavailableError';
}

export interface PostgresClusterOptions {
  /** Folder holding initdb, pg_ctl and postgres (default: TANDEM_PG_BIN, else the newest /usr/lib/postgresql/<v>/bin). */
  binDir?: string;
  /** Extra postgresql.conf settings, written after the defaults. */
  settings?: Record<string, string | number | boolean>;
}

export interface PostgresCluster {
  /** postgres://tandem@127.0.0.1:PORT/tandem */
  url: string;
  port: number;
  /** The temp folder: data/ (the cluster), postgres.log, and the unix socket. */
  dir: string;
  /** Fast shutdown, then removes the folder. Safe to call twice, and after kill9(). */
  stop(): Promise<void>;
  /** Like stop(), synchronously (immediate shutdown): for process 'exit' handlers. */
  stopSync(): void;
  /** Stops the server (fast, or immediate: crash-like, recovery replays WAL on start) and starts it again on the same port. */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /** SIGKILLs the postmaster (from postmaster.pid); restart() brings it back. */
  kill9(): void;
  /** The last lines of the server log, for error messages. */
  logTail(lines?: number): string;
}

/** The folder with the newest PostgreSQL server binaries; throws PostgresUnavailableError if there are none. */
export function findPostgresBin(): string {
  const fromEnv = process.env.TANDEM_PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'postgres')) || !existsSync(join(fromEnv, 'initdb'))) {
      throw new PostgresUnavailableError(`TANDEM_PG_BIN=${fromEnv} has no postgres/initdb binaries`);
    }
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  if (versions.length === 0) {
    throw new PostgresUnavailableError(`no PostgreSQL server binaries in ${root}/*/bin (set TANDEM_PG_BIN to use others)`);
  }
  return join(root, versions[0]!, 'bin');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A port that was free a moment ago (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? done(port) : fail(new Error('could not find a free port'))));
    });
  });
}

/** Runs a PostgreSQL binary (as the postgres user when we are root); rejects with its output on failure. */
function runPg(binDir: string, tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', join(binDir, tool), ...args]] : [join(binDir, tool), args];
  return new Promise((done, fail) => {
    // pg_ctl -l sends the postmaster's output to the log file, so these pipes close when pg_ctl exits.
    execFile(file, argv, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', PGTZ: 'UTC' } }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as { code?: unknown }).code;
        fail(Object.assign(new Error(`${tool} ${args.join(' ')} failed (${String(code)}): ${stderr || stdout || error.message}`.trim()), { exitCode: code }));
      } else done({ stdout, stderr });
    });
  });
}

function runPgSync(binDir: string, tool: string, args: string[]): void {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', join(binDir, tool), ...args]] : [join(binDir, tool), args];
  execFileSync(file, argv, { stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
}

function confValue(value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replace(/'/g, "''")}'`;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** initdb's a private cluster in a fresh temp folder, starts it, and creates database `tandem` owned by `tandem`. */
export async function startPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const binDir = options.binDir ?? findPostgresBin();
  if (isRoot) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      throw new PostgresUnavailableError('running as root but there is no `postgres` user to run initdb/postgres as');
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'tandem-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const logTail = (lines = 30): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  };

  let running = false;
  let removed = false;
  const removeDir = () => {
    if (!removed) rmSync(dir, { recursive: true, force: true });
    removed = true;
  };

  try {
    if (isRoot) execFileSync('chown', ['-R', 'postgres:', dir]);
    await runPg(binDir, 'initdb', ['-D', dataDir, '--auth=trust', '--username=tandem', '--encoding=UTF8', '--locale=C', '-N']);

    const port = await freePort();
    const settings: Record<string, string | number | boolean> = {
      listen_addresses: '127.0.0.1',
      port,
      unix_socket_directories: dir,
      // An acknowledged write is durable, as with the embedded store.
      fsync: true,
      synchronous_commit: true,
      full_page_writes: true,
      max_connections: 300,
      logging_collector: false,
      log_destination: 'stderr',
      log_line_prefix: '%m [%p] ',
      timezone: 'UTC',
      ...options.settings,
    };
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      '\n# tandem test cluster\n' + Object.entries(settings).map(([key, value]) => `${key} = ${confValue(value)}\n`).join(''),
    );

    const start = async (): Promise<void> => {
      // After a kill -9, orphaned backends can hold the old shared memory for a moment: retry briefly.
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          await runPg(binDir, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
          running = true;
          return;
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${logTail()}`);
          await sleep(250);
        }
      }
    };
    /** Whether the postmaster named in postmaster.pid is alive (a zombie, after kill9(), counts as dead). */
    const isUp = (): boolean => {
      let pid: number;
      try {
        pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
      } catch {
        return false;
      }
      if (!Number.isInteger(pid) || pid <= 0) return false;
      try {
        process.kill(pid, 0);
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
      try {
        // /proc/<pid>/stat: "pid (comm) state ..."
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
      } catch {
        return true; // no /proc: trust kill(pid, 0)
      }
    };
    const stopServer = async (mode: 'fast' | 'immediate'): Promise<void> => {
      if (!isUp()) return;
      await runPg(binDir, 'pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    };

    await start();

    const url = `postgres://tandem@127.0.0.1:${port}/tandem`;
    const admin = new pg.Client({ connectionString: `postgres://tandem@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE tandem OWNER tandem');
    } finally {
      await admin.end();
    }

    let stopping: Promise<void> | null = null;
    const cluster: PostgresCluster = {
      url,
      port,
      dir,
      logTail,
      stop() {
        stopping ??= (async () => {
          try {
            if (existsSync(dataDir)) await stopServer('fast');
          } finally {
            running = false;
            removeDir();
          }
        })();
        return stopping;
      },
      stopSync() {
        if (removed) return;
        try {
          if (running) runPgSync(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
        } catch {
          // not running
        }
        running = false;
        removeDir();
      },
      async restart(mode) {
        await stopServer(mode);
        running = false;
        await start();
      },
      kill9() {
        const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
        if (!Number.isInteger(pid) || pid <= 0) throw new Error('no postmaster pid in postmaster.pid');
        process.kill(pid, 'SIGKILL');
        // Return once it is dead (or a zombie waiting for init to reap it), so a restart that follows sees it gone.
        const pause = new Int32Array(new SharedArrayBuffer(4));
        for (const until = Date.now() + 5_000; isUp() && Date.now() < until; ) Atomics.wait(pause, 0, 0, 20);
        running = false;
      },
    };
    return cluster;
  } catch (error) {
    if (running) {
      try {
        runPgSync(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already down
      }
    }
    removeDir();
    throw error;
  }
}
