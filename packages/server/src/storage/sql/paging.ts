import { sql } from 'kysely';
import type { Page } from '../records.js';

/** LIMIT/OFFSET for a 1-based page; showNumber 0 asks only for the total. */
export function window(page: Page): { limit: number; offset: number } {
  return { limit: page.showNumber, offset: (page.pageNumber - 1) * page.showNumber };
}

/** A LIKE pattern matching `text` anywhere, with its wildcards escaped (use ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * "`column` contains `text`, ignoring case": the database lowers both sides, so the keyword folds
 * as the stored text does (JavaScript lowers a word-final Σ to ς, PostgreSQL to σ).
 */
export function containsIgnoringCase(column: string, text: string) {
  return sql<boolean>`lower(${sql.ref(column)}) like lower(${containsPattern(text)}) escape '\\'`;
}
