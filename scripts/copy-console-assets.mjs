// Copies the console's stylesheet and script beside the compiled code (dist/src/console/assets),
// where the service reads them at start: the built package serves the console without src/.
import fs from 'node:fs/promises';

await fs.mkdir('dist/src/console/assets', { recursive: true });
await fs.cp('src/console/assets', 'dist/src/console/assets', { recursive: true });
