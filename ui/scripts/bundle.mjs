// Builds the installers for this machine's platform with the Tauri CLI:
// .msi/.exe on Windows, .app/.dmg on macOS, .deb/.rpm on Linux.
//
// The CLI wants tauri.conf.json beside the app crate's Cargo.toml, while this
// repository keeps it at the root. So this writes a copy into src-tauri/ with
// its paths rebased (git ignores it) and points the CLI there. Extra arguments
// go to `tauri build`, e.g. `npm run bundle -- --bundles deb`; a first
// argument `build` is dropped, as the release workflow's tauri-action calls
// `node ui/scripts/bundle.mjs build <arguments>`.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const config = JSON.parse(readFileSync(join(root, "tauri.conf.json"), "utf8"));
const rebase = (path) => `../${path}`;
config.build.frontendDist = rebase(config.build.frontendDist);
config.bundle.icon = config.bundle.icon.map(rebase);
writeFileSync(join(root, "src-tauri", "tauri.conf.json"), JSON.stringify(config, null, 2));

function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const args = process.argv.slice(2);
if (args[0] === "build") args.shift();

run("npm", ["--prefix", "ui", "run", "build"]);
run(join(root, "ui", "node_modules", ".bin", "tauri"), ["build", ...args], {
  TAURI_APP_PATH: "src-tauri",
  TAURI_FRONTEND_PATH: "ui",
});
