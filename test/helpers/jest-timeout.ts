/**
 * The pipeline tests' default timeout: most finish in well under a second. Tests and hooks that
 * start PostgreSQL, bundle the workflow or run it set their own timeout, sized to that work on a
 * loaded 2-core machine.
 */
jest.setTimeout(15_000);
