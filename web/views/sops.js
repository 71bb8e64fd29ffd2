// Procedures: the list with load errors (GET /api/sops), and one procedure with its versions,
// steps and the rendered SOP document (GET /api/sops/{id}/document, from siaga render).
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import { getJson, getText, sopPath } from '../api.js';
import { when, section, sopLink } from '../common.js';
import { flowchart } from './flowchart.js';

export async function sopsView() {
  const data = await getJson('/api/sops');
  const list = table([
    { label: t('col.procedure'), cell: (p) => sopLink(p.id, p.title) },
    { label: 'ID', cell: (p) => h('code', {}, p.id) },
    { label: t('col.agency'), cell: (p) => p.instansi || '–' },
    { label: t('col.revision'), cell: (p) => p.revision },
    { label: t('col.zone'), cell: (p) => p.zona_waktu },
    { label: t('col.service'), cell: (p) => p.sla_kasus || '–' },
  ], data.procedures, (p) => ({ 'data-sop': p.id }));
  const errors = data.load_errors.length
    ? h('ul', { class: 'load-errors', id: 'load-errors' }, data.load_errors.map((e) => h('li', {}, h('code', {}, e))))
    : h('p', { class: 'ok' }, t('sops.no_errors'));
  const reload = data.last_reload
    ? h('p', { class: 'muted' }, `${t('sops.last_reload')}: ${when(data.last_reload.at)} · ${data.last_reload.reason || ''}`)
    : null;
  return h('div', {}, h('h1', {}, t('sops.title')),
    section(t('sops.errors'), errors, reload),
    h('section', { class: 'card' }, list));
}

// The document is a whole HTML page: shown in a sandboxed frame (no scripts, its own origin).
function documentFrame(html) {
  return h('iframe', { class: 'sop-document', sandbox: '', srcdoc: html, title: t('sop.document'), loading: 'lazy' });
}

export async function sopView(id) {
  const p = await getJson(sopPath(id));
  const identity = Object.entries(p.identitas || {}).filter(([, v]) => v !== null && typeof v !== 'object');
  const roles = (p.role_order || Object.keys(p.roles)).map((key) => [key, p.roles[key]]);
  const steps = table([
    { label: t('col.no'), cell: (s) => s.no || '·' },
    { label: t('col.kegiatan'), cell: (s) => [s.kegiatan || s.id, s.inferred ? h('span', { class: 'inferred' }, ` (${t('flow.inferred')})`) : null] },
    { label: t('col.kind'), cell: (s) => t(`kind.${s.kind}`) },
    { label: t('col.role'), cell: (s) => (s.role ? (p.roles[s.role] ? p.roles[s.role].label : s.role) : '–') },
    { label: t('col.waktu'), cell: (s) => s.waktu || '–' },
    { label: 'ID', cell: (s) => h('code', {}, s.id) },
  ], p.steps, (s) => ({ 'data-step': s.id }));
  const versions = table([
    { label: t('col.hash'), cell: (v) => h('code', { title: v.hash }, v.hash.slice(0, 12)) },
    { label: t('col.revision'), cell: (v) => v.revision },
    { label: t('col.file'), cell: (v) => v.file },
    { label: t('col.published'), cell: (v) => v.published_at },
    { label: t('col.cases'), cell: (v) => v.cases },
  ], [...(p.versions || [])].reverse(), (v) => ({ class: v.hash === p.hash ? 'current-version' : null }));
  let documentNode;
  try {
    const html = await getText(`${sopPath(id)}/document`, 'text/html');
    documentNode = html ? documentFrame(html) : h('p', { class: 'muted', id: 'no-document' }, t('sop.no_document'));
  } catch (error) {
    documentNode = h('p', { class: 'error' }, error.message);
  }
  return h('div', {},
    h('div', { class: 'page-head' }, h('h1', {}, p.title), h('a', { href: `#/cases?procedure=${encodeURIComponent(p.id)}`, class: 'button small' }, t('sop.open_cases'))),
    h('p', { class: 'muted' }, h('code', {}, p.id), ` · ${p.instansi || ''} · ${p.zona_waktu} · rev ${p.revision}`),
    section(t('sop.identity'), h('dl', { class: 'facts' }, identity.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]))),
    section(t('sop.roles'), h('ul', {}, roles.map(([key, r]) => h('li', {}, h('code', {}, key), ` ${r ? r.label : ''}`, r && r.inferred ? h('span', { class: 'inferred' }, ` (${t('flow.inferred')})`) : null)))),
    section(t('case.flowchart'), await flowchart(p, { current: [], breached: [], done: [] }, p.hash)),
    section(t('sop.steps'), steps),
    section(t('sop.versions'), versions),
    section(t('sop.document'), documentNode));
}
