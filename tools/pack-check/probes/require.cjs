// require()s each specifier given (a JSON array) as a CommonJS user would; prints one JSON result per specifier.
const specifiers = JSON.parse(process.argv[2] ?? '[]');
const results = [];
for (const specifier of specifiers) {
  try {
    const module = require(specifier);
    const names = Object.keys(module);
    results.push(names.length > 0 ? { specifier, ok: true } : { specifier, ok: false, error: 'exports nothing' });
  } catch (error) {
    results.push({ specifier, ok: false, error: `${error?.code ?? error?.name}: ${error?.message}` });
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
