// Trunk post_build hook: copies the base-image catalog with its package lists
// (`../shared/catalog/images.json`, read in place, never kept in the
// repository) into the build's staging directory as `images.json`. The
// playground fetches it when apt-get first needs Debian data. Without
// `../shared` nothing is copied and apt-get stays noted as not simulated.
import fs from 'node:fs';
import path from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
const source = path.join(process.env.TRUNK_SOURCE_DIR || '.', '..', 'shared', 'catalog', 'images.json');
if (staging && fs.existsSync(source)) {
  fs.writeFileSync(path.join(staging, 'images.json'), fs.readFileSync(source));
}
