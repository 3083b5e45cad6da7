/**
 * Job-log message catalog. Details are stored as a key plus arguments and
 * rendered when read, so the same row can be shown in the reader's locale.
 * English is the reference and the fallback.
 */
export const MESSAGES_EN = {
  uploadBegun: 'Upload has begun!',
  uploadEnded: 'Upload has ended: {total} files, {success} new, {updated} updated, {duplicate} skipped as duplicates, {error} failed',
  uploadEndedIdle: 'Upload ended after {seconds} seconds without a further post: {total} files, {success} new, {updated} updated, {duplicate} skipped, {error} failed',
  value: '{value}',
  fileProcessed: '{path} was processed into IPS',
  fileUpdated: '{path} replaced the existing asset {name}',
  fileDuplicate: '{path} was skipped: an asset named {name} already exists and overwrite is false',
  fileError: '{path} failed: {reason}',
  fileWarning: '{path}: {reason}',
} as const;

export type MessageKey = keyof typeof MESSAGES_EN;

export function renderMessage(key: string, args: Record<string, string | number>): string {
  const template: string = (MESSAGES_EN as Record<string, string>)[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in args ? String(args[name]) : `{${name}}`));
}
