// Small pieces shared by the views.
import { h } from './dom.js';
import { t } from './i18n.js';

// "2026-01-05T09:10:00+07:00 WIB" (as the API gives `local`) -> "2026-01-05 09:10 WIB".
export function when(instant) {
  if (!instant) return '–';
  const local = typeof instant === 'string' ? instant : instant.local || instant.utc || '';
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)(?::\d\d)?(?:[+-]\d\d:?\d\d|Z)?\s*(.*)$/.exec(local);
  return m ? `${m[1]} ${m[2]}${m[3] ? ' ' + m[3] : ''}` : local;
}

export function slaBadge(state) {
  const s = state || 'none';
  return h('span', { class: `badge sla-${s}`, 'data-sla': s }, t(`sla.${s}`));
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, t(`status.${status}`));
}

export function caseLink(c) {
  return h('a', { href: `#/case/${encodeURIComponent(c.id)}` }, c.number || `#${c.id}`);
}

export function sopLink(id, label) {
  return h('a', { href: `#/sop/${encodeURIComponent(id)}` }, label || id);
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${error.message || error}`);
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

let toastTimer = 0;
export function hideToast() {
  clearTimeout(toastTimer);
  document.getElementById('toast').className = '';
}
export function toast(message, isError = false) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = isError ? 'show error' : 'show';
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = ''; }, 4000);
}
