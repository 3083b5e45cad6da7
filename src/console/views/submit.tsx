import type { ComponentChildren } from 'preact';
import { EMAIL_SETTINGS } from '../../domain/schemas/common.schema.js';
import type { ConsoleTextKey, Translate } from '../i18n/index.js';
import type { Chrome } from './chrome.js';
import { Layout } from './layout.js';

export const SUBMIT_TYPES = ['reprocess', 'export', 'optimize'] as const;
export type SubmitType = (typeof SUBMIT_TYPES)[number];

/** The form's controls (each is also its element id and form field name); each job type shows some of them. */
export type SubmitControl =
  | 'jobName'
  | 'assets'
  | 'createMask'
  | 'preserveCrop'
  | 'colorManagement'
  | 'fmt'
  | 'macro'
  | 'isModifier'
  | 'emailSetting'
  | 'execTime'
  | 'description'
  | 'options';

export type SubmitValues = Readonly<Partial<Record<SubmitControl, string>>>;
export type SubmitErrors = Readonly<Partial<Record<SubmitControl, string>>>;

export interface SubmitView {
  chrome: Chrome;
  type: SubmitType;
  /** the role may submit jobs in the selected company */
  allowed: boolean;
  values: SubmitValues;
  /** an error under the control it is about */
  errors: SubmitErrors;
  /** errors no control stands for (a field the form does not show, a fault without a field) */
  formErrors: readonly string[];
  submitted?: { jobHandle: string; name: string };
}

/** The form's controls in the order it shows them: the first one with an error gets the focus. */
export const SUBMIT_CONTROLS: readonly SubmitControl[] = [
  'jobName',
  'assets',
  'createMask',
  'preserveCrop',
  'colorManagement',
  'fmt',
  'macro',
  'isModifier',
  'emailSetting',
  'execTime',
  'description',
  'options',
];

const TYPE_LABELS: Readonly<Record<SubmitType, ConsoleTextKey>> = { reprocess: 'submit.reprocess', export: 'submit.export', optimize: 'submit.optimize' };

/** An example for the JSON box: a field of the job element that the form does not show. */
const OPTIONS_EXAMPLES: Readonly<Record<SubmitType, string>> = {
  reprocess: '{ "readyForPublish": true, "unsharpMaskOptions": { "amount": 1.2, "radius": 1 } }',
  export: '{ "clientId": "my-client" }',
  optimize: '{}',
};

const EMAIL_LABELS: Readonly<Record<(typeof EMAIL_SETTINGS)[number], ConsoleTextKey>> = {
  All: 'submit.email.all',
  Error: 'submit.email.error',
  ErrorAndWarning: 'submit.email.errorAndWarning',
  JobCompletion: 'submit.email.jobCompletion',
  None: 'submit.email.none',
};

