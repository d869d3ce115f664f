// ui.click breadcrumbs (hint { event }): the clicked element as tag#id.class, from a capturing
// listener on the document (so the app's stopPropagation does not hide it).
import { addBreadcrumb as crumb } from '../browser/scope.js';

/** Listens for clicks on `doc`. */
export function instrumentDom(doc) {
  doc.addEventListener('click', (ev) => {
    try {
      const el = ev.target;
      if (!el || !el.tagName) return;
      let name = el.tagName.toLowerCase();
      if (el.id) name += `#${el.id}`;
      if (typeof el.className === 'string' && el.className.trim()) name += `.${el.className.trim().split(/\s+/).join('.')}`;
      crumb({ category: 'ui.click', message: name }, { event: ev });
    } catch { /* never break the host */ }
  }, true);
}
