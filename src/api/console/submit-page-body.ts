import { chunks } from '../../domain/chunks.js';
import { FaultCode, IpsFault } from '../../domain/faults.js';
import { nameKey } from '../../domain/handles.js';
import type { JobElement } from '../../domain/schemas/job.schema.js';
import type { Translate } from '../../console/i18n/index.js';
import { SUBMIT_CONTROLS, type SubmitControl, type SubmitErrors, type SubmitType, type SubmitValues } from '../../console/views/submit.js';
import type { SignedIn } from './console-gate.js';

/** The job element each form type submits. */
export const ELEMENTS: Readonly<Record<SubmitType, JobElement>> = {
  reprocess: 'reprocessAssetsJob',
  export: 'exportJob',
  optimize: 'optimizeImagesJob',
};

/**
 * The element fields the form shows as controls, by type: a fault on one of
 * them (or inside it) is shown under that control; a fault on any other field
 * of the element under the JSON box, where such fields are written.
 */
const ELEMENT_CONTROLS: Readonly<Record<SubmitType, ReadonlyArray<readonly [string, SubmitControl]>>> = {
  reprocess: [
    ['assetHandleArray', 'assets'],
    ['createMask', 'createMask'],
    ['preserveCrop', 'preserveCrop'],
    ['colorManagementOptions.colorManagement', 'colorManagement'],
    ['emailSetting', 'emailSetting'],
  ],
  export: [
    ['assetHandleArray', 'assets'],
    ['fmt', 'fmt'],
    ['macro', 'macro'],
    ['is_modifier', 'isModifier'],
    ['emailSetting', 'emailSetting'],
  ],
  optimize: [['emailSetting', 'emailSetting']],
};

/** submitJob's own fields that the form shows. */
const PARAM_CONTROLS: ReadonlyArray<readonly [string, SubmitControl]> = [
  ['jobName', 'jobName'],
  ['execTime', 'execTime'],
  ['description', 'description'],
];

/** What a fresh form holds: the CLI's defaults (docs/cli.md), no e-mail, and the service's default of keeping crops. */
export function defaultValues(type: SubmitType): SubmitValues {
  const common = { emailSetting: 'None' };
  if (type === 'reprocess') return { ...common, createMask: 'false', preserveCrop: 'true', colorManagement: '' };
  if (type === 'export') return { ...common, fmt: 'orig' };
  return common;
}

/** The posted values, as typed: a refused form comes back with them. */
export function postedValues(form: Readonly<Record<string, string>>): SubmitValues {
  return Object.fromEntries(SUBMIT_CONTROLS.filter((c) => form[c] !== undefined).map((c) => [c, form[c]]));
}

/** A mistake the console finds before the operation runs (the JSON box), shown under its control. */
export class FormError extends Error {
  constructor(
    readonly control: SubmitControl,
    message: string,
  ) {
    super(message);
  }
}

/**
 * submitJob's body from the form: the controls' fields, then the JSON box's
 * fields merged over them (objects merged key by key, so
 * {"colorManagementOptions": {"outputProfileHandle": …}} adds to the chosen
 * colour management). Everything is then checked by submitJob itself.
 */
export async function submitBody(s: SignedIn, type: SubmitType, values: SubmitValues): Promise<Record<string, unknown>> {
  const { t } = s.chrome;
  const companyHandle = s.companyHandle!;
  const extra = parseOptions(t, values.options ?? '');
  const element = ELEMENTS[type];
  const fromForm: Record<string, unknown> = { emailSetting: values.emailSetting ?? 'None' };
  if (type !== 'optimize') fromForm.assetHandleArray = await assetHandles(s, companyHandle, lines(values.assets ?? ''), `${element}.assetHandleArray`);
  if (type === 'reprocess') {
    fromForm.createMask = bool(values.createMask);
    fromForm.preserveCrop = bool(values.preserveCrop);
    if (values.colorManagement) fromForm.colorManagementOptions = { colorManagement: values.colorManagement };
  }
  if (type === 'export') {
    fromForm.fmt = values.fmt ?? 'orig';
    if (values.macro?.trim()) fromForm.macro = values.macro.trim();
    if (values.isModifier?.trim()) fromForm.is_modifier = values.isModifier.trim();
  }
  const description = values.description?.trim();
  const execTime = values.execTime?.trim();
  return {
    companyHandle,
    jobName: values.jobName ?? '',
    // The job's e-mails and log texts in the language the console is read in.
    locale: s.chrome.locale,
    ...(description ? { description } : {}),
    ...(execTime ? { execTime: utcDateTime(execTime) } : {}),
    [element]: merged(fromForm, extra),
  };
}

