import { faults } from '../domain/faults.js';

/**
 * IPS password rules (Adobe IPS: operation-methods/operation-parameters/r-set-password):
 * case-sensitive, at least 8 characters, drawn from lower case, upper case,
 * digits and symbols. The docs
 * are ambiguous about whether every class is mandatory; we require three of
 * the four, which accepts the documented sample and refuses single-class
 * passwords such as "password".
 */
export function assertPasswordAllowed(password: string, field = 'password'): void {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (password.length < 8 || password.length > 128 || classes < 3) {
    throw faults.invalid(
      field,
      '8 to 128 characters using at least three of: lower case, upper case, digits, symbols',
      `a password of ${password.length} characters using ${classes} of those classes`,
    );
  }
}
