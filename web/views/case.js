// One case: flowchart with the current step, the actions my roles may take, steps with their
// deadlines in the agency's time zone, evidence and history.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import { getJson, postJson, getBlob, sopPath } from '../api.js';
import { when, slaBadge, statusBadge, section, sopLink, bytes, toast } from '../common.js';
import { flowchart } from './flowchart.js';

const TLP = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

function refresh() { window.dispatchEvent(new Event('siaga:refresh')); }

async function act(caseId, body, button) {
  if (button) button.disabled = true;
  try {
    await postJson(`/api/cases/${encodeURIComponent(caseId)}/actions`, body);
    toast(t('action.done'));
    refresh();
  } catch (error) {
    toast(`${t('error')}: ${error.message}`, true);
    if (button) button.disabled = false;
  }
}

function actionPanel(shown, stepDefs) {
  const caseId = shown.case.id;
  const allowed = shown.actions || { steps: [], comment: false, attach: false };
  const byStep = Object.fromEntries(shown.steps.filter((s) => s.state === 'ready').map((s) => [s.step, s]));
  const blocks = allowed.steps.map((a) => {
    const note = h('input', { type: 'text', class: 'note', placeholder: t('action.note'), 'aria-label': t('action.note'), maxlength: 2000 });
    const instance = byStep[a.step];
    const buttons = [];
    if (a.actions.includes('complete')) {
      buttons.push(h('button', { type: 'button', class: 'primary', 'data-action': 'complete', onclick: (e) =>
        act(caseId, { action: 'complete', step: a.step, note: note.value || undefined }, e.currentTarget) }, t('action.complete')));
    }
    if (a.actions.includes('decide')) {
      buttons.push(h('span', { class: 'muted' }, t('action.decide')));
      for (const branch of a.branches || []) {
        buttons.push(h('button', { type: 'button', class: 'primary', 'data-action': 'decide', 'data-branch': branch, onclick: (e) =>
          act(caseId, { action: 'decide', step: a.step, branch, note: note.value || undefined }, e.currentTarget) }, branch));
      }
    }
    if (a.actions.includes('signal')) {
      buttons.push(h('span', { class: 'muted' }, t('action.signal')));
      for (const signal of a.signals || []) {
        buttons.push(h('button', { type: 'button', 'data-action': 'signal', 'data-signal': signal, onclick: (e) =>
          act(caseId, { action: 'signal', signal, note: note.value || undefined }, e.currentTarget) }, signal));
      }
    }
    const def = stepDefs[a.step] || {};
    return h('div', { class: `action-step sla-${instance ? instance.sla : 'none'}`, 'data-step': a.step },
      h('div', { class: 'qi-head' }, h('strong', {}, `${def.no ? def.no + '. ' : ''}${a.kegiatan || a.step}`), instance ? slaBadge(instance.sla) : null),
      h('div', { class: 'muted' }, `${t('col.role')}: ${a.role || '–'} · ${t('col.due')}: ${instance ? when(instance.due_at) : '–'}`),
      note, h('div', { class: 'buttons' }, buttons));
  });
  const parts = [blocks.length ? blocks : h('p', { class: 'muted', id: 'no-actions' }, t('case.no_actions'))];
  if (allowed.comment) {
    const text = h('textarea', { rows: 2, maxlength: 10000, 'aria-label': t('action.comment'), required: true });
    parts.push(h('form', { class: 'comment', onsubmit: (e) => {
      e.preventDefault();
      if (text.value.trim()) act(caseId, { action: 'comment', text: text.value.trim() }, e.submitter);
    } }, h('h3', {}, t('action.comment')), text, h('button', { type: 'submit' }, t('action.comment_send'))));
  }
  if (allowed.attach) {
    const file = h('input', { type: 'file', required: true, 'aria-label': t('action.file') });
    const tlp = h('select', { 'aria-label': 'TLP' }, TLP.map((v) => h('option', { value: v, selected: v === 'AMBER' }, `TLP:${v}`)));
    parts.push(h('form', { class: 'attach', onsubmit: async (e) => {
      e.preventDefault();
      const f = file.files[0];
      if (!f) return;
      const data = new Uint8Array(await f.arrayBuffer());
      let binary = '';
      for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
      act(caseId, { action: 'attach', name: f.name, media_type: f.type || 'application/octet-stream', tlp: tlp.value, content_base64: btoa(binary) }, e.submitter);
    } }, h('h3', {}, t('action.attach')), file, tlp, h('button', { type: 'submit' }, t('action.attach_send'))));
  }
  if (allowed.handover && (allowed.handover_to || []).length) {
    // The receivers are the agencies that oversee this case's agency (their mengawasi lists).
    const target = h('select', { name: 'handover-target', 'aria-label': t('action.handover_target'), required: true },
      allowed.handover_to.flatMap((r) => r.procedures.map((p) =>
        h('option', { value: JSON.stringify([r.agency, p]) }, `${r.nama || r.agency} · ${p}`))));
    const note = h('input', { type: 'text', class: 'note', placeholder: t('action.note'), 'aria-label': t('action.note'), maxlength: 2000 });
    parts.push(h('form', { class: 'handover', onsubmit: (e) => {
      e.preventDefault();
      const [toAgency, procedure] = JSON.parse(target.value);
      act(caseId, { action: 'handover', to_agency: toAgency, procedure, note: note.value || undefined }, e.submitter);
    } }, h('h3', {}, t('action.handover')), h('p', { class: 'muted' }, t('action.handover_hint')), target, note,
    h('button', { type: 'submit' }, t('action.handover_send'))));
  }
  return section(t('case.actions'), ...parts);
}

function detailText(detail) {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ').slice(0, 400);
}

