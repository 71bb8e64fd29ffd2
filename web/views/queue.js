// My queue: the open steps my roles own, soonest deadline first, coloured by SLA state.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { getJson } from '../api.js';
import { when, slaBadge } from '../common.js';

let showAll = false;

export async function queueView(me) {
  const broad = me.roles.includes('admin') || me.roles.includes('pengamat');
  const data = await getJson(`/api/queue${showAll && broad ? '?scope=all' : ''}`);
  const toggle = broad
    ? h('button', { type: 'button', class: 'small', onclick: () => { showAll = !showAll; window.dispatchEvent(new Event('siaga:refresh')); } },
      showAll ? t('queue.mine') : t('queue.all'))
    : null;
  const items = data.items.map((item) => h('li', { class: `queue-item sla-${item.sla}`, 'data-sla': item.sla, 'data-case': item.case.id },
    h('a', { href: `#/case/${item.case.id}` },
      h('div', { class: 'qi-head' }, h('strong', {}, item.case.number), slaBadge(item.sla)),
      h('div', { class: 'qi-title' }, item.case.title || item.case.procedure_title),
      h('div', { class: 'qi-step' }, `${item.step}${item.visit > 1 ? ` (${item.visit})` : ''}: `, item.kegiatan || ''),
      h('div', { class: 'qi-meta muted' },
        h('span', {}, `${t('col.role')}: ${item.role || '–'}`),
        h('span', {}, `${t('col.due')}: ${when(item.due_at)}`),
        h('span', {}, item.case.procedure_title)))));
  return h('div', {},
    h('div', { class: 'page-head' }, h('h1', {}, t('queue.title')), toggle),
    h('p', { class: 'muted' }, t('queue.help'), ' ', `${t('queue.roles')}: ${me.roles.join(', ')}`),
    items.length ? h('ul', { class: 'queue', id: 'queue' }, items) : h('p', { class: 'empty', id: 'queue-empty' }, t('empty.queue')));
}
