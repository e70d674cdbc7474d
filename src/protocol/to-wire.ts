/** The client's direction of the wire format: typed parameters to their query-string form. */
import type { FinishUploadParams, InitUploadParams, UploadPartParams } from './schemas.js';

/** Turns typed parameters into their query-string form (`tags` become `tag.1` … `tag.N`). */
export function toWire(params: InitUploadParams | UploadPartParams | FinishUploadParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: parameters are validated first, so tags is an array and nothing else is.
    if (name === 'tags' && Array.isArray(value))
      value.forEach((tag, i) => {
        query[`tag.${i + 1}`] = String(tag);
      });
    else query[name] = String(value);
  }
  return query;
}
