import { readFileSync } from 'node:fs';
import { prepareIssueTexts } from '@fixloop/clustering';

/** One labeled report of a duplicate dataset (see ../shared/datasets/README.md). */
export interface LabeledReport {
  id: string;
  title: string;
  body: string;
  group: string;
}

/** Reads a JSONL dataset in file order (chronological), optionally only the first `limit` reports. */
export function loadDataset(path: string, limit?: number): LabeledReport[] {
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as LabeledReport);
  return limit ? rows.slice(0, limit) : rows;
}

/** The texts production clusters: title, blank line, body cut to 1,500 characters. */
export function preparedTexts(rows: readonly LabeledReport[]): string[] {
  return prepareIssueTexts(rows, 1500);
}
