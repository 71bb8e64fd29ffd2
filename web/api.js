// The REST API with the signed-in token (kept in sessionStorage: this tab only).
const KEY = 'siaga.token';

export function token() { return sessionStorage.getItem(KEY) || ''; }
export function setToken(value) { if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY); }

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
  }
}

async function call(method, path, body, accept = 'application/json') {
  const headers = { Authorization: `Bearer ${token()}`, Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  if (response.status === 401) window.dispatchEvent(new CustomEvent('siaga:unauthorized'));
  return response;
}

export async function getJson(path) {
  const response = await call('GET', path);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function postJson(path, payload) {
  const response = await call('POST', path, payload);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

// Text (HTML, SVG) or null when the server has no such resource (404).
export async function getText(path, accept = '*/*') {
  const response = await call('GET', path, undefined, accept);
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.text();
}

export async function getBlob(path) {
  const response = await call('GET', path);
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.blob();
}

// "/api/sops/" + id, keeping the slash of "agency/procedure" ids.
export function sopPath(id) { return '/api/sops/' + id.split('/').map(encodeURIComponent).join('/'); }
