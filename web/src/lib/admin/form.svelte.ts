import { tick } from 'svelte';
import type { ErrorIssue } from '$contracts/common.ts';
import { ApiError } from '$lib/api/client.ts';
import type { MessageKey } from '$lib/i18n/index.svelte.ts';

/** What a field's control needs to be tied to its label, hint and errors (see Field.svelte). */
export type ControlAttrs = { id: string; name: string; 'aria-invalid': 'true' | undefined; 'aria-describedby': string | undefined };

type Conflict = (error: ApiError) => ErrorIssue[] | MessageKey;

/**
 * One admin form's sending state: busy while the request is out (the button is disabled, a
 * second Enter does nothing), the API's field-level `issues` after a 400, a form-level message
 * otherwise, and focus moved to the first field to correct.
 */
export class AdminForm {
  busy = $state(false);
  issues = $state.raw<ErrorIssue[]>([]);
  error = $state<MessageKey | null>(null);
  /** The API's own message when it gave no field to attach it to. */
  detail = $state('');
  el = $state<HTMLFormElement | undefined>();

  /** `id` prefixes the ids of the form's fields, so two forms on a page never share one. */
  constructor(
    readonly id: string,
    private readonly fields: readonly string[],
  ) {}

  fieldId = (path: string) => `${this.id}-${path.replace(/\./g, '-')}`;

  errorsFor = (path: string): ErrorIssue[] => this.issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`));

  /** Issues no field of this form shows: listed under the form-level message. */
  get otherIssues(): ErrorIssue[] {
    return this.issues.filter((i) => !this.fields.some((f) => i.path === f || i.path.startsWith(`${f}.`)));
  }

  reset(): void {
    this.issues = [];
    this.error = null;
    this.detail = '';
  }

  /** Shows issues found before sending (a date range the wrong way round, say) like the API's. */
  async fail(issues: ErrorIssue[]): Promise<void> {
    this.issues = issues;
    this.error = 'admin.form.invalid';
    await this.focusFirstError();
  }

  /**
   * Runs `send` unless a send is already out. Answers its result, or undefined when it failed
   * (the failure is then on the form). A 409 becomes field issues when `conflict` says where.
   */
  async submit<T>(send: () => Promise<T>, opts: { conflict?: Conflict } = {}): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.reset();
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 400) {
        this.issues = e.issues;
        this.error = 'admin.form.invalid';
        if (!e.issues.length) this.detail = e.message;
      } else if (e.status === 409) {
        const answer = opts.conflict?.(e) ?? 'admin.form.conflict';
        if (Array.isArray(answer)) {
          this.issues = answer;
          this.error = 'admin.form.invalid';
        } else this.error = answer;
      } else if (e.status === 401) {
        // The layout sends the browser to the login page.
      } else if (e.status === 403) this.error = 'error.forbidden';
      else this.error = e.status === 0 ? 'error.network' : 'error.generic';
      await this.focusFirstError();
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  private async focusFirstError(): Promise<void> {
    await tick();
    const target =
      this.el?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? (this.error ? this.el?.querySelector<HTMLElement>('[data-form-error]') : null);
    target?.focus();
  }
}
