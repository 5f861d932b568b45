import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { login } from '../api/auth.js';
import { authStore } from '../auth-store.js';
import { useAuth } from '../hooks/useAuth.js';
import { Alert, Brand, Button, Field, Spinner, inputClass } from '../../../components/ui/index.jsx';
import { ERROR_CODE } from '../../../lib/api-client/index.js';
import { fieldAria, hasErrors, rules, validate } from '../../../lib/validation/index.js';

const SCHEMA = { email: [rules.required('email'), rules.email()], password: [rules.required('mật khẩu')] };

export function LoginPage() {
  const { session, notice } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState({});

  if (session) return <Navigate to={location.state?.from || '/'} replace />;

  const onSubmit = async (e) => {
    e.preventDefault();
    setError(null);
    const bad = validate(SCHEMA, { email, password });
    setInvalid(bad);
    if (hasErrors(bad)) {
      document.getElementById(Object.keys(bad)[0])?.focus();
      return;
    }
    setBusy(true);
    try {
      const res = await login(email.trim(), password);
      authStore.setSession({ token: res.token, expiresAt: res.expiresAt, agent: res.agent });
      authStore.setLoginNotice(res.notice || null);
      navigate(location.state?.from || '/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const errorText = error
    ? error.code === ERROR_CODE.UNAUTHORIZED
      ? 'Email hoặc mật khẩu không đúng.'
      : error.message
    : null;

  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-100 to-blue-50 px-4">
      <div className="w-full max-w-sm">
        <Brand size="lg" />
        <form onSubmit={onSubmit} noValidate className="space-y-4 rounded-xl bg-white p-6 shadow-lg ring-1 ring-slate-200" aria-label="Đăng nhập" data-testid="login-form">
          <div>
            <h1 className="text-lg font-semibold text-slate-900">Đăng nhập</h1>
            <p className="text-sm text-slate-600">Dành cho nhân viên hỗ trợ và quản trị viên.</p>
          </div>
          {notice && !error && <Alert tone="warn">{notice}</Alert>}
          {errorText && <Alert>{errorText}{error?.retryAfter ? ` (thử lại sau ${error.retryAfter} giây)` : ''}</Alert>}
          <Field label="Email" htmlFor="email" error={invalid.email || error?.fields?.email}>
            <input id="email" name="email" type="email" autoComplete="username" aria-required="true" {...fieldAria('email', invalid.email || error?.fields?.email)} value={email} onChange={(e) => setEmail(e.target.value)} className={inputClass} placeholder="ban@congty.vn" />
          </Field>
          <Field label="Mật khẩu" htmlFor="password" error={invalid.password || error?.fields?.password}>
            <input id="password" name="password" type="password" autoComplete="current-password" aria-required="true" {...fieldAria('password', invalid.password || error?.fields?.password)} value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
          </Field>
          <Button type="submit" className="w-full" disabled={busy}>
            {busy && <Spinner />} Đăng nhập
          </Button>
        </form>
      </div>
    </main>
  );
}

export default LoginPage;
