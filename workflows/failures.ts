/** The innermost failure of a chain (ActivityFailure → ApplicationFailure …): what the operator should read. */
export function failureOf(err: unknown): { type: string; message: string } {
  let e = err as { message?: string; type?: string; cause?: unknown } | undefined;
  while (e?.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return { type: e?.type ?? 'Error', message: e?.message ?? String(err) };
}

export function describeFailure(err: unknown): string {
  return failureOf(err).message;
}
