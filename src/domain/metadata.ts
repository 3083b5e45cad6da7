import { nameKey } from './handles.js';

/**
 * Metadata field types (Adobe IPS: string-constants/r-metadata-field-types), and how
 * each is stored and compared (docs/metadata.md). Shared by the field and value
 * operations, searchAssets / searchAssetsByMetadata and the jobs that set
 * metadata, so a value means the same thing wherever it is read.
 */
export const METADATA_FIELD_TYPES = [
  'Untyped',
  'Boolean',
  'BooleanTag',
  'Color',
  'Date',
  'Dimension',
  'FileName',
  'Float',
  'Int',
  'MultiFixedTag',
  'MultiTag',
  'SingleFixedTag',
  'SingleTag',
  'String',
] as const;
export type MetadataFieldType = (typeof METADATA_FIELD_TYPES)[number];

/** Tag types hold values from a dictionary (fixed) or any values (free); Multi* hold several. */
export const TAG_TYPES: ReadonlySet<MetadataFieldType> = new Set(['BooleanTag', 'MultiFixedTag', 'MultiTag', 'SingleFixedTag', 'SingleTag']);
export const MULTI_VALUED_TYPES: ReadonlySet<MetadataFieldType> = new Set(['MultiFixedTag', 'MultiTag']);
/** Closed dictionaries: a value outside the field's tag values is refused. BooleanTag's is True/False and cannot change. */
export const FIXED_DICTIONARY_TYPES: ReadonlySet<MetadataFieldType> = new Set(['BooleanTag', 'MultiFixedTag', 'SingleFixedTag']);
export const BOOLEAN_TAG_VALUES = ['True', 'False'] as const;

/** Where a value is kept for ordered comparisons: `num_value` (Int, Float, Boolean as 1/0), `date_value` (Date), else only the text. */
export type MetadataStorage = 'number' | 'date' | 'text';
export function storageOf(type: MetadataFieldType): MetadataStorage {
  if (type === 'Int' || type === 'Float' || type === 'Boolean') return 'number';
  if (type === 'Date') return 'date';
  return 'text';
}

/**
 * The longest value (and tag value) a field holds, in characters: the value's
 * folded form is indexed, and PostgreSQL's b-tree entries must stay under
 * about 2.7 kB (512 characters × 4 bytes of UTF-8 fits).
 */
export const MAX_METADATA_VALUE_LENGTH = 512;
export const MAX_METADATA_FIELD_NAME_LENGTH = 128;

/** Metadata values and names are compared as IPS compares names (case-insensitive) unless a condition asks for caseSensitive. */
export const metadataValueKey = (value: string): string => nameKey(value);

/**
 * The fields every company has (isUserDefined false) for every asset type:
 * the catalog's descriptive system fields that searchAssets names in
 * SystemFieldCondition (Adobe IPS: string-constants/r-asset-search-system-fields)
 * and whose Keywords values keywordArray matches. They are set like any other
 * field (setAssetMetadata with their handle) and cannot be updated or deleted.
 */
export const SYSTEM_METADATA_FIELDS: ReadonlyArray<{ name: string; type: MetadataFieldType }> = [
  { name: 'Keywords', type: 'MultiTag' },
  { name: 'Description', type: 'String' },
  { name: 'Comments', type: 'String' },
  { name: 'UserData', type: 'String' },
];

/** The asset type of a field that applies to assets of every type. */
export const ANY_ASSET_TYPE = 'Asset';

/**
 * A field's handle: `m|<company id>|<ASSET TYPE>|<field name>` as IPS shows them
 * (e.g. `m|21|IMAGE|Season`). Handles are opaque to clients; a field keeps its
 * handle when renamed, so a later field taking the old name gets `suffix`
 * (chosen by the caller) to stay unique.
 */
export function metadataFieldHandle(companyHandle: string, assetType: string, name: string, suffix?: string): string {
  const company = companyHandle.replace(/^c\|/, '');
  return `m|${company}|${assetType.toUpperCase()}|${name}${suffix ? `~${suffix}` : ''}`;
}
