import type { z } from 'zod';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import type { ImageFormatRepository, ImageFormatRow } from '../adapters/repositories/image-format.repository.js';
import { faults } from '../domain/faults.js';
import { nameKey, newHandle, nowIso } from '../domain/handles.js';
import type * as S from '../domain/schemas/image-format.schema.js';
import { companyOf } from './company-of.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

/** Image presets (Adobe IPS: data-types/r-image-format): named IS query strings, published later as IS macros. */
export class ImageFormatService {
  constructor(private readonly deps: { imageFormats: ImageFormatRepository; companies: CompanyRepository }) {}

  async save(p: In<typeof S.saveImageFormatParam>): Promise<Out<typeof S.saveImageFormatReturn>> {
    const key = nameKey(p.name);
    const clash = await this.deps.imageFormats.findByNameKey(p.companyHandle, key);
    const now = nowIso();
    if (p.imageFormatHandle) {
      const existing = await this.deps.imageFormats.findByHandle(p.companyHandle, p.imageFormatHandle);
      if (!existing) throw faults.notFound('imageFormatHandle', 'image format', p.imageFormatHandle);
      if (clash && clash.image_format_handle !== existing.image_format_handle) throw duplicate(p.name);
      await this.deps.imageFormats.update(existing.image_format_handle, { name: p.name, name_key: key, url_modifier: p.urlModifier, updated_at: now });
      return { imageFormatHandle: existing.image_format_handle };
    }
    if (clash) throw duplicate(p.name);
    // An IpsAdmin passes authorization for any handle; an unknown company is a 404, not a foreign-key error.
    await companyOf(this.deps.companies, p.companyHandle);
    const row: ImageFormatRow = {
      image_format_handle: newHandle.imageFormat(),
      company_handle: p.companyHandle,
      name: p.name,
      name_key: key,
      url_modifier: p.urlModifier,
      created_at: now,
      updated_at: now,
    };
    await this.deps.imageFormats.insert(row);
    return { imageFormatHandle: row.image_format_handle };
  }

  async list(p: In<typeof S.getImageFormatsParam>): Promise<Out<typeof S.getImageFormatsReturn>> {
    const rows = await this.deps.imageFormats.list(p.companyHandle);
    return {
      imageFormatArray: {
        items: rows.map((r) => ({ imageFormatHandle: r.image_format_handle, name: r.name, urlModifier: r.url_modifier })),
      },
    };
  }

  async delete(p: In<typeof S.deleteImageFormatParam>): Promise<Record<string, never>> {
    const deleted = await this.deps.imageFormats.delete(p.companyHandle, p.imageFormatHandle);
    if (deleted === 0) throw faults.notFound('imageFormatHandle', 'image format', p.imageFormatHandle);
    return {};
  }
}

function duplicate(name: string) {
  return faults.conflict('name', `An image format named '${name}' already exists in this company (names are case-insensitive)`);
}
