import type { Generated } from 'kysely';

/**
 * Catalog tables. Portable across SQLite and PostgreSQL: booleans are 0/1
 * integers and timestamps ISO-8601 UTC strings (which sort correctly as text).
 */
export interface CompanyTable {
  company_handle: string;
  name: string;
  name_key: string;
  root_path: string;
  expires: string | null;
  ims_org_id: string | null;
  created_at: string;
  callback_secret: string | null;
  /** CompanySettings.retainPublishState (1/0): keep an updated asset's publish flag when a job leaves preservePublishState out */
  retain_publish_state: number;
}

export interface UserTable {
  user_handle: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  password_expires: string | null;
  is_valid: number;
  is_ips_admin: number;
  created_at: string;
}

export interface MembershipTable {
  user_handle: string;
  company_handle: string;
  role: string;
  is_active: number;
}

export interface AssetTable {
  asset_handle: string;
  company_handle: string;
  type: string;
  sub_type: string | null;
  name: string;
  name_key: string;
  file_name: string;
  folder: string;
  ready_for_publish: number;
  trash_state: string;
  created: string;
  create_user: string | null;
  last_modified: string;
  last_modify_user: string | null;
  /** content format found by sniffing (jpeg, pdf, …) */
  format: string;
  original_key: string;
  file_size: number;
  sha256: string;
  optimized_key: string | null;
  mask_key: string | null;
  width: number | null;
  height: number | null;
  resolution: number | null;
  version: number;
  optimizer_version: number;
  /** JSON {left, top, width, height, source} of the crop in effect, or null */
  crop_json: string | null;
}

/** An asset made from another one by an ingest engine (IPS byproduct). */
export interface AssetDerivationTable {
  asset_handle: string;
  company_handle: string;
  /** the PDF, PostScript, Illustrator or PSD asset it was made from */
  source_handle: string;
  /** IPS ExcludeByproductCondition engine: PostScriptRip or PhotoshopLayers */
  engine: string;
  /** page number or layer index, 1-based */
  position: number;
  /** the job that made the current version */
  job_handle: string;
  /** engine-specific facts (page text, layer bounds and anchor, …) */
  data_json: string | null;
}

export interface AssetSetMemberTable {
  set_handle: string;
  position: number;
  member_handle: string;
}

export interface ImageFormatTable {
  image_format_handle: string;
  company_handle: string;
  name: string;
  name_key: string;
  url_modifier: string;
  created_at: string;
  updated_at: string;
}

export interface JobLogTable {
  job_handle: string;
  company_handle: string;
  job_type: string;
  job_name: string;
  original_job_name: string;
  submit_user_email: string;
  submit_user_handle: string;
  locale: string | null;
  description: string | null;
  log_type: string;
  job_sub_type: string;
  start_date: string;
  end_date: string | null;
  file_success_count: number;
  file_error_count: number;
  file_warning_count: number;
  file_duplicate_count: number;
  file_update_count: number;
  total_file_count: number;
  transfer_success_count: number;
  transfer_error_count: number;
  transfer_warning_count: number;
  fatal_error: number;
}

export interface JobLogDetailTable {
  id: Generated<number>;
  job_handle: string;
  company_handle: string;
  log_type: string;
  message_key: string;
  message_args: string;
  asset_name: string | null;
  asset_type: string | null;
  asset_handle: string | null;
  date_created: string;
}

/** One row per file handed to a job: makes the per-file activity idempotent across retries. */
export interface JobItemTable {
  job_handle: string;
  item_id: string;
  status: string;
  asset_handle: string | null;
  reason: string | null;
  updated_at: string;
  /** the worker that recorded the result (AppContext.serverName); null for rows from before 0025 */
  server_name: string | null;
  /** JSON a later step of the job reads back (an ExportJob asset's manifest); null for most items and for rows from before 0028 */
  payload: string | null;
}

/** Written by the Image Rendering / Video follow-ons of earlier versions (before their publish jobs, context_published_assets); no longer written or read. */
export interface AssetPublicationTable {
  asset_handle: string;
  context: string;
  company_handle: string;
  job_handle: string;
  published_at: string;
}

/** An automated set-generation script (see domain/set-scripts). */
export interface SetScriptTable {
  script_handle: string;
  company_handle: string;
  name: string;
  name_key: string;
  set_type: string;
  member_pattern: string;
  swatch_pattern: string | null;
  set_name_template: string;
  created_at: string;
  updated_at: string;
}

