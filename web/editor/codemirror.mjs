// The playground's code editor: CodeMirror 6, bundled by esbuild (build.mjs)
// into one script the page loads when the learner first comes to the
// editor. It exposes `window.layerlabEditor.mount(parent, options)`; the Rust side keeps the
// plain textarea as a fallback if this script is missing or fails.
import { EditorView, basicSetup } from 'codemirror';
import { EditorState, StateEffect, StateField, Compartment } from '@codemirror/state';
import { Decoration } from '@codemirror/view';
import { StreamLanguage, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { setDiagnostics, lintGutter } from '@codemirror/lint';

const setHighlight = StateEffect.define();
const highlightField = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setHighlight)) {
        const { from, to } = e.value;
        const marks = [];
        for (let l = from; l >= 1 && l <= to && l <= tr.state.doc.lines; l++) {
          marks.push(Decoration.line({ class: 'cm-step-highlight' }).range(tr.state.doc.line(l).from));
        }
        value = Decoration.set(marks);
      }
    }
    return value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// Token colours from the page's palette (style.css), so each theme has its
// own and both pass contrast; CodeMirror's default style is for light
// backgrounds only.
const palette = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.controlKeyword], color: 'var(--kw)' },
  { tag: tags.string, color: 'var(--str)' },
  { tag: [tags.comment, tags.meta], color: 'var(--cm)', fontStyle: 'italic' },
  { tag: [tags.variableName, tags.special(tags.variableName)], color: 'var(--var)' },
  { tag: [tags.atom, tags.number, tags.bool, tags.literal, tags.url], color: 'var(--flag)' },
  { tag: [tags.typeName, tags.className, tags.labelName, tags.propertyName], color: 'var(--var)' },
  { tag: [tags.regexp, tags.escape, tags.special(tags.string)], color: 'var(--str)' },
  { tag: tags.invalid, color: 'var(--err)' },
]);

function mount(parent, options) {
  const language = new Compartment();
  const readOnly = new Compartment();
  let silent = false;
  const langFor = (name) => (name === 'dockerfile' ? StreamLanguage.define(dockerFile) : []);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc || '',
      extensions: [
        basicSetup,
        syntaxHighlighting(palette),
        EditorView.contentAttributes.of({ 'aria-label': options.label || 'File contents' }),
        lintGutter(),
        highlightField,
        language.of(langFor(options.language)),
        readOnly.of(EditorState.readOnly.of(!!options.readOnly)),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !silent && options.onChange) options.onChange(u.state.doc.toString());
        }),
        EditorView.domEventHandlers({
          mousedown(event, v) {
            const pos = v.posAtCoords({ x: event.clientX, y: event.clientY });
            if (pos != null && options.onLineClick) options.onLineClick(v.state.doc.lineAt(pos).number);
            return false;
          },
        }),
      ],
    }),
  });
  // Taking over from the plain textarea: its caret (UTF-16 offsets, as
  // CodeMirror counts) and its focus.
  if (options.selection) {
    const [anchor, head] = options.selection.map((n) => Math.min(n, view.state.doc.length));
    view.dispatch({ selection: { anchor, head } });
  }
  // The page shows the editor (and hides the textarea) just after this
  // returns: take the focus once it is on screen.
  if (options.focus) {
    let tries = 0;
    const focusWhenShown = () => {
      if (view.dom.offsetParent) view.focus();
      else if (tries++ < 30) requestAnimationFrame(focusWhenShown);
    };
    focusWhenShown();
  }
  return {
    view,
    getDoc: () => view.state.doc.toString(),
    setDoc(text) {
      if (text === view.state.doc.toString()) return;
      silent = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      silent = false;
    },
    setLanguage(name) { view.dispatch({ effects: language.reconfigure(langFor(name)) }); },
    setDiagnostics(list) {
      const doc = view.state.doc;
      const diagnostics = list.filter((d) => d.line >= 1 && d.line <= doc.lines).map((d) => {
        const line = doc.line(d.line);
        const from = Math.min(line.from + Math.max(0, d.column - 1), line.to);
        return { from, to: line.to > from ? line.to : from, severity: d.error ? 'error' : 'warning', message: d.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    setHighlight(from, to) { view.dispatch({ effects: setHighlight.of({ from, to }) }); },
  };
}

window.layerlabEditor = { mount };
window.dispatchEvent(new Event('layerlab-editor-ready'));
