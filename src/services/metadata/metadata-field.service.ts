import type { z } from 'zod';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { MetadataFieldRow, MetadataRepository } from '../../adapters/repositories/metadata.repository.js';
import { faults } from '../../domain/faults.js';
import { nameKey, nowIso, randomId } from '../../domain/handles.js';
import { ANY_ASSET_TYPE, MAX_METADATA_VALUE_LENGTH, type MetadataFieldType, TAG_TYPES, metadataFieldHandle, metadataValueKey } from '../../domain/metadata.js';
import type * as S from '../../domain/schemas/metadata.schema.js';
import { parseValue } from './metadata-update.js';
import { companyOf } from '../company-of.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

export interface MetadataFieldDeps {
  metadata: MetadataRepository;
  companies: CompanyRepository;
}

/**
 * A company's metadata fields (docs/metadata.md#fields): listing, creating,
 * changing and deleting them, and the values its live assets hold for one.
 * System fields (isUserDefined false) are listed and set like any other but
 * cannot be changed or deleted.
 */
export class MetadataFieldService {
  constructor(private readonly deps: MetadataFieldDeps) {}

  /** The type's fields and the fields of every type ('Asset'); for 'Asset' itself, those only. */
  async getMetadataFields(p: In<typeof S.getMetadataFieldsParam>): Promise<Out<typeof S.getMetadataFieldsReturn>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const types = p.assetType === ANY_ASSET_TYPE ? [ANY_ASSET_TYPE] : [ANY_ASSET_TYPE, p.assetType];
    const rows = await this.deps.metadata.listFields(p.companyHandle, types);
    return { fieldArray: { items: rows.map(toField) } };
  }

  /** Every field of the company, grouped by the asset type it belongs to ('Asset' first); types without fields are absent. */
  async getAssetMetadataFields(p: In<typeof S.getAssetMetadataFieldsParam>): Promise<Out<typeof S.getAssetMetadataFieldsReturn>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const byType = new Map<string, MetadataFieldRow[]>();
    for (const row of await this.deps.metadata.listFields(p.companyHandle)) byType.set(row.asset_type, [...(byType.get(row.asset_type) ?? []), row]);
    const types = [...byType.keys()].sort((a, b) => (a === ANY_ASSET_TYPE ? -1 : b === ANY_ASSET_TYPE ? 1 : a.localeCompare(b)));
    return { assetFieldsArray: { items: types.map((assetType) => ({ assetType, fieldArray: { items: byType.get(assetType)!.map(toField) } })) } };
  }

  async createMetadataField(p: In<typeof S.createMetadataFieldParam>): Promise<Out<typeof S.fieldHandleReturn>> {
    await companyOf(this.deps.companies, p.companyHandle);
    await this.refuseTakenName(p.companyHandle, p.assetType, p.name);
    const type = p.fieldType;
    const defaultValue = checkedDefault(type, p.defaultValue);
    const tags = initialTags(type, p.initialTagValue);
    let handle = metadataFieldHandle(p.companyHandle, p.assetType, p.name);
    // The name-derived handle stays with a field that was renamed since: this field gets a suffixed one.
    while (await this.deps.metadata.handleTaken(handle)) handle = metadataFieldHandle(p.companyHandle, p.assetType, p.name, randomId(6));
    const now = nowIso();
    const created = await this.deps.metadata.createField(
      {
        field_handle: handle,
        company_handle: p.companyHandle,
        asset_type: p.assetType,
        name: p.name,
        name_key: nameKey(p.name),
        field_type: type,
        default_value: defaultValue,
        initial_tag_value: p.initialTagValue ?? null,
        is_hidden: p.isHidden ? 1 : 0,
        is_enforced: p.isEnforced ? 1 : 0,
        is_user_defined: 1,
        created: now,
        last_modified: now,
      },
      tags,
    );
    if (!created) {
      // Another request created this field between the check above and the insert.
      throw faults.conflict('name', `A metadata field named '${p.name}' was just created for ${p.assetType} assets by another request`);
    }
    return { fieldHandle: handle };
  }

  /** Only the fields given change; the handle stays whatever the name becomes. initialTagValue adds to the dictionary. */
  async updateMetadataField(p: In<typeof S.updateMetadataFieldParam>): Promise<Out<typeof S.fieldHandleReturn>> {
    const field = await this.userField(p.companyHandle, p.fieldHandle);
    const type = field.field_type as MetadataFieldType;
    const changes: Parameters<MetadataRepository['updateField']>[1] = { last_modified: nowIso() };
    if (p.name !== undefined) {
      await this.refuseTakenName(p.companyHandle, field.asset_type, p.name, field.field_handle);
      Object.assign(changes, { name: p.name, name_key: nameKey(p.name) });
    }
    if (p.defaultValue !== undefined) changes.default_value = checkedDefault(type, p.defaultValue);
    if (p.isHidden !== undefined) changes.is_hidden = p.isHidden ? 1 : 0;
    if (p.isEnforced !== undefined) changes.is_enforced = p.isEnforced ? 1 : 0;
    const tags = initialTags(type, p.initialTagValue);
    if (p.initialTagValue !== undefined) changes.initial_tag_value = p.initialTagValue;
    await this.deps.metadata.updateField(field.field_handle, changes, tags);
    return { fieldHandle: field.field_handle };
  }

  /** The field goes with its dictionary and every value assets hold for it. */
  async deleteMetadataField(p: In<typeof S.deleteMetadataFieldParam>): Promise<Record<string, never>> {
    const field = await this.userField(p.companyHandle, p.fieldHandle);
    if (!(await this.deps.metadata.deleteField(p.companyHandle, field.field_handle))) throw faults.notFound('fieldHandle', 'metadata field', p.fieldHandle);
    return {};
  }

  /** The distinct values the company's live assets hold for the field (trashed assets' values are left out), sorted. */
  async getUniqueMetadataValues(p: In<typeof S.getUniqueMetadataValuesParam>): Promise<Out<typeof S.getUniqueMetadataValuesReturn>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const field = await this.deps.metadata.findField(p.companyHandle, p.fieldHandle);
    if (!field) throw faults.notFound('fieldHandle', 'metadata field', p.fieldHandle);
    return { values: { items: await this.deps.metadata.uniqueValues(p.companyHandle, field.field_handle) } };
  }

  /**
   * A name is unique among the fields an asset of the type sees: its own
   * type's and the 'Asset' fields (an 'Asset' field's name, among every
   * type's), so a field name always says which field is meant.
   */
  private async refuseTakenName(companyHandle: string, assetType: string, name: string, except?: string): Promise<void> {
    const types = assetType === ANY_ASSET_TYPE ? 'any' : [ANY_ASSET_TYPE, assetType];
    const clash = await this.deps.metadata.findByName(companyHandle, types, nameKey(name), except);
    if (clash) {
      throw faults.conflict(
        'name',
        `A metadata field named '${clash.name}' already applies to ${assetType} assets (field ${clash.field_handle}; names are case-insensitive)`,
      );
    }
  }

  private async userField(companyHandle: string, fieldHandle: string): Promise<MetadataFieldRow> {
    await companyOf(this.deps.companies, companyHandle);
    const field = await this.deps.metadata.findField(companyHandle, fieldHandle);
    if (!field) throw faults.notFound('fieldHandle', 'metadata field', fieldHandle);
    if (field.is_user_defined !== 1) throw faults.invalid('fieldHandle', 'a user-defined field (system fields cannot be changed or deleted)', fieldHandle);
    return field;
  }
}

