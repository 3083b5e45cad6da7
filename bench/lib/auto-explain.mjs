/**
 * The plans PostgreSQL really ran for a call to the service, from auto_explain
 * (a module shipped with PostgreSQL): every statement the service sent, with
 * the parameters it bound, planned as it was planned then, with actual rows,
 * times and buffers (EXPLAIN ANALYZE, BUFFERS), read back from the server log.
 * Closer to the truth than EXPLAIN of SQL rebuilt outside the service, which
 * would miss the statements around the main query (the count, the reply's
 * metadata, projects and sets) and could bind different parameter types.
 *
 * The explained process connects through explainedUrl(url): its sessions load
 * auto_explain (session_preload_libraries in the startup options), which stays
 * idle (log_min_duration -1) until explainCalls turns it on cluster-wide
 * (ALTER SYSTEM, reload) for the calls it makes, and off again. Other
 * processes' sessions never load the module, so only the explained one logs.
 *
 * Needs a superuser and the server log at server.log in the data directory
 * (as scripts/pg-server.sh's throw-away cluster writes it); otherwise
 * explainCalls says why it cannot.
 */
import pg from 'pg';

const SETTINGS = {
  'auto_explain.log_min_duration': '0',
  'auto_explain.log_analyze': 'on',
  'auto_explain.log_buffers': 'on',
  'auto_explain.log_format': 'text',
};
const LOG_FILE = 'server.log';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `url` for a process whose statements explainCalls may explain. */
export function explainedUrl(url) {
  const u = new URL(url);
  u.searchParams.set('options', '-c session_preload_libraries=auto_explain');
  return u.toString();
}

/**
 * Runs each of `calls` ([label, async () => …]) once with auto_explain on, one
 * after another. Returns { plans: [{ label, statements: [{ ms, query, plan }] }] },
 * statements in the order the server ran them, or { unavailable: reason }.
 */
export async function explainCalls(url, calls) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(`select current_setting('is_superuser') = 'on' as superuser`);
    if (!rows[0].superuser) return { unavailable: 'the database user is not a superuser (auto_explain is set with ALTER SYSTEM)' };
    if (!(await logSize(db))) return { unavailable: `no ${LOG_FILE} in the server's data directory` };
    await db.query(`load 'auto_explain'`);
    // This session's own statements (the log reads) stay out of the log whatever the cluster says.
    await db.query('set auto_explain.log_min_duration = -1');
    await configure(db, (name) => `alter system set ${name} = '${SETTINGS[name]}'`);
    const plans = [];
    try {
      for (const [label, call] of calls) {
        const from = await logSize(db);
        await call();
        // The server writes a plan as the statement ends, before the reply; a moment more for the file.
        await sleep(200);
        const to = await logSize(db);
        const { rows: text } = await db.query('select pg_read_file($1, $2, $3) as t', [LOG_FILE, from, to - from]);
        plans.push({ label, statements: parseLog(text[0].t) });
      }
    } finally {
      await configure(db, (name) => `alter system reset ${name}`);
    }
    return { plans };
  } finally {
    await db.end();
  }
}

/** Applies one ALTER SYSTEM per setting and reloads; sessions pick the change up at their next statement. */
async function configure(db, statement) {
  for (const name of Object.keys(SETTINGS)) await db.query(statement(name));
  await db.query('select pg_reload_conf()');
  // The reload reaches the postmaster, then every backend, asynchronously.
  await sleep(1000);
}

async function logSize(db) {
  const { rows } = await db.query('select (pg_stat_file($1, true)).size as size', [LOG_FILE]);
  return rows[0].size === null ? 0 : Number(rows[0].size);
}

/**
 * auto_explain's entries in a stretch of the log (default log_line_prefix
 * '%m [%p] '): "… LOG:  duration: 1.234 ms  plan:" then tab-indented lines,
 * "Query Text: …" first.
 */
export function parseLog(text) {
  return text
    .split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/)
    .map((entry) => {
      const head = /duration: ([\d.]+) ms\s+plan:/.exec(entry);
      if (!head) return undefined;
      const lines = entry
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/^\t/, ''));
      const at = lines.findIndex((l) => l.startsWith('Query Text: '));
      return {
        ms: Number(head[1]),
        query: lines[at]?.slice('Query Text: '.length) ?? '',
        plan: lines
          .slice(at + 1)
          .join('\n')
          .trimEnd(),
      };
    })
    .filter(Boolean);
}
