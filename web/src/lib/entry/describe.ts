/** aria-invalid and aria-describedby for a control rendered inside <Field id=…>. */
export function describe(
  id: string,
  errors: readonly string[] = [],
  hint = false,
): { 'aria-invalid': 'true' | undefined; 'aria-describedby': string | undefined } {
  const ids = [...(hint ? [`${id}-hint`] : []), ...errors.map((_, i) => `${id}-err-${i}`)];
  return { 'aria-invalid': errors.length ? 'true' : undefined, 'aria-describedby': ids.join(' ') || undefined };
}

/** Moves focus to the first control marked invalid inside `root` (after the DOM updated). */
export function focusFirstInvalid(root: HTMLElement | undefined): void {
  root?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