async function download(caseId, e) {
  try {
    const blob = await getBlob(`/api/cases/${encodeURIComponent(caseId)}/evidence/${e.id}`);
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: e.name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    toast(`${t('error')}: ${error.message}`, true);
  }
}

export async function caseView(ref) {
  const shown = await getJson(`/api/cases/${encodeURIComponent(ref)}`);
  const c = shown.case;
  let procedure = null;
  try {
    procedure = await getJson(sopPath(c.procedure));
  } catch (error) {
    procedure = { id: c.procedure, title: c.procedure_title, steps: [], roles: {} };
  }
  const stepDefs = Object.fromEntries(procedure.steps.map((s) => [s.id, s]));
  const open = shown.steps.filter((s) => s.state === 'ready');
  const marks = {
    current: open.map((s) => s.step),
    breached: [...new Set(shown.steps.filter((s) => s.sla === 'breached' || s.sla === 'late').map((s) => s.step))],
    done: [...new Set(shown.steps.filter((s) => s.state === 'done').map((s) => s.step))],
  };
  document.title = `${c.number} · Siaga`;

  const summary = h('section', { class: 'card case-head' },
    h('div', { class: 'page-head' }, h('h1', { id: 'case-number' }, c.number), statusBadge(c.status), slaBadge(c.sla)),
    h('p', { class: 'case-title' }, c.title),
    h('dl', { class: 'facts' },
      h('dt', {}, t('col.procedure')), h('dd', {}, sopLink(c.procedure, c.procedure_title || c.procedure)),
      h('dt', {}, t('case.current')), h('dd', { id: 'current-step' },
        open.length ? open.map((s) => (stepDefs[s.step] ? `${stepDefs[s.step].no ? stepDefs[s.step].no + '. ' : ''}${stepDefs[s.step].kegiatan}` : s.step)).join(' | ') : '–'),
      h('dt', {}, t('case.opened')), h('dd', {}, when(c.opened_at)),
      c.closed_at ? [h('dt', {}, t('case.closed')), h('dd', {}, when(c.closed_at))] : null,
      c.outcome ? [h('dt', {}, t('case.outcome')), h('dd', {}, c.outcome)] : null,
      c.handed_over_to ? [h('dt', {}, t('case.handed_over_to')), h('dd', {},
        h('a', { href: `#/case/${encodeURIComponent(c.handed_over_to.id)}`, id: 'handed-over-to' }, c.handed_over_to.number))] : null,
      c.handed_over_from ? [h('dt', {}, t('case.handed_over_from')), h('dd', {},
        h('a', { href: `#/case/${encodeURIComponent(c.handed_over_from.id)}`, id: 'handed-over-from' }, c.handed_over_from.number))] : null,
      h('dt', {}, t('case.service')), h('dd', {}, c.sla_due_at ? [when(c.sla_due_at), ' ', slaBadge(c.sla)] : '–'),
      h('dt', {}, t('case.version')), h('dd', {}, `rev ${c.version.revision} · ${c.version.hash.slice(0, 12)}`)),
    h('p', { class: 'muted zone-note' }, t('case.zone_note', { zone: c.zona_waktu })));

  const steps = table([
    { label: t('col.step'), cell: (s) => (stepDefs[s.step] ? `${stepDefs[s.step].no ? stepDefs[s.step].no + '. ' : ''}${stepDefs[s.step].kegiatan}` : s.step) },
    { label: t('col.visit'), cell: (s) => s.visit },
    { label: t('col.role'), cell: (s) => s.role || '–' },
    { label: t('col.state'), cell: (s) => t(`state.${s.state}`) },
    { label: t('col.ready'), cell: (s) => when(s.ready_at) },
    { label: t('col.due'), cell: (s) => when(s.due_at) },
    { label: t('filter.sla'), cell: (s) => slaBadge(s.sla) },
    { label: t('col.done'), cell: (s) => (s.completed_at ? `${when(s.completed_at)}${s.completed_by ? ' · ' + s.completed_by : ''}${s.outcome ? ' · ' + s.outcome : ''}` : '–') },
  ], shown.steps, (s) => ({ class: `sla-row-${s.sla} state-${s.state}`, 'data-step': s.step }));

  const evidence = shown.evidence.length ? table([
    { label: t('col.name'), cell: (e) => e.name },
    { label: t('col.size'), cell: (e) => bytes(e.size) },
    { label: t('col.tlp'), cell: (e) => h('span', { class: `tlp tlp-${e.tlp.replace('+', '-').toLowerCase()}` }, `TLP:${e.tlp}`) },
    { label: t('col.by'), cell: (e) => e.added_by },
    { label: t('col.at'), cell: (e) => when(e.added_at) },
    { label: 'SHA-256', cell: (e) => h('code', { title: e.sha256 }, e.sha256.slice(0, 16) + '…') },
    { label: '', cell: (e) => h('button', { type: 'button', class: 'small', onclick: () => download(c.id, e) }, t('action.download')) },
  ], shown.evidence) : h('p', { class: 'muted' }, t('case.no_evidence'));

  const history = table([
    { label: t('col.at'), cell: (e) => when(e.at) },
    { label: t('col.by'), cell: (e) => e.actor },
    { label: t('col.event'), cell: (e) => e.event },
    { label: t('col.detail'), cell: (e) => detailText(e.detail), class: 'detail' },
  ], [...shown.history].reverse());

  const fields = Object.entries(c.fields || {});
  return h('div', { class: 'case-page' },
    summary,
    h('div', { class: 'two-col' },
      actionPanel(shown, stepDefs),
      section(t('case.flowchart'), await flowchart(procedure, marks, c.version.hash))),
    section(t('case.steps'), steps),
    fields.length ? section(t('case.fields'), h('dl', { class: 'facts' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]))) : null,
    section(t('case.evidence'), evidence),
    section(t('case.history'), history));
}
