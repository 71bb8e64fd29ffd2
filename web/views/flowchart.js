// The procedure's swimlane flowchart from GET /api/sops/{id}/flowchart.svg (siaga render), with
// the current step and breached steps marked by the server. Until a server has that endpoint
// (404), the procedure's steps are listed instead, with the same marks.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { getText, sopPath } from '../api.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const DROP = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'audio', 'video', 'handler', 'listener']);

// The SVG comes from our own server; it is cleaned anyway: no scripts, no event handlers, no
// links or references that leave the document.
export function sanitizeSvg(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== SVG_NS || root.localName !== 'svg' || doc.querySelector('parsererror')) return null;
  const walk = (el) => {
    for (const child of [...el.children]) {
      if (DROP.has(child.localName.toLowerCase())) { child.remove(); continue; }
      walk(child);
    }
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) el.removeAttribute(attr.name);
      else if ((name === 'href' || name === 'xlink:href' || name === 'src') && !value.startsWith('#')) el.removeAttribute(attr.name);
      else if (name === 'style' && /url\s*\(|expression|javascript:/.test(value)) el.removeAttribute(attr.name);
    }
  };
  walk(root);
  root.removeAttribute('width');
  root.removeAttribute('height');
  root.setAttribute('role', 'img');
  return document.importNode(root, true);
}

// `marks`: { current: [step ids], breached: [...], done: [...] }.
function stepList(procedure, marks) {
  const steps = [...procedure.steps];
  return h('ol', { class: 'step-list', id: 'step-list' }, steps.map((s) => {
    const classes = ['flow-step', `kind-${s.kind}`];
    if (marks.current.includes(s.id)) classes.push('current');
    if (marks.breached.includes(s.id)) classes.push('breached');
    if (marks.done.includes(s.id)) classes.push('done');
    const role = s.role ? (procedure.roles[s.role] ? procedure.roles[s.role].label : s.role) : '';
    return h('li', { class: classes.join(' '), 'data-step': s.id, 'aria-current': marks.current.includes(s.id) ? 'step' : null },
      h('span', { class: 'no' }, s.no || '·'),
      h('span', { class: 'body' },
        h('span', { class: 'kegiatan' }, s.kegiatan || s.id),
        h('span', { class: 'meta muted' },
          [t(`kind.${s.kind}`), role, s.waktu].filter(Boolean).join(' · '),
          s.inferred ? h('span', { class: 'inferred', title: t('flow.inferred') }, ` (${t('flow.inferred')})`) : null),
        s.branches ? h('span', { class: 'branches' }, s.branches.map((b) => h('span', { class: 'branch' }, b))) : null));
  }));
}

// The key to the marks; the rendered SVG has its own colours (engine/render) and no "done" mark.
function legend(source) {
  if (source === 'svg')
    return h('p', { class: 'legend muted' },
      h('span', { class: 'swatch svg-current' }), t('flow.legend_current'), ' ',
      h('span', { class: 'swatch svg-breached' }), t('flow.legend_breached'));
  return h('p', { class: 'legend muted' },
    h('span', { class: 'swatch current' }), t('flow.legend_current'), ' ',
    h('span', { class: 'swatch breached' }), t('flow.legend_breached'), ' ',
    h('span', { class: 'swatch done' }), t('flow.legend_done'));
}

// The flowchart block: the SVG when the server renders one, else the step list.
export async function flowchart(procedure, marks, version) {
  const query = new URLSearchParams();
  if (marks.current.length) query.set('current', marks.current.join(','));
  if (marks.breached.length) query.set('breached', marks.breached.join(','));
  if (version) query.set('version', version);
  let svg = null;
  try {
    const text = await getText(`${sopPath(procedure.id)}/flowchart.svg${query.toString() ? '?' + query : ''}`, 'image/svg+xml');
    if (text) svg = sanitizeSvg(text);
  } catch (error) {
    svg = null;
  }
  if (svg) {
    // Marks the SVG may lack (an older renderer): the same classes on the step groups.
    for (const g of svg.querySelectorAll('g.step[data-step]')) {
      const id = g.getAttribute('data-step');
      if (marks.current.includes(id)) g.classList.add('current');
      if (marks.breached.includes(id)) g.classList.add('breached');
    }
    return h('div', { class: 'flowchart', id: 'flowchart', 'data-source': 'svg' }, svg, legend('svg'));
  }
  return h('div', { class: 'flowchart', id: 'flowchart', 'data-source': 'list' },
    h('p', { class: 'notice muted' }, t('flow.fallback')), legend('list'), stepList(procedure, marks));
}
