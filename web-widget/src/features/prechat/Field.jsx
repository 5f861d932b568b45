import { MAX_FIELD_VALUE_LEN, MAX_TEXTAREA_LEN } from '../../lib/validation.js';
import { t } from '../../i18n/index.js';

/**
 * One pre-chat form field rendered by its type. Errors sit under the field
 * and are tied to it with aria-describedby.
 */
const inputCls =
  'block w-full rounded-lg border bg-white px-3 py-2 text-base text-gray-900 placeholder:text-gray-500 ' +
  'focus:outline-none focus:ring-2 focus:ring-primary focus:border-primary';

export function Field({ field, value, error, onChange, onBlur, idPrefix }) {
  const id = `${idPrefix}-${field.key}`;
  const errId = `${id}-error`;
  const border = error ? 'border-red-600' : 'border-gray-300';
  const common = {
    id,
    name: field.key,
    'aria-invalid': error ? 'true' : 'false',
    'aria-describedby': error ? errId : undefined,
    'aria-required': field.required ? 'true' : undefined,
    onBlur,
    'data-field': field.key,
  };
  const label = (
    <>
      {field.label}
      {field.required && <span className="text-red-700" aria-hidden="true"> *</span>}
    </>
  );
  let control;
  switch (field.type) {
    case 'textarea':
      control = (
        <textarea
          {...common}
          rows={3}
          maxLength={MAX_TEXTAREA_LEN}
          className={`${inputCls} ${border} resize-none`}
          value={value || ''}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      );
      break;
    case 'select':
      control = (
        <div className="relative">
          <select
            {...common}
            className={`${inputCls} ${border} appearance-none pr-9 ${value ? '' : 'text-gray-500'}`}
            value={value || ''}
            onChange={(e) => onChange(e.currentTarget.value)}
          >
            <option value="">{t('choose')}</option>
            {(field.options || []).map((o) => (
              <option key={o} value={o}>{o}</option>
            ))}
          </select>
          <svg aria-hidden="true" viewBox="0 0 20 20" className="pointer-events-none absolute right-3 inset-y-0 my-auto w-4 h-4 text-gray-500" fill="currentColor">
            <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4z" />
          </svg>
        </div>
      );
      break;
    case 'checkbox':
      return (
        <div className="mb-3">
          <label htmlFor={id} className="flex items-start gap-2.5 cursor-pointer text-sm text-gray-800">
            <input
              {...common}
              type="checkbox"
              className="mt-0.5 w-5 h-5 shrink-0 rounded accent-primary cursor-pointer"
              checked={value === true}
              onChange={(e) => onChange(e.currentTarget.checked)}
            />
            <span>{label}</span>
          </label>
          {error && <FieldError id={errId} text={error} />}
        </div>
      );
    default:
      control = (
        <input
          {...common}
          type={field.type === 'phone' ? 'tel' : 'text'}
          inputMode={field.type === 'phone' ? 'tel' : undefined}
          autoComplete={field.type === 'phone' ? 'tel' : field.key === 'name' ? 'name' : field.key === 'address' ? 'street-address' : 'off'}
          maxLength={MAX_FIELD_VALUE_LEN}
          placeholder={field.type === 'phone' ? '0912 345 678' : undefined}
          className={`${inputCls} ${border}`}
          value={value || ''}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
  return (
    <div className="mb-3">
      <label htmlFor={id} className="block mb-1 text-sm font-medium text-gray-800">{label}</label>
      {control}
      {error && <FieldError id={errId} text={error} />}
    </div>
  );
}

function FieldError({ id, text }) {
  return (
    <p id={id} className="mt-1 text-[13px] text-red-700" data-testid="field-error">{text}</p>
  );
}
