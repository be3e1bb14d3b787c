// Stands in for @temporalio/ui's holocene/monaco/index.js, whose editors only edit Markdown
// (workflow summaries and details): the editor core, the Markdown language and the base worker,
// without the TypeScript, CSS, HTML and JSON language workers (about 8 MB of the build).
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/basic-languages/markdown/markdown.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export default monaco;
