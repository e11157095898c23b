/**
 * Permission checks that never prompt. Importing the library must not ask the user anything: a
 * backend that lacks a permission is simply unavailable (with the reason), and an environment
 * variable that cannot be read counts as unset.
 *
 * @module
 */

/** Whether the permission is already granted (no prompt; false where the query itself fails). */
export function granted(descriptor: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
}

/** The value of an environment variable, or `undefined` when unset or not readable without asking. */
export function readEnv(name: string): string | undefined {
  if (!granted({ name: "env", variable: name })) return undefined;
  return Deno.env.get(name) || undefined;
}

/** Whether an environment variable is set to 1, true or yes. */
export function envFlag(name: string): boolean {
  return /^(1|true|yes)$/i.test(readEnv(name) ?? "");
}
