/**
 * bench/catalog's generated catalog, made inside PostgreSQL (INSERT … SELECT
 * over generate_series: seconds per million rows, no data through Node).
 *
 * Asset i belongs to company i mod 10, folder (i div 10) mod 100 of it, and is
 * the k-th asset of that folder, k = i div 1,000. Its kind follows k mod 10, so
 * every folder of every company holds the same mix:
 *
 *   0–6  Image
 *   7    AssetSet (ImageSet) of the three images 1,000, 2,000 and 3,000 before it (asset_sets, asset_set_members)
 *   8    Image ripped from the Pdf 1,000 after it (an asset_derivations row, PostScriptRip: a byproduct)
 *   9    Pdf
 *
 * and besides its row: Keywords (two tags, every second asset), a Description
 * (every third), the company's own Image field Photographer (every fifth
 * image), membership of the company's project (every twentieth). Those are
 * what the Asset replies read (metadata values with their fields, project
 * names, set definitions) and what searchAssets' excludeByproducts reads (the
 * derivations). Plus one job log of the bench's company with DETAIL_ROWS rows.
 */
import pg from 'pg';

export const COMPANIES = 10;
export const FOLDERS_PER_COMPANY = 100;
export const DETAIL_ROWS = 100_000;
export const LOG_JOB = 'j|bench-catalog-log';
/** Of each folder's assets, the images searchAssets lists with excludeByproducts (kinds 0–6). */
export const LISTED_IMAGE_SHARE = 0.7;

const PER_FOLDER = COMPANIES * FOLDERS_PER_COMPANY;
const ISO_NOW = iso('now()');

