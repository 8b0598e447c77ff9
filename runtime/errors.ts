/** Every user-facing error names the op; `fix` says what to do about it. */
export class EdgegradError extends Error {
  readonly op: string;
  constructor(op: string, message: string, fix?: string) {
    super(`${op}: ${message}${fix ? `. ${fix}` : ''}`);
    this.name = 'EdgegradError';
    this.op = op;
  }
}
export const fmtShape = (s: readonly number[]): string => `[${s.join(',')}]`;
