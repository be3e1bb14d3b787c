// Entry point of a parser thread. The project runs its TypeScript through tsx; a worker thread
// starts without the parent's loaders, so it registers tsx itself, then loads the parser.
require('tsx/cjs/api').register();
require('./parser-thread-main.ts');
