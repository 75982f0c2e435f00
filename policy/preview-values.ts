/**
 * Values unknown during `pulumi preview`. @pulumi/policy hands policies a proxy that throws
 * `UnknownValueError` when a policy reads a property the engine does not know yet (an ARN or ID of a
 * resource still to be created), and then reports the whole policy as "can't run during preview". Stack
 * policies read many resources at once; reading each property through these helpers lets one unknown
 * value skip one comparison instead of the whole check.
 */
import { UnknownValueError } from '@pulumi/policy';

/** Marks a value the engine does not know yet. */
export const UNKNOWN: unique symbol = Symbol('unknown during preview');

/** The value `read` returns, or {@link UNKNOWN} when the engine does not know it yet. */
export function readValue<T>(read: () => T): T | typeof UNKNOWN {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return UNKNOWN;
    throw error;
  }
}

/** The value `read` returns, or `undefined` when it is not known yet. */
export function known<T>(read: () => T): T | undefined {
  const value = readValue(read);
  return value === UNKNOWN ? undefined : value;
}
