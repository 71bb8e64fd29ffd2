// Reports (scripts/*.lua): the list, and one report with its parameters, shown as the HTML the
// server renders (tables and SVG charts) in a sandboxed frame.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import { getJson, getText, getBlob } from '../api.js';
import { section, toast } from '../common.js';

export async function reportsView() {
  const data = await getJson('/api/reports');
  return h('div', {}, h('h1', {}, t('reports.title')),
    h('section', { class: 'card' }, table([
      { label: t('col.name'), cell: (r) => h('a', { href: `#/report/${encodeURIComponent(r.name)}` }, r.title || r.name) },
      { label: t('col.detail'), cell: (r) => r.description || '' },
    ], data.reports, (r) => ({ 'data-report': r.name }))),
    data.load_errors.length ? section(t('reports.errors'), h('ul', { class: 'load-errors' }, data.load_errors.map((e) => h('li', {}, e)))) : null);
}

function paramInput(p, sops) {
  const attrs = { name: p.name, id: `param-${p.name}`, required: p.required || null };
  let input;
  if (p.values) {
    input = h('select', attrs, p.required ? null : h('option', { value: '' }, t('filter.any')),
      p.values.map((v) => h('option', { value: v, selected: p.default === v }, v)));
  } else if (p.type === 'procedure') {
    input = h('select', attrs, h('option', { value: '' }, t('filter.any')), sops.procedures.map((s) => h('option', { value: s.id }, s.title)));
  } else {
    const type = p.type === 'date' ? 'date' : p.type === 'month' ? 'month' : p.type === 'integer' || p.type === 'number' ? 'number' : 'text';
    input = h('input', { ...attrs, type, value: p.default !== undefined ? String(p.default) : null });
  }
  return h('label', { class: 'field', for: attrs.id }, p.label || p.name, input);
}

export async function reportView(name) {
  const [list, sops] = await Promise.all([getJson('/api/reports'), getJson('/api/sops')]);
  const report = list.reports.find((r) => r.name === name);
  if (!report) throw new Error(`no report '${name}'`);
  const output = h('div', { class: 'report-output', id: 'report-output' });
  const query = () => {
    const q = new URLSearchParams();
    for (const el of form.querySelectorAll('input, select')) if (el.value) q.set(el.name, el.value);
    return q;
  };
  const run = async () => {
    const q = query();
    q.set('format', 'html');
    output.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    try {
      const html = await getText(`/api/reports/${encodeURIComponent(name)}?${q}`, 'text/html');
      output.replaceChildren(h('iframe', { class: 'report-frame', sandbox: '', srcdoc: html || '', title: report.title || name }));
    } catch (error) {
      output.replaceChildren(h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${error.message}`));
    }
  };
  const form = h('form', { class: 'filters card', onsubmit: (e) => { e.preventDefault(); run(); } },
    report.params.map((p) => paramInput(p, sops)),
    h('button', { type: 'submit', class: 'primary' }, t('report.run')),
    h('button', { type: 'button', class: 'small', onclick: async () => {
      const q = query();
      q.set('format', 'csv');
      try {
        const url = URL.createObjectURL(await getBlob(`/api/reports/${encodeURIComponent(name)}?${q}`));
        const a = h('a', { href: url, download: `${name}.csv` });
        document.body.append(a);
        a.click();
        a.remove();
      } catch (error) {
        toast(`${t('error')}: ${error.message}`, true);
      }
    } }, t('report.download_csv')));
  const page = h('div', {}, h('h1', {}, report.title || name), h('p', { class: 'muted' }, report.description || ''), form, output);
  run();
  return page;
}
