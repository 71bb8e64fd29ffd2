// The case list with filters (procedure, status, SLA), read from GET /api/cases.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import { getJson } from '../api.js';
import { when, slaBadge, statusBadge, caseLink, sopLink } from '../common.js';

function select(name, label, options, value) {
  return h('label', { class: 'field' }, label,
    h('select', { name }, h('option', { value: '' }, t('filter.any')),
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

export async function casesView(params) {
  const sops = await getJson('/api/sops');
  const query = new URLSearchParams();
  for (const key of ['procedure', 'status', 'sla']) if (params.get(key)) query.set(key, params.get(key));
  query.set('limit', '50');
  const form = h('form', { class: 'filters card', onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const el of form.querySelectorAll('select')) if (el.value) next.set(el.name, el.value);
    location.hash = `#/cases${next.toString() ? '?' + next : ''}`;
  } },
  select('procedure', t('filter.procedure'), sops.procedures.map((p) => [p.id, p.title]), params.get('procedure') || ''),
  select('status', t('filter.status'), ['open', 'waiting', 'closed', 'cancelled'].map((s) => [s, t(`status.${s}`)]), params.get('status') || ''),
  select('sla', t('filter.sla'), ['on_time', 'warning', 'breached'].map((s) => [s, t(`sla.${s}`)]), params.get('sla') || ''),
  h('button', { type: 'submit', class: 'primary' }, t('filter.apply')));

  const titles = Object.fromEntries(sops.procedures.map((p) => [p.id, p.title]));
  const columns = [
    { label: t('col.number'), cell: (c) => caseLink(c) },
    { label: t('col.title'), cell: (c) => c.title },
    { label: t('col.procedure'), cell: (c) => sopLink(c.procedure, titles[c.procedure] || c.procedure) },
    { label: t('col.status'), cell: (c) => statusBadge(c.status) },
    { label: t('col.open_steps'), cell: (c) => c.open_steps.join(', ') || '–' },
    { label: t('filter.sla'), cell: (c) => slaBadge(c.sla) },
    { label: t('col.next_due'), cell: (c) => when(c.next_due_at) },
  ];
  const holder = h('div', { id: 'case-list' });
  const more = h('button', { type: 'button', class: 'small', hidden: true }, t('cases.more'));
  let next = `/api/cases?${query}`;
  let first = true;
  async function load() {
    const page = await getJson(next);
    if (first && page.cases.length === 0) holder.append(h('p', { class: 'empty' }, t('empty.cases')));
    if (page.cases.length) holder.append(table(columns, page.cases, (c) => ({ 'data-case': c.id, class: `sla-row-${c.sla}` })));
    first = false;
    next = page.next || null;
    more.hidden = !next;
  }
  more.addEventListener('click', load);
  await load();
  return h('div', {}, h('h1', {}, t('cases.title')), form, holder, more);
}
