// Indonesian by default, English on request; the words are in i18n.json.
let dictionary = {};
let language = 'id';

export async function loadLanguage() {
  const stored = localStorage.getItem('siaga.lang');
  language = stored === 'en' ? 'en' : 'id';
  const response = await fetch('/ui/i18n.json');
  dictionary = await response.json();
  document.documentElement.lang = language;
}

export function lang() { return language; }

export function setLanguage(next) {
  language = next === 'en' ? 'en' : 'id';
  localStorage.setItem('siaga.lang', language);
  document.documentElement.lang = language;
}

// t('case.zone_note', { zone: 'WITA' })
export function t(key, values = {}) {
  const text = (dictionary[language] && dictionary[language][key]) || (dictionary.id && dictionary.id[key]) || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? values[name] : `{${name}}`));
}