/** SQL for an ISO UTC text timestamp, as the catalog stores them. */
function iso(expr) {
  return `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

export const folderOf = (root, f) => `${root}f${String(f).padStart(4, '0')}/`;
export const nameOf = (i) => `img-${String(i).padStart(7, '0')}`;
export const handleOf = (i) => `a|bench-${i}`;

/** The catalog's statements; :handles (the companies' handles), :roots (their root paths) and :size become parameters. */
const STATEMENTS = [
  [
    'folders',
    `insert into folders (company_handle, path_key, path, parent_key, created, last_modified)
     select c.handle, lower(c.root || 'f' || lpad(f::text, 4, '0') || '/'), c.root || 'f' || lpad(f::text, 4, '0') || '/', lower(c.root), ${ISO_NOW}, ${ISO_NOW}
     from unnest(:handles::text[], :roots::text[]) as c(handle, root), generate_series(0, ${FOLDERS_PER_COMPANY - 1}) as f
     on conflict do nothing`,
  ],
  [
    'assets',
    `insert into assets (asset_handle, company_handle, type, sub_type, name, name_key, file_name, folder, ready_for_publish, trash_state,
                         created, create_user, last_modified, last_modify_user, format, original_key, file_size, sha256,
                         optimized_key, mask_key, width, height, resolution, version, optimizer_version, crop_json)
     select 'a|bench-' || i, (:handles::text[])[1 + i % ${COMPANIES}],
            case kind when 9 then 'Pdf' when 7 then 'AssetSet' else 'Image' end, case kind when 7 then 'ImageSet' end,
            'img-' || lpad(i::text, 7, '0'), 'img-' || lpad(i::text, 7, '0'),
            'img-' || lpad(i::text, 7, '0') || case kind when 9 then '.pdf' when 7 then '' else '.jpg' end,
            (:roots::text[])[1 + i % ${COMPANIES}] || 'f' || lpad(((i / ${COMPANIES}) % ${FOLDERS_PER_COMPANY})::text, 4, '0') || '/',
            1, 'NotInTrash', ${iso("timestamp '2026-01-01' + i * interval '1 second'")}, 'bench@ips.local',
            ${iso("timestamp '2026-01-01' + i * interval '1 second'")}, 'bench@ips.local',
            case kind when 9 then 'pdf' when 7 then 'set' else 'jpeg' end,
            case kind when 7 then '' else 'originals/bench/' || i || case kind when 9 then '.pdf' else '.jpg' end end,
            case kind when 7 then 0 else 100000 + i % 5000 end, case kind when 7 then '' else md5(i::text) end,
            null, null, case when kind in (7, 9) then null else 2000 end, case when kind in (7, 9) then null else 1500 end,
            case when kind in (7, 9) then null else 72 end, 1, 0, null
     from (select i, (i / ${PER_FOLDER}) % 10 as kind from generate_series(0, :size::int - 1) as i) as g`,
  ],
  [
    'set definitions',
    `insert into asset_sets (set_handle, company_handle, set_type, definition, swatch_handle, script_handle)
     select 'a|bench-' || i, (:handles::text[])[1 + i % ${COMPANIES}], 'ImageSet',
            (select string_agg((:roots::text[])[1 + i % ${COMPANIES}] || 'img-' || lpad((i - m * ${PER_FOLDER})::text, 7, '0'), ',' order by m)
             from generate_series(1, 3) as m),
            null, null
     from generate_series(0, :size::int - 1) as i where (i / ${PER_FOLDER}) % 10 = 7`,
  ],
  [
    'set members',
    `insert into asset_set_members (set_handle, position, member_handle)
     select 'a|bench-' || i, m - 1, 'a|bench-' || (i - m * ${PER_FOLDER})
     from generate_series(0, :size::int - 1) as i, generate_series(1, 3) as m where (i / ${PER_FOLDER}) % 10 = 7`,
  ],
  [
    'derivations',
    `insert into asset_derivations (asset_handle, company_handle, source_handle, engine, position, job_handle, data_json)
     select 'a|bench-' || i, (:handles::text[])[1 + i % ${COMPANIES}], 'a|bench-' || (i + ${PER_FOLDER}), 'PostScriptRip', 0, 'j|bench-rip', null
     from generate_series(0, :size::int - 1) as i where (i / ${PER_FOLDER}) % 10 = 8`,
  ],
  [
    'Photographer fields',
    `insert into metadata_fields (field_handle, company_handle, asset_type, name, name_key, field_type, default_value, initial_tag_value,
                                  is_hidden, is_enforced, is_user_defined, created, last_modified)
     select 'm|' || substr(c.handle, 3) || '|IMAGE|Photographer', c.handle, 'Image', 'Photographer', 'photographer', 'String', null, null,
            0, 0, 1, ${ISO_NOW}, ${ISO_NOW}
     from unnest(:handles::text[]) as c(handle)`,
  ],
  [
    'metadata values',
    `insert into asset_metadata (asset_handle, field_handle, position, value, value_key, num_value, date_value, last_modified)
     select 'a|bench-' || g.i, f.field_handle, v.position, v.value, lower(v.value), null, null, ${ISO_NOW}
     from (select i, (:handles::text[])[1 + i % ${COMPANIES}] as company, (i / ${PER_FOLDER}) % 10 as kind from generate_series(0, :size::int - 1) as i) as g
     cross join lateral (values ('Keywords', 0, 'kw-' || (g.i % 50), g.i % 2 = 0),
                                ('Keywords', 1, 'kw-' || (50 + g.i % 7), g.i % 2 = 0),
                                ('Description', 0, 'Product photo ' || g.i, g.i % 3 = 0),
                                ('Photographer', 0, 'Photographer ' || (g.i % 40), g.i % 5 = 0 and g.kind not in (7, 9)))
          as v(field, position, value, wanted)
     join metadata_fields f on f.company_handle = g.company and f.name = v.field
     where v.wanted`,
  ],
  [
    'projects',
    `insert into projects (project_handle, company_handle, name, name_key, created, last_modified)
     select 'p|bench-' || n, c.handle, 'Campaign ' || n, 'campaign ' || n, ${ISO_NOW}, ${ISO_NOW}
     from unnest(:handles::text[]) with ordinality as c(handle, n)`,
  ],
  [
    'project members',
    `insert into project_assets (project_handle, asset_handle, added)
     select 'p|bench-' || (1 + i % ${COMPANIES}), 'a|bench-' || i, ${ISO_NOW}
     from generate_series(0, :size::int - 1) as i where i % 20 = 0`,
  ],
];

/**
 * Generates the catalog of `size` assets over `companies` (from getCompanyInfo/addCompany;
 * the first is the bench's), then VACUUM ANALYZE. Returns how many rows each part added.
 */
export async function loadCatalog(url, companies, size) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const values = { handles: companies.map((c) => c.companyHandle), roots: companies.map((c) => c.rootPath), size };
    const rows = {};
    for (const [part, text] of STATEMENTS) {
      // PostgreSQL refuses a parameter a statement does not use: number only those it names, in order.
      const names = [...new Set(text.match(/:(?:handles|roots|size)\b/g))].map((n) => n.slice(1));
      const numbered = text.replace(/:(handles|roots|size)\b/g, (_, n) => `$${names.indexOf(n) + 1}`);
      rows[part] = (
        await db.query(
          numbered,
          names.map((n) => values[n]),
        )
      ).rowCount;
    }
    rows['job log rows'] = await loadJobLog(db, values.handles[0]);
    // As autovacuum leaves a bulk load (PostgreSQL 13+ vacuums after inserts too): statistics, and the
    // visibility map that lets a count read an index alone.
    await db.query('vacuum analyze');
    return rows;
  } finally {
    await db.end();
  }
}

/** One job log of `company` with DETAIL_ROWS detail rows; the detail rows added. */
async function loadJobLog(db, company) {
  await db.query(
    `insert into job_logs (job_handle, company_handle, job_type, job_name, original_job_name, submit_user_email, submit_user_handle, locale, description,
                           log_type, job_sub_type, start_date, end_date, file_success_count, file_error_count, file_warning_count, file_duplicate_count,
                           file_update_count, total_file_count, transfer_success_count, transfer_error_count, transfer_warning_count, fatal_error)
     values ($1, $2, 'ReprocessAssets', 'bench-log', 'bench-log', 'bench@ips.local', 'u|bench', null, null, 'BeginReprocess', 'ReprocessAssets',
             ${ISO_NOW}, ${ISO_NOW}, ${DETAIL_ROWS}, 0, 0, 0, 0, ${DETAIL_ROWS}, 0, 0, 0, 0)`,
    [LOG_JOB, company],
  );
  const r = await db.query(
    `insert into job_log_details (job_handle, company_handle, log_type, message_key, message_args, asset_name, asset_type, asset_handle, date_created)
     select $1, $2, 'ReprocessSuccess', 'fileUpdated', json_build_object('path', 'img-' || i || '.jpg', 'name', 'img-' || i)::text,
            'img-' || i, 'Image', 'a|bench-' || i, ${iso("timestamp '2026-01-01' + i * interval '1 millisecond'")}
     from generate_series(1, ${DETAIL_ROWS}) as i`,
    [LOG_JOB, company],
  );
  return r.rowCount;
}
