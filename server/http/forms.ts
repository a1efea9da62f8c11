/** A posted form value; anything but a single string (a repeated name) reads as empty. */
export function formString(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : '';
}