/** Where a fault of submitJob (or of the asset look-up) is shown: under a control, or in the form's list of errors. */
export function placeFault(type: SubmitType, fault: IpsFault): { errors: SubmitErrors; formErrors: string[] } {
  const control = fault.field ? controlOf(type, fault.field) : undefined;
  if (control) return { errors: { [control]: fault.message }, formErrors: [] };
  return { errors: {}, formErrors: [fault.message] };
}

function controlOf(type: SubmitType, field: string): SubmitControl | undefined {
  const element = ELEMENTS[type];
  const param = PARAM_CONTROLS.find(([name]) => within(field, name));
  if (param) return param[1];
  if (!within(field, element)) return undefined;
  const rest = field.slice(element.length + 1);
  return ELEMENT_CONTROLS[type].find(([name]) => within(rest, name))?.[1] ?? 'options';
}

/** field is `name` itself or a part of it (name.x, name[3]). */
function within(field: string, name: string): boolean {
  return field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`);
}

function parseOptions(t: Translate, text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FormError('options', t('submit.jsonInvalid', { message: (err as Error).message }));
  }
  if (!isPlainObject(value)) throw new FormError('options', t('submit.jsonNotObject'));
  return value;
}

function merged(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isPlainObject(below) && isPlainObject(value) ? merged(below, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The selects send true/false; anything else goes to submitJob as sent, which names the field. */
function bool(value: string | undefined): unknown {
  return value === 'true' ? true : value === 'false' ? false : value;
}

/**
 * A datetime-local value has no zone; the form says the time is UTC. Other
 * text goes on unchanged, so submitJob's own check names execTime.
 */
function utcDateTime(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return `${value}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) return `${value}Z`;
  return value;
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** getAssets and getAssetsByName take at most this many handles or names a call. */
const LOOKUP_CHUNK = 1000;
/** Handles and names are at most this long (common.schema handle, asset-lifecycle assetName). */
const MAX_LENGTH = 512;

/**
 * Each line is a live asset's handle, else a live asset's name (compared as
 * IPS does, case-insensitively). Both look-ups are the caller's own
 * operations, so they see only the selected company's assets. A line that is
 * neither is refused here, naming its place in assetHandleArray, as the export
 * check does for a handle: a reprocess job would only fail that item later.
 */
async function assetHandles(s: SignedIn, companyHandle: string, wanted: readonly string[], field: string): Promise<string[]> {
  const lookable = [...new Set(wanted.filter((l) => l.length <= MAX_LENGTH))];
  const live = new Set<string>();
  for (const chunk of chunks(lookable, LOOKUP_CHUNK)) {
    const found = await s.run('getAssets', { companyHandle, assetHandleArray: chunk });
    for (const a of found.assetArray.items) if (a.trashState === 'NotInTrash') live.add(a.assetHandle);
  }
  const byName = new Map<string, string>();
  for (const chunk of chunks(
    lookable.filter((l) => !live.has(l)),
    LOOKUP_CHUNK,
  )) {
    const found = await s.run('getAssetsByName', { companyHandle, nameArray: chunk });
    for (const a of found.assetArray.items) byName.set(nameKey(a.name), a.assetHandle);
  }
  return wanted.map((line, i) => {
    const handle = live.has(line) ? line : byName.get(nameKey(line));
    if (handle) return handle;
    const at = `${field}[${i}]`;
    throw new IpsFault(FaultCode.InvalidParameter, s.chrome.t('submit.assetUnknown', { field: at, line }), at, 'notFound');
  });
}