export function toField(r: MetadataFieldRow): S.MetadataField {
  return {
    fieldHandle: r.field_handle,
    name: r.name,
    type: r.field_type as MetadataFieldType,
    defaultValue: r.default_value ?? '',
    isRequired: false,
    isUserDefined: r.is_user_defined === 1,
    isHidden: r.is_hidden === 1,
    isEnforced: r.is_enforced === 1,
    ...(r.initial_tag_value !== null ? { initialTagValue: r.initial_tag_value } : {}),
  };
}

/** Tag fields take no default (Adobe IPS: r-create-metadata-field); any other default must be a value of the field's type, kept as stored. */
function checkedDefault(type: MetadataFieldType, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (TAG_TYPES.has(type)) throw faults.invalid('defaultValue', `no default value (a ${type} field has none)`, value);
  const parsed = parseValue(type, value);
  if (typeof parsed === 'string') throw faults.invalid('defaultValue', parsed, value);
  return parsed.value;
}

/**
 * initialTagValue: the comma-separated values a tag field's dictionary starts
 * with (or, on update, gains). BooleanTag's dictionary is True/False and
 * fixed, and other types have no dictionary, so a non-empty value is refused there.
 */
function initialTags(type: MetadataFieldType, text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  if (!TAG_TYPES.has(type) || type === 'BooleanTag') {
    throw faults.invalid('initialTagValue', `no initialTagValue (a ${type} field has no dictionary to seed)`, text);
  }
  const tags = new Map<string, string>();
  for (const part of text.split(',')) {
    const tag = part.trim();
    if (tag === '') continue;
    if (tag.length > MAX_METADATA_VALUE_LENGTH) throw faults.invalid('initialTagValue', `tags of at most ${MAX_METADATA_VALUE_LENGTH} characters`, tag);
    if (!tags.has(metadataValueKey(tag))) tags.set(metadataValueKey(tag), tag);
  }
  return [...tags.values()];
}
