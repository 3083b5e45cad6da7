import type { z } from 'zod';
import { OPERATION_ACCESS, type OperationName } from '../domain/roles.js';
import * as account from '../domain/schemas/account.schema.js';
import * as asset from '../domain/schemas/asset.schema.js';
import { emptyReturn } from '../domain/schemas/common.schema.js';
import * as formats from '../domain/schemas/image-format.schema.js';

export interface OperationSpec {
  param: z.ZodType;
  return: z.ZodType;
  summary: string;
}

/**
 * Every JSON operation: its input and output schemas (the same ones that
 * validate requests generate the OpenAPI document) and a one-line summary.
 */
export const OPERATIONS = {
  checkLogin: { param: account.checkLoginParam, return: account.checkLoginReturn, summary: 'Checks an e-mail/password pair (optionally for one company).' },
  addCompany: { param: account.addCompanyParam, return: account.addCompanyReturn, summary: 'Creates a company.' },
  getCompanyInfo: { param: account.getCompanyInfoParam, return: account.getCompanyInfoReturn, summary: 'Returns a company by handle, name or IMS org id.' },
  getAllCompanies: { param: account.getAllCompaniesParam, return: account.getAllCompaniesReturn, summary: 'Lists every company (IpsAdmin only).' },
  addUser: { param: account.addUserParam, return: account.addUserReturn, summary: 'Creates a user with company memberships.' },
  getUsers: { param: account.getUsersParam, return: account.getUsersReturn, summary: 'Lists users of the companies the caller administers.' },
  setPassword: { param: account.setPasswordParam, return: emptyReturn, summary: "Sets the caller's (or, for IpsAdmin, any user's) password." },
  searchAssets: { param: asset.searchAssetsParam, return: asset.searchAssetsReturn, summary: 'Finds assets by folder, type, publish state and system fields, paged.' },
  getAssets: { param: asset.getAssetsParam, return: asset.getAssetsReturn, summary: 'Returns assets by handle (unknown handles are left out).' },
  setAssetPublishState: { param: asset.setAssetPublishStateParam, return: emptyReturn, summary: 'Marks or unmarks an asset for publish.' },
  saveImageFormat: { param: formats.saveImageFormatParam, return: formats.saveImageFormatReturn, summary: 'Creates or updates an image preset (IS macro).' },
  getImageFormats: { param: formats.getImageFormatsParam, return: formats.getImageFormatsReturn, summary: "Lists the company's image presets." },
  deleteImageFormat: { param: formats.deleteImageFormatParam, return: emptyReturn, summary: 'Deletes an image preset.' },
} as const satisfies Partial<Record<OperationName, OperationSpec>>;

export type JsonOperation = keyof typeof OPERATIONS;
export type OperationParam<N extends JsonOperation> = z.output<(typeof OPERATIONS)[N]['param']>;

export function rolesOf(name: OperationName): readonly string[] {
  return OPERATION_ACCESS[name].roles;
}
