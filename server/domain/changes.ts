/**
 * Where verbs announce what they changed, after it is committed, so live dashboards can
 * follow. Optional: a CLI run or a test without live updates leaves it out.
 */
export type ChangeSink = {
  /** Cells of this product on these business dates changed (and so the projects that count them). */
  cellsChanged(productCode: string, dates: Iterable<string>): void;
  /** A project was created (or its definition changed). */
  projectsChanged(): void;
};
