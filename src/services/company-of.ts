import type { CompanyRepository, CompanyRow } from '../adapters/repositories/company.repository.js';
import { faults } from '../domain/faults.js';

/**
 * The company a request names. Authorization has checked the caller's role
 * there, but an IpsAdmin passes it for any handle and a company can be gone,
 * so an unknown one is the usual 404 naming companyHandle, never a
 * foreign-key error further on.
 */
export async function companyOf(companies: Pick<CompanyRepository, 'findByHandle'>, companyHandle: string): Promise<CompanyRow> {
  const company = await companies.findByHandle(companyHandle);
  if (!company) throw faults.notFound('companyHandle', 'company', companyHandle);
  return company;
}
