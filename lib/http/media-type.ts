/** The media type of a Content-Type header, without its parameters: `application/json; charset=utf-8` → `application/json`; '' when absent. */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
