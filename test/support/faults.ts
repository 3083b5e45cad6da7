import { expect } from 'vitest';
import { IpsFault } from '../../src/domain/faults.js';

/** Returns the IpsFault that `fn` throws; fails the test if it throws nothing or something else. */
export function faultOf(fn: () => unknown): IpsFault {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IpsFault);
    return err as IpsFault;
  }
  throw new Error('expected an IpsFault, but nothing was thrown');
}
