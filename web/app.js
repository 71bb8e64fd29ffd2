// The dashboard's shell: sign-in, the menu, the language switch and a hash router.
import { h, clear } from './dom.js';
import { t, loadLanguage, lang, setLanguage } from './i18n.js';
import { getJson, token, setToken } from './api.js';
import { errorBox, hideToast } from './common.js';
import { queueView } from './views/queue.js';
import { casesView } from './views/cases.js';
import { caseView } from './views/case.js';
import { sopsView, sopView } from './views/sops.js';
import { reportsView, reportView } from './views/reports.js';

const view = document.getElementById('view');
let me = null;

const routes = [
  [/^#\/queue$/, () => queueView(me)],
  [/^#\/cases(?:\?(.*))?$/, (m) => casesView(new URLSearchParams(m[1] || ''))],
  [/^#\/case\/([^/?]+)$/, (m) => caseView(decodeURIComponent(m[1]), me)],
  [/^#\/sops$/, () => sopsView()],
  [/^#\/sop\/(.+)$/, (m) => sopView(decodeURIComponent(m[1]))],
  [/^#\/reports$/, () => reportsView()],
  [/^#\/report\/([^/?]+)$/, (m) => reportView(decodeURIComponent(m[1]))],
];

function renderShell() {
  document.title = 'Siaga';
  const nav = clear(document.getElementById('nav'));
  if (me) {
    for (const [hash, key] of [['#/queue', 'nav.queue'], ['#/cases', 'nav.cases'], ['#/sops', 'nav.sops'], ['#/reports', 'nav.reports']]) {
      const active = location.hash === hash || location.hash.startsWith(hash + '?') || location.hash.startsWith(hash.replace(/s$/, '') + '/');
      nav.append(h('a', { href: hash, class: active ? 'active' : null, 'aria-current': active ? 'page' : null }, t(key)));
    }
  }
  document.getElementById('who').textContent = me ? `${me.user} · ${me.roles.join(', ')}` : '';
  const langButton = document.getElementById('lang');
  langButton.textContent = t('lang.switch');
  langButton.title = t('lang.name');
  const signout = document.getElementById('signout');
  signout.hidden = !me;
  signout.textContent = t('signout');
}

function signInView(message) {
  const input = h('textarea', { id: 'token', rows: 3, autocomplete: 'off', spellcheck: 'false', required: true });
  const form = h('form', { class: 'card signin', onsubmit: async (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    await start();
  } },
  h('h1', {}, t('signin.title')),
  h('p', { class: 'muted' }, t('signin.help')),
  message ? h('p', { class: 'error', role: 'alert' }, message) : null,
  h('label', { for: 'token' }, t('signin.token')), input,
  h('button', { type: 'submit', class: 'primary' }, t('signin.submit')));
  return form;
}

async function route() {
  renderShell();
  if (!me) {
    clear(view).append(signInView());
    return;
  }
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    location.replace('#/queue');
    return;
  }
  const found = routes.find(([pattern]) => pattern.test(location.hash));
  clear(view).append(h('p', { class: 'muted' }, t('loading')));
  try {
    const node = found ? await found[1](location.hash.match(found[0])) : h('p', {}, '404');
    clear(view).append(node);
  } catch (error) {
    clear(view).append(errorBox(error));
  }
  view.focus({ preventScroll: true });
}

async function start() {
  me = null;
  if (token()) {
    try {
      me = await getJson('/api/me');
    } catch (error) {
      setToken('');
      renderShell();
      clear(view).append(signInView(`${t('signin.failed')}: ${error.message}`));
      return;
    }
  }
  await route();
}

document.getElementById('lang').addEventListener('click', () => {
  setLanguage(lang() === 'id' ? 'en' : 'id');
  route();
});
document.getElementById('signout').addEventListener('click', () => {
  setToken('');
  me = null;
  location.hash = '';
  route();
});
window.addEventListener('hashchange', () => { hideToast(); route(); });
window.addEventListener('siaga:refresh', route);
window.addEventListener('siaga:unauthorized', () => {
  if (!me) return;
  setToken('');
  me = null;
  route();
});

await loadLanguage();
await start();