/** A set asset's definition (AssetSetInfo.setDefinition); its members are in asset_set_members. */
export interface AssetSetTable {
  set_handle: string;
  company_handle: string;
  set_type: string;
  definition: string;
  swatch_handle: string | null;
  script_handle: string | null;
}

/**
 * One name served by a company's Image Serving context (ImageServingPublishJob).
 * `image_key` / `mask_key` are keys of the publish's own (published/…), so a
 * later upload or reprocess that deletes the asset's old derivatives never
 * breaks what is served; `source_*`, `sha256`, `version` and `source_modified`
 * are the asset as it was published, for Incremental's "changed since" test.
 */
export interface IsPublishedAssetTable {
  company_handle: string;
  name_key: string;
  name: string;
  asset_handle: string;
  /** image | icc | set */
  kind: string;
  asset_type: string;
  image_key: string | null;
  mask_key: string | null;
  source_key: string | null;
  source_mask_key: string | null;
  sha256: string;
  version: number;
  source_modified: string;
  width: number | null;
  height: number | null;
  /** sets: the member names, in order (JSON array) */
  members_json: string | null;
  etag: string;
  published_at: string;
  job_handle: string;
}

/** A company's image presets as published: the macro set its Image Serving context expands. */
export interface IsPublishedMacroTable {
  company_handle: string;
  name_key: string;
  name: string;
  url_modifier: string;
  published_at: string;
  job_handle: string;
}

/** A video asset's probe (ffprobe) and delivery files; see VideoRepository. */
export interface VideoInfoTable {
  asset_handle: string;
  company_handle: string;
  duration_ms: number;
  width: number;
  height: number;
  video_codec: string;
  audio_codec: string | null;
  frame_rate: number;
  /** bits per second */
  bitrate: number;
  /** where the thumbnail (the asset's image) was taken, ms from the start; null = no thumbnail made */
  thumbnail_time_ms: number | null;
  /** VideoInfo optimizedPath/File: a master's first encoding (null until one is made), an encoding's own MP4 */
  encoded_key: string | null;
}

/**
 * What an Image Rendering, Server Directory (or Video) publish holds for an
 * asset: the asset as it was published (version, content hash, optimised key,
 * last change) and, for the server directory, the files it wrote
 * (`files_json`: paths relative to SERVER_PUBLISH_ROOT); for Video, the
 * published MP4 and thumbnail under storage keys of the publish's own.
 */
export interface ContextPublishedAssetTable {
  company_handle: string;
  /** ImageRendering | ServerDirectory | Video */
  context: string;
  asset_handle: string;
  name: string;
  name_key: string;
  asset_type: string;
  version: number;
  sha256: string;
  source_key: string | null;
  source_modified: string;
  files_json: string | null;
  /** Video: the MP4 `/is/content` streams (published/… key) */
  media_key: string | null;
  /** Video: the thumbnail pyramid TIFF (published/… key) */
  thumbnail_key: string | null;
  published_at: string;
  job_handle: string;
}

/** A file a publish job wrote under SERVER_PUBLISH_ROOT and the asset (or document) that owns it: two never share a path. */
export interface PublishDirectoryFileTable {
  /** relative to SERVER_PUBLISH_ROOT, built of safe segments */
  path: string;
  company_handle: string;
  context: string;
  /** asset handle, or `metadata` for the metadata document */
  owner: string;
}

/** A published document (MetadataPublishJob's metadata.json): its content hash decides whether a publish changes anything. */
export interface ContextPublishedDocumentTable {
  company_handle: string;
  context: string;
  sha256: string;
  path: string;
  entries: number;
  published_at: string;
  job_handle: string;
}

/** One failed login for a throttle key (migration 0024); the key is stored as its SHA-256, never as given. */
export interface LoginFailureTable {
  key_hash: string;
  /** epoch milliseconds */
  failed_at: number;
}

/** A web console sign-in session (migration 0026); keyed by the SHA-256 of its token, never the token. */
export interface ConsoleSessionTable {
  token_hash: string;
  user_handle: string;
  /** the company the console acts in; null for an IpsAdmin who has chosen none */
  company_handle: string | null;
  /** ISO UTC */
  created_at: string;
  /** ISO UTC, written at most once a minute */
  last_seen_at: string;
  /** ISO UTC: the earlier of the idle and the absolute end */
  expires_at: string;
}