export function SubmitPage(view: SubmitView) {
  const { t } = view.chrome;
  return (
    <Layout chrome={view.chrome} title={t('submit.title')}>
      <h1>{t('submit.title')}</h1>
      {view.allowed ? (
        <>
          <Submitted t={t} submitted={view.submitted} />
          <nav aria-label={t('submit.types')}>
            <ul>
              {SUBMIT_TYPES.map((type) => (
                <li>
                  <a href={`/console/submit?type=${type}`} aria-current={type === view.type ? 'page' : undefined}>
                    {t(TYPE_LABELS[type])}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <SubmitForm view={view} />
        </>
      ) : (
        <p class="error" role="alert">
          {t('submit.notAllowed')}
        </p>
      )}
    </Layout>
  );
}

function Submitted({ t, submitted }: { t: Translate; submitted: SubmitView['submitted'] }) {
  return (
    <div id="submit-status" role="status" aria-live="polite">
      {submitted && (
        <p class="notice">
          {t('submit.accepted', { name: submitted.name })} <a href="/console/jobs">{t('submit.toJobs')}</a> ·{' '}
          <a href={`/console/logs/${encodeURIComponent(submitted.jobHandle)}`}>{t('submit.toLog')}</a>
        </p>
      )}
    </div>
  );
}

interface FormContext {
  t: Translate;
  values: SubmitValues;
  errors: SubmitErrors;
  /** the control that takes the focus when the page opens: the first with an error */
  focus?: SubmitControl;
}

function SubmitForm({ view }: { view: SubmitView }) {
  const { t } = view.chrome;
  const f: FormContext = { t, values: view.values, errors: view.errors, focus: SUBMIT_CONTROLS.find((c) => view.errors[c] !== undefined) };
  const type = view.type;
  return (
    <form method="post" action="/console/submit" class="card" aria-labelledby="submit-form-heading" novalidate>
      <h2 id="submit-form-heading">{t(TYPE_LABELS[type])}</h2>
      {type === 'optimize' && <p>{t('submit.optimizeIntro')}</p>}
      {view.formErrors.length > 0 && (
        <div class="error" role="alert" id="submit-errors">
          <p>{t('submit.refusedList')}</p>
          <ul>
            {view.formErrors.map((message) => (
              <li>{message}</li>
            ))}
          </ul>
        </div>
      )}
      <input type="hidden" name="_csrf" value={view.chrome.csrfToken} />
      <input type="hidden" name="type" value={type} />
      <Field f={f} control="jobName" label={t('submit.jobName')} hint={t('submit.jobNameHint')}>
        <input type="text" required maxLength={256} value={f.values.jobName} {...controlProps(f, 'jobName', true)} />
      </Field>
      {type !== 'optimize' && (
        <Field f={f} control="assets" label={t('submit.assets')} hint={t('submit.assetsHint')}>
          <textarea rows={5} {...controlProps(f, 'assets', true)}>
            {f.values.assets}
          </textarea>
        </Field>
      )}
      {type === 'reprocess' && <ReprocessOptions f={f} />}
      {type === 'export' && <ExportOptions f={f} />}
      <Field f={f} control="emailSetting" label={t('submit.emailSetting')}>
        <Select f={f} control="emailSetting" options={EMAIL_SETTINGS.map((s) => [s, t(EMAIL_LABELS[s])])} />
      </Field>
      <Field f={f} control="execTime" label={t('submit.execTime')} hint={t('submit.execTimeHint')}>
        <input type="datetime-local" value={f.values.execTime} {...controlProps(f, 'execTime', true)} />
      </Field>
      <Field f={f} control="description" label={t('submit.description')}>
        <input type="text" maxLength={4096} value={f.values.description} {...controlProps(f, 'description', false)} />
      </Field>
      <Field
        f={f}
        control="options"
        label={t('submit.options')}
        hint={`${t('submit.optionsHint')} ${t('submit.optionsExample', { example: OPTIONS_EXAMPLES[type] })}`}
      >
        <textarea rows={4} spellcheck={false} {...controlProps(f, 'options', true)}>
          {f.values.options}
        </textarea>
      </Field>
      <div>
        <button type="submit">{t('submit.send')}</button>
      </div>
    </form>
  );
}

function ReprocessOptions({ f }: { f: FormContext }) {
  const { t } = f;
  const yesNo: ReadonlyArray<readonly [string, string]> = [
    ['true', t('submit.yes')],
    ['false', t('submit.no')],
  ];
  return (
    <>
      <Field f={f} control="createMask" label={t('submit.createMask')} hint={t('submit.createMaskHint')}>
        <Select f={f} control="createMask" options={yesNo} hint />
      </Field>
      <Field f={f} control="preserveCrop" label={t('submit.preserveCrop')} hint={t('submit.preserveCropHint')}>
        <Select f={f} control="preserveCrop" options={yesNo} hint />
      </Field>
      <Field f={f} control="colorManagement" label={t('submit.colorManagement')} hint={t('submit.colorManagementHint')}>
        <Select
          f={f}
          control="colorManagement"
          hint
          options={[
            ['', t('submit.unset')],
            ['Default', t('submit.color.default')],
            ['MaintainOriginal', t('submit.color.maintainOriginal')],
            ['Convert', t('submit.color.convert')],
          ]}
        />
      </Field>
    </>
  );
}

function ExportOptions({ f }: { f: FormContext }) {
  const { t } = f;
  return (
    <>
      <Field f={f} control="fmt" label={t('submit.fmt')} hint={t('submit.fmtHint')}>
        <Select
          f={f}
          control="fmt"
          hint
          options={[
            ['orig', t('submit.fmt.orig')],
            ['convert', t('submit.fmt.convert')],
          ]}
        />
      </Field>
      <Field f={f} control="macro" label={t('submit.macro')} hint={t('submit.macroHint')}>
        <input type="text" value={f.values.macro} {...controlProps(f, 'macro', true)} />
      </Field>
      <Field f={f} control="isModifier" label={t('submit.isModifier')} hint={t('submit.isModifierHint')}>
        <input type="text" value={f.values.isModifier} {...controlProps(f, 'isModifier', true)} />
      </Field>
    </>
  );
}

/** A label, the control, its error right under it (read with the control through aria-describedby), then its hint. */
function Field({ f, control, label, hint, children }: { f: FormContext; control: SubmitControl; label: string; hint?: string; children: ComponentChildren }) {
  const error = f.errors[control];
  return (
    <div class="stack">
      <label for={control}>{label}</label>
      {children}
      {error && (
        <p id={`${control}-error`} class="field-error" role="alert">
          {error}
        </p>
      )}
      {hint && (
        <p id={`${control}-hint`} class="message">
          {hint}
        </p>
      )}
    </div>
  );
}

function Select({ f, control, options, hint }: { f: FormContext; control: SubmitControl; options: ReadonlyArray<readonly [string, string]>; hint?: boolean }) {
  const value = f.values[control] ?? '';
  return (
    <select {...controlProps(f, control, hint === true)}>
      {options.map(([v, label]) => (
        <option value={v} selected={v === value}>
          {label}
        </option>
      ))}
    </select>
  );
}

function controlProps(f: FormContext, control: SubmitControl, hasHint: boolean) {
  const error = f.errors[control];
  const describedBy = [error ? `${control}-error` : '', hasHint ? `${control}-hint` : ''].filter(Boolean).join(' ');
  return {
    id: control,
    name: control,
    ...(error ? { 'aria-invalid': 'true' as const } : {}),
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(f.focus === control ? { autofocus: true } : {}),
  };
}
