/** Up-front checks of component arguments, so a bad combination fails preview with the argument's name. */
import type * as pulumi from '@pulumi/pulumi';
import { ComponentArgsError } from './errors.js';

/** Fails when a plain (already known) number lies outside `[min, max]` or is not an integer. */
export function checkIntRange(
  component: string,
  arg: string,
  value: pulumi.Input<number> | undefined,
  min: number,
  max: number,
): void {
  if (typeof value !== 'number') return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ComponentArgsError(component, arg, `must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Fails when a plain string is empty or does not match a pattern. */
export function checkPattern(
  component: string,
  arg: string,
  value: pulumi.Input<string> | undefined,
  pattern: RegExp,
  rule: string,
): void {
  if (typeof value !== 'string') return;
  if (!pattern.test(value)) throw new ComponentArgsError(component, arg, `${rule}, got "${value}"`);
}