/** Where an item in flight is, for getActiveJobs' taskItemProgressArray; only while the item runs. */
export interface JobItemProgressTable {
  job_handle: string;
  /** the workflow's key of the item (its AssetRef handle), as JobProgress.processing lists it */
  item_id: string;
  item_name: string;
  /** machine name of the step (ripping, rendering, encoding, …) */
  step: string;
  /** what getActiveJobs shows, e.g. "Ripping page 3 of 12" */
  message: string;
  /** 0..1, never lower than an earlier report of the same attempt */
  fraction: number;
  updated_at: string;
}

/** A secret (e.g. a URL with its query) sealed with AES-256-GCM; the key is not in the database. */
export interface SealedValueTable {
  seal_id: string;
  company_handle: string;
  /** base64 of iv (12 bytes) + tag (16 bytes) + ciphertext */
  sealed: string;
  created_at: string;
}

export interface Database {
  sealed_values: SealedValueTable;
  companies: CompanyTable;
  users: UserTable;
  memberships: MembershipTable;
  assets: AssetTable;
  folders: FolderTable;
  image_formats: ImageFormatTable;
  job_logs: JobLogTable;
  job_log_details: JobLogDetailTable;
  job_items: JobItemTable;
  asset_publications: AssetPublicationTable;
  asset_derivations: AssetDerivationTable;
  asset_set_members: AssetSetMemberTable;
  is_published_assets: IsPublishedAssetTable;
  is_published_macros: IsPublishedMacroTable;
  set_scripts: SetScriptTable;
  asset_sets: AssetSetTable;
  video_info: VideoInfoTable;
  context_published_assets: ContextPublishedAssetTable;
  publish_directory_files: PublishDirectoryFileTable;
  context_published_documents: ContextPublishedDocumentTable;
  job_item_progress: JobItemProgressTable;
  metadata_fields: MetadataFieldTable;
  metadata_tag_values: MetadataTagValueTable;
  asset_metadata: AssetMetadataTable;
  projects: ProjectTable;
  project_assets: ProjectAssetTable;
  login_failures: LoginFailureTable;
  console_sessions: ConsoleSessionTable;
}

/** A folder of a company's catalog (docs/folders.md); assets name theirs by `path`. */
export interface FolderTable {
  company_handle: string;
  /** `path` folded the way IPS compares names (NFC, lower case); unique per company */
  path_key: string;
  /** company-rooted with a trailing slash, as first spelled (`MyCompany/Shoes/`) */
  path: string;
  /** path_key of the parent folder; null for the company root */
  parent_key: string | null;
  created: string;
  last_modified: string;
}

/** A company's metadata field (docs/metadata.md); `asset_type` is the IPS asset type it applies to. */
export interface MetadataFieldTable {
  field_handle: string;
  company_handle: string;
  asset_type: string;
  name: string;
  /** `name` folded the way IPS compares names; unique per company and asset type */
  name_key: string;
  /** an IPS metadata field type (String, Int, Float, Boolean, Date, SingleFixedTag, …) */
  field_type: string;
  default_value: string | null;
  initial_tag_value: string | null;
  is_hidden: number;
  is_enforced: number;
  /** 0 for the system fields every company has, 1 for fields made by createMetadataField */
  is_user_defined: number;
  created: string;
  last_modified: string;
}

/** One value of a fixed-tag field's closed dictionary. */
export interface MetadataTagValueTable {
  field_handle: string;
  value_key: string;
  value: string;
}

/** One value an asset holds for a field: one row per tag of a tag field (position 0..n-1), one row (position 0) otherwise. */
export interface AssetMetadataTable {
  asset_handle: string;
  field_handle: string;
  position: number;
  /** the value as set (Boolean as true/false, Date as ISO-8601) */
  value: string;
  /** `value` folded the way IPS compares names, for the string operators */
  value_key: string;
  /** Int, Float and Boolean (1/0) values as numbers, for ordered comparisons */
  num_value: number | null;
  /** Date values, ISO-8601 UTC */
  date_value: string | null;
  last_modified: string;
}

/** A company's project (docs/projects.md); names unique per company by name_key. */
export interface ProjectTable {
  project_handle: string;
  company_handle: string;
  name: string;
  name_key: string;
  created: string;
  last_modified: string;
}

/** An asset's membership of a project. */
export interface ProjectAssetTable {
  project_handle: string;
  asset_handle: string;
  added: string;
}
