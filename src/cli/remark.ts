/** A warning or a note a command prints on stderr (and `report --json` keeps in its `warnings`). */
export type RemarkKind = 'Warning' | 'Note';

/** `Warning: …` / `Note: …`: the one form of every warning and note on stderr, whichever command says it. */
export function remarkLine(kind: RemarkKind, text: string): string {
  return `${kind}: ${text}`;
}
