// A Vue component instance (the `vm` an errorHandler gets) described as @sentry/vue describes it
// in contexts.vue: `componentName` (`<Root>`, `<UserCard>`, `<Anonymous>`) and `trace` (Vue's own
// "found in" text: the chain of parents where Vue marks its instances, else the component alone).

const ROOT = '<Root>';
const ANONYMOUS = '<Anonymous>';
// kebab-case or snake_case → PascalCase, as Vue names components in its warnings.
const pascal = (s) => s.replace(/(?:^|[-_])(\w)/g, (m) => m.toUpperCase()).replace(/[-_]/g, '');

/** `<Name>` of a component instance (with ` at <file>` when `withFile` and the build kept __file). */
export function componentName(vm, withFile) {
  if (!vm) return ANONYMOUS;
  if (vm.$root === vm) return ROOT;
  const o = vm.$options;
  if (!o) return ANONYMOUS;
  let name = o.name || o._componentTag || o.__name;
  const file = o.__file;
  if (!name && file) {
    const m = /([^/\\]+)\.vue$/.exec(file);
    if (m) name = m[1];
  }
  return (name ? `<${pascal(name)}>` : ANONYMOUS) + (file && withFile !== false ? ` at ${file}` : '');
}

/** Vue's "found in" text for `vm`: its parents up to the root, runs of one component folded. */
export function componentTrace(vm) {
  if (!(vm && (vm._isVue || vm.__isVue) && vm.$parent)) return `\n\n(found in ${componentName(vm)})`;
  const tree = [];
  let run = 0;
  for (let cur = vm; cur; cur = cur.$parent) {
    const last = tree[tree.length - 1];
    if (last && last.vm.constructor === cur.constructor) {
      run++;
      continue;
    }
    if (last && run) last.run = run;
    run = 0;
    tree.push({ vm: cur, run: 0 });
  }
  const lines = tree.map((t, i) => (i === 0 ? '---> ' : ' '.repeat(5 + i * 2))
    + (t.run ? `${componentName(t.vm)}... (${t.run} recursive calls)` : componentName(t.vm)));
  return `\n\nfound in\n\n${lines.join('\n')}`;
}
