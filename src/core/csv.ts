/**
 * CSV text for the instructor's downloads (issue 4): RFC 4180 (fields holding
 * a comma, a double quote or a line break are quoted, quotes doubled; records
 * end with CRLF, the last one too), with a guard against formula injection:
 * a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some,
 * a tab or a carriage return) as a formula, so such a text field gets a
 * leading `'`, which spreadsheets show as text. Labels come from the
 * catalogues and the course's `messages` overrides, which anyone editing the
 * course page may set.
 *
 * A withheld count (null) is an empty field: research tools read an empty
 * field as missing, which is what a withheld count is to them; a zero is `0`.
 */

/** A field: text, a number (written as JavaScript writes it, `.` for decimals), or null (empty: withheld). */
export type CsvValue = string | number | null | undefined;

/** One field as written in the file. */
export function csvField(value: CsvValue): string {
  if (value == null) return '';
  if (typeof value == 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? "'" + value : value;
  return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

/** The whole file: one record per row, CRLF after each. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/**
 * A download's file name, `tandem-{course}-{table}.csv`, with anything but
 * letters, digits, `.`, `_` and `-` replaced by `-` (course ids such as
 * `course-v1:Org+X+2026` hold characters some systems refuse in file names).
 */
export function csvFileName(course: string, table: string): string {
  return `tandem-${course}-${table}.csv`.replace(/[^\w.-]+/g, '-');
}
